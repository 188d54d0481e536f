import { Command } from 'commander';
import { once } from 'node:events';
import { NAMESPACE_FLAG, collectNamespace, createSimulator, simulatorOptionsFromFlags, usageText, type SimulateFlags } from '../../simulator/index.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../cli-io.js';

export function simulateCommand(io: CliIo, exit: (code: number) => void): Command {
  return new Command('simulate')
    .description("Run a faithful simulator of Docker's Enterprise Data API and DVP Data API on loopback, for demos and tests.")
    .option('--port <port>', 'port of the API and token exchange (0: any free port)', '8080')
    .option('--orgs <orgs>', 'comma-separated orgs that have reports', 'acme,globex')
    .option('--days <n>', 'days of daily reports, ending yesterday', '90')
    .option('--report-mb <mb>', 'size of every report in MB (fractions allowed), up to hundreds of MB')
    .option(NAMESPACE_FLAG.flags, NAMESPACE_FLAG.description, collectNamespace)
    .addHelpText(
      'after',
      `
The simulator speaks Docker's documented contract: OAT -> JWT exchange with
expiring tokens, the four endpoints with Docker's validation and error envelope,
opaque page tokens, and 302 redirects to pre-signed URLs on another loopback
host (127.0.0.2) that expire and refuse an Authorization header, like S3.
It prints the environment to export so docker-reports talks to it.`,
    )
    .action(async (flags: SimulateFlags) => {
      const sim = await createSimulator(simulatorOptionsFromFlags(flags));
      io.stdout.write(usageText(sim));
      await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
      await sim.close();
      exit(EXIT.ok);
    });
}
