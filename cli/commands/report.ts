import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../../shared/errors.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { reportDate, segment } from '../option-parsers.js';

export function reportCommand(io: CliIo, exit: (code: number) => void): Command {
  return new Command('report')
    .description("Write the dashboard's charts and their data into one HTML file that opens anywhere, offline.")
    .requiredOption('--lake <dir>', 'the lake folder a sync wrote')
    .requiredOption('--out <file>', 'the HTML file to write, e.g. usage.html')
    .option('--org <org>', 'only this org (default: every org)', (value: string) => segment('org')(value)[0]!)
    .option('--namespace <namespace>', 'only this DVP namespace (default: every namespace)', (value: string) => segment('namespace')(value)[0]!)
    .option('--since <date>', 'from this date (YYYY-MM-DD), inclusive', reportDate)
    .option('--until <date>', 'to this date (YYYY-MM-DD), inclusive', reportDate)
    .option('--repo <repository>', 'only this repository, e.g. acme/api')
    .option('--show-users', 'include the top users chart with user names (distinct user counts are included either way)', false)
    .addHelpText(
      'after',
      `
Example:
  docker-reports report --lake ./lake --org acme --since 2026-01-01 --out usage.html
  open usage.html   # or attach it to a ticket: the charts, their data and SQL are inside`,
    )
    .action(async (flags: { lake: string; out: string; org?: string; namespace?: string; since?: string; until?: string; repo?: string; showUsers: boolean }) => {
      if (flags.since && flags.until && flags.since > flags.until) throw new ConfigError(`--since ${flags.since} is after --until ${flags.until}.`);
      // DuckDB and esbuild are loaded only by the commands that need them.
      const { dashboardReport } = await import('../dashboard/index.js');
      const filters = {
        ...(flags.org ? { org: flags.org } : {}),
        ...(flags.namespace ? { namespace: flags.namespace } : {}),
        ...(flags.since ? { from: flags.since } : {}),
        ...(flags.until ? { to: flags.until } : {}),
        ...(flags.repo ? { repo: flags.repo } : {}),
      };
      const report = await dashboardReport({ lake: flags.lake, showUsers: flags.showUsers, filters, now: io.now?.() ?? new Date() });
      await writeFile(flags.out, report.html);
      io.stdout.write(
        `Wrote ${flags.out}: ${report.charts} chart(s)${report.leftOut > 0 ? `, ${report.leftOut} left out (the file says why)` : ''}, ${Math.round(report.html.length / 1024)} KiB.\n` +
          '  It holds its data and chart library: open it in any browser, no network needed.\n',
      );
      exit(EXIT.ok);
    });
}
