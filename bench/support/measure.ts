import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface Measurement {
  readonly wallMs: number;
  /** Peak resident memory of the largest process in the run, from GNU time; NaN without it. */
  readonly peakRssMb: number;
  readonly code: number;
  readonly stderr: string;
  /** Standard output, when asked for (`--json` summaries). */
  readonly stdout: string;
}

const GNU_TIME = '/usr/bin/time';

/** Runs a command to its end and measures its wall time and peak memory. */
export async function measure(command: string, args: readonly string[], env: Record<string, string | undefined>): Promise<Measurement> {
  const scratch = await mkdtemp(join(tmpdir(), 'bench-time-'));
  const rssFile = join(scratch, 'rss');
  const timed = existsSync(GNU_TIME);
  const [file, argv] = timed ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, [...args]];
  const started = performance.now();
  const { code, stderr, stdout } = await new Promise<{ code: number; stderr: string; stdout: string }>((resolve, reject) => {
    const child = spawn(file, argv, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let out = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ code: exitCode ?? -1, stderr: text, stdout: out }));
  });
  const wallMs = performance.now() - started;
  const peakRssMb = timed ? Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1)) / 1024 : Number.NaN;
  await rm(scratch, { recursive: true, force: true });
  return { wallMs, peakRssMb, code, stderr, stdout };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Fails the benchmark loudly: a contestant that did not do its job has no time worth printing. */
export function expectSuccess(what: string, run: Measurement): Measurement {
  if (run.code !== 0) throw new Error(`${what} exited ${run.code}:\n${run.stderr.slice(-2000)}`);
  return run;
}
