import { Command, CommanderError } from 'commander';
import { TOOL } from '../shared/version.js';
import { demoCommand } from './commands/demo.js';
import { queryCommand } from './commands/query.js';
import { reportCommand } from './commands/report.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { syncCommand } from './commands/sync.js';
import { EXIT, exitCodeOfError } from './exit-codes.js';
import type { CliIo } from './cli-io.js';

/** The `docker-reports` command tree, built around injected I/O so tests can run it in-process. */
export function buildProgram(io: CliIo, exit: (code: number) => void): Command {
  const program = new Command('docker-reports')
    .description(
      'Land Docker Enterprise usage reports and Verified Publisher pull analytics in your own lake\n' +
        '(a folder or S3), verified and never partial, and query them with the same SQL you would run in Athena.',
    )
    .version(TOOL.version)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  for (const command of [
    syncCommand(io, exit),
    queryCommand(io, exit),
    serveCommand(io, exit),
    reportCommand(io, exit),
    simulateCommand(io, exit),
    demoCommand(io, exit),
  ]) {
    program.addCommand(command.exitOverride().configureOutput(program.configureOutput()));
  }
  return program;
}

/** Runs the CLI with `argv` and returns its exit code; every error becomes a message and a code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (exitCode) => {
    code = exitCode;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with 0; every parse error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeOfError(error);
  }
}
