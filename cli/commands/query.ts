import { Command, Option } from 'commander';
import { formatTable } from '../format.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { ConfigError } from '../../shared/errors.js';

export function queryCommand(io: CliIo, exit: (code: number) => void): Command {
  return new Command('query')
    .description('Run SQL over a local lake with DuckDB; each type/cadence is a view {type}_{cadence}, as in Athena.')
    .argument('<sql>', 'the SQL, e.g. "SELECT org, count(*) FROM usage_pulls_daily GROUP BY org"')
    .requiredOption('--lake <dir>', 'the lake folder a sync wrote')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .addHelpText(
      'after',
      `
Each view has the report's columns (from Docker's schema endpoint) plus org and report_date.
Run "docker-reports query 'SHOW TABLES' --lake <dir>" to list them, and
"docker-reports query 'DESCRIBE usage_pulls_daily' --lake <dir>" for a view's columns.`,
    )
    .action(async (sql: string, flags: { lake: string; format: 'table' | 'json' | 'csv' }) => {
      // DuckDB is loaded only by the commands that query.
      const { LocalLake } = await import('../local-lake-query.js');
      const lake = await LocalLake.open(flags.lake);
      try {
        if (lake.empty.length > 0) io.stderr.write(`note: no landed data yet for ${lake.empty.join(', ')}; no view for them.\n`);
        if (lake.views.length === 0) {
          io.stderr.write(`note: ${flags.lake} holds no landed reports yet; only DuckDB's own tables exist.\n`);
        }
        const result = await lake.query(sql).catch((error: unknown) => {
          throw new ConfigError(`the SQL failed: ${error instanceof Error ? error.message : String(error)}`);
        });
        io.stdout.write(`${render(result.columns, result.rows, flags.format)}\n`);
        exit(EXIT.ok);
      } finally {
        lake.close();
      }
    });
}

function render(columns: string[], rows: unknown[][], format: 'table' | 'json' | 'csv'): string {
  if (format === 'json') return JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))), null, 2);
  if (format === 'csv') return [columns, ...rows].map((row) => row.map(csvCell).join(',')).join('\n');
  return formatTable(columns, rows);
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
