import { Command, Option } from 'commander';
import { formatCsv, formatJson, formatTable } from '../format.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { ConfigError } from '../../shared/errors.js';
import type { QueryResult } from '../local-lake-query.js';

type Format = 'table' | 'json' | 'csv';

export function queryCommand(io: CliIo, exit: (code: number) => void): Command {
  return new Command('query')
    .description(
      'Run SQL over a local lake with DuckDB; each type/cadence is a view {type}_{cadence}, each DVP view/timespan ' +
        'dvp_{view}_{timespan}, as in Athena.',
    )
    .argument('<sql>', 'the SQL, e.g. "SELECT org, count(*) FROM usage_pulls_daily GROUP BY org"')
    .requiredOption('--lake <dir>', 'the lake folder a sync wrote')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .addHelpText(
      'after',
      `
Each view has the report's columns (from Docker's schema endpoint) plus org and report_date;
a report column named like one of those is <name>_field. DVP views (dvp_raw_weekly,
dvp_repo_summary_monthly, ...) have the export's columns, named from its header in lower
snake case, plus namespace and period_start (the Monday of the week, the 1st of the month).
Run "docker-reports query 'SHOW TABLES' --lake <dir>" to list them, and
"docker-reports query 'DESCRIBE usage_pulls_daily' --lake <dir>" for a view's columns.
Several statements separated by ";" run in order, and each one's result is printed
(with --format json, one JSON array per statement, one after the other).
JSON keeps numbers as numbers (integers past 2^53 as strings of digits) and
writes dates and timestamps in ISO 8601 (timestamps in UTC).`,
    )
    .action(async (sql: string, flags: { lake: string; format: Format }) => {
      // Said before the lake is opened: an empty argument is a mistake in the command line (a shell variable unset).
      if (sql.trim() === '') {
        throw new ConfigError(`no SQL to run: the query is empty. Give one, e.g. docker-reports query "SHOW TABLES" --lake ${flags.lake}`);
      }
      // DuckDB is loaded only by the commands that query.
      const { LocalLake } = await import('../local-lake-query.js');
      const lake = await LocalLake.open(flags.lake);
      try {
        if (lake.empty.length > 0) io.stderr.write(`note: no landed data yet for ${lake.empty.join(', ')}; no view for them.\n`);
        for (const { name, reason } of lake.unreadable) {
          io.stderr.write(`note: the query copies of ${name} cannot be read (${reason}); no view for it.\n`);
        }
        if (lake.views.length === 0) {
          io.stderr.write(`note: ${flags.lake} holds no landed reports yet; only DuckDB's own tables exist.\n`);
        }
        try {
          for await (const { statement, result } of lake.statements(sql)) {
            // Each result as soon as it is there; a blank line between two (a newline between two JSON documents).
            if (statement > 1) io.stdout.write(flags.format === 'json' ? '' : '\n');
            io.stdout.write(`${render(result, flags.format)}\n`);
          }
        } catch (error) {
          if (error instanceof ConfigError) throw error;
          throw new ConfigError(`the SQL failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        exit(EXIT.ok);
      } finally {
        lake.close();
      }
    });
}

function render(result: QueryResult, format: Format): string {
  if (format === 'json') return formatJson(result.columns, result.jsonRows());
  if (format === 'csv') return formatCsv(result.columns, result.rows);
  return formatTable(result.columns, result.rows);
}
