import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { runCli } from '../../cli/program.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `docker-reports` in this process with its own environment and captured output. */
export async function runCliInProcess(argv: readonly string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  const code = await runCli(argv, { env, stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The real executable, as users run it (bin/docker-reports.js), in a child process. */
export const BIN = fileURLToPath(new URL('../../bin/docker-reports.js', import.meta.url));

export function runCliProcess(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  options: { cwd?: string } = {},
): Promise<CliRun> {
  return runProcess([process.execPath, BIN, ...argv], env, options);
}

/** Runs `command` (a program and its arguments) with only PATH and `env`, optionally in a folder or as another user. */
export function runProcess(
  command: readonly string[],
  env: Record<string, string | undefined>,
  options: { cwd?: string; uid?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      env: { PATH: process.env.PATH, ...env },
      cwd: options.cwd,
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
