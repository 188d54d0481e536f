import { parse } from 'csv-parse/sync';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditFileKey, queryTableFolder } from '../../../shared/lake/layout.js';
import { createSimulator, type SchemaField, type Simulator } from '../../../simulator/index.js';
import { runCliInProcess, type CliRun } from '../../support/cli-runner.js';
import { simulatorEnv } from '../../support/engine.js';
import { tempDir } from '../../support/temp-dir.js';

const field = (name: string, type: string): SchemaField => ({ name, type, description: '' });

/**
 * A report as odd as a real one can be: a header that names a column twice
 * (the second time of another type, so the two cells differ), and columns
 * named like the partition columns (`org`, `report_date`) and like the audit
 * tree's period key (`date`).
 */
const ODD_FIELDS = [
  field('day', 'date'),
  field('pulls', 'integer'),
  field('pulls', 'string'),
  field('date', 'date'),
  field('org', 'string'),
  field('report_date', 'string'),
];
const ODD = { source: 'enterprise' as const, name: 'odd_columns', cadence: 'daily' };

/** `docker-reports query` over a lake the CLI's own sync wrote from the simulator, DuckDB and all. */
describe('docker-reports query', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };
  let oddDates: string[];

  const query = (sql: string, ...flags: string[]): Promise<CliRun> => runCliInProcess(['query', sql, '--lake', lake.path, ...flags], {});

  beforeAll(async () => {
    sim = await createSimulator({
      orgs: ['acme'],
      days: 2,
      reportTypes: [
        { type: 'usage_pulls', cadence: 'daily' },
        { type: 'image_access', cadence: 'daily' },
        { type: ODD.name, cadence: ODD.cadence, fields: ODD_FIELDS },
      ],
    });
    oddDates = sim
      .reports('acme')
      .filter((report) => report.ReportType === ODD.name)
      .map((report) => report.Date)
      .sort();
    lake = await tempDir('cli-query');
    const sync = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path], simulatorEnv(sim));
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
  });

  afterAll(async () => {
    await sim?.close();
    await lake?.remove();
  });

  /** A copy of the lake to damage, removed after the test. */
  async function lakeCopy(onTestFinished: (fn: () => Promise<void>) => void): Promise<string> {
    const copy = await tempDir('cli-query-copy');
    onTestFinished(() => copy.remove());
    await cp(lake.path, copy.path, { recursive: true });
    return copy.path;
  }

  /** The served CSV of one odd report, as records of cells (the header left out). */
  async function servedCells(date: string): Promise<string[][]> {
    const csv = await readFile(join(lake.path, auditFileKey({ ...ODD, scope: 'acme', period: date }, 0)), 'utf8');
    return (parse(csv, { from_line: 2 }) as string[][]).sort((a, b) => a.join('\u0000').localeCompare(b.join('\u0000')));
  }

  async function columnsOf(view: string): Promise<string[]> {
    const run = await query(`DESCRIBE ${view}`, '--format', 'json');
    expect(run.code, run.stderr).toBe(0);
    return (JSON.parse(run.stdout) as { column_name: string }[]).map((row) => row.column_name);
  }

  describe('a lake with datasets that have no readable data', () => {
    it('skips a table whose first landing left its record but no data, with a note, and runs any query', async ({ onTestFinished }) => {
      // What a first landing that failed after its table record leaves: `_table.json`, nothing else.
      const dir = await lakeCopy(onTestFinished);
      const table = join(dir, ...queryTableFolder({ source: 'enterprise', name: 'image_access', cadence: 'daily' }).split('/'));
      for (const entry of await readdir(table)) if (entry !== '_table.json') await rm(join(table, entry), { recursive: true });
      await rm(join(dir, 'enterprise', 'image_access'), { recursive: true });

      const one = await runCliInProcess(['query', 'SELECT 1 AS one', '--lake', dir, '--format', 'json'], {});
      const pulls = await runCliInProcess(['query', 'SELECT count(*) AS n FROM usage_pulls_daily', '--lake', dir, '--format', 'json'], {});

      expect(one.code, one.stderr).toBe(0);
      expect(JSON.parse(one.stdout)).toEqual([{ one: 1 }]);
      expect(one.stderr).toMatch(/note: no landed data yet for image_access_daily; no view for them/);
      expect(pulls.code, pulls.stderr).toBe(0);
      expect(Number((JSON.parse(pulls.stdout) as { n: unknown }[])[0]!.n)).toBeGreaterThan(0);
    });

    it('skips a dataset whose query copy cannot be read, saying so, instead of failing every query', async ({ onTestFinished }) => {
      const dir = await lakeCopy(onTestFinished);
      const table = join(dir, ...queryTableFolder({ source: 'enterprise', name: 'image_access', cadence: 'daily' }).split('/'));
      const [partition] = (await readdir(table, { recursive: true })).filter((name) => name.endsWith('.parquet'));
      await writeFile(join(table, partition!), 'not parquet at all');

      const one = await runCliInProcess(['query', 'SELECT 1 AS one', '--lake', dir, '--format', 'json'], {});
      const tables = await runCliInProcess(['query', 'SHOW TABLES', '--lake', dir, '--format', 'json'], {});

      expect(one.code, one.stderr).toBe(0);
      expect(JSON.parse(one.stdout)).toEqual([{ one: 1 }]);
      expect(one.stderr).toMatch(/note: the query copies of image_access_daily cannot be read \(.+\); no view for it/);
      expect((JSON.parse(tables.stdout) as { name: string }[]).map((row) => row.name)).toEqual(['odd_columns_daily', 'usage_pulls_daily']);
    });
  });

  describe('odd report columns', () => {
    it('gives each cell of a header that names a column twice its own column, in the header order', async () => {
      const columns = await columnsOf('odd_columns_daily');

      expect(columns.filter((name) => name.startsWith('pulls'))).toEqual(['pulls', 'pulls_v2']);
      for (const date of oddDates) {
        const run = await query(
          `SELECT CAST(pulls AS VARCHAR) AS a, pulls_v2 AS b FROM odd_columns_daily WHERE report_date = DATE '${date}'`,
          '--format',
          'json',
        );
        expect(run.code, run.stderr).toBe(0);
        const rows = (JSON.parse(run.stdout) as { a: string | null; b: string | null }[]).map((row) => [row.a ?? '', row.b ?? '']);
        const served = (await servedCells(date)).map((cells) => [cells[1]!, cells[2]!]);
        expect(rows.sort()).toEqual(served.sort());
        expect(rows.some(([a, b]) => a !== '' && b !== '' && a !== b)).toBe(true);
      }
    });

    it('keeps report columns named org, report_date and date visible beside the partition columns', async () => {
      const columns = await columnsOf('odd_columns_daily');

      expect(columns.filter((name) => !name.startsWith('pulls'))).toEqual(['day', 'date', 'org_field', 'report_date_field', 'org', 'report_date']);
      const date = oddDates[0]!;
      const run = await query(
        `SELECT CAST(date AS VARCHAR) AS d, org_field, report_date_field, org, report_date FROM odd_columns_daily WHERE report_date = DATE '${date}'`,
        '--format',
        'json',
      );
      expect(run.code, run.stderr).toBe(0);
      const rows = JSON.parse(run.stdout) as { d: string | null; org_field: string | null; report_date_field: string | null; org: string; report_date: string }[];
      expect(rows.every((row) => row.org === 'acme' && row.report_date === date)).toBe(true);
      const served = (await servedCells(date)).map((cells) => [cells[3]!, cells[4]!, cells[5]!].join('|')).sort();
      expect(rows.map((row) => [row.d ?? '', row.org_field ?? '', row.report_date_field ?? ''].join('|')).sort()).toEqual(served);
      expect(served.some((cells) => !cells.startsWith(`${date}|acme|`))).toBe(true);
    });
  });

  describe('several statements', () => {
    it('runs them in order and prints each result, a blank line between two', async () => {
      const run = await query('CREATE TABLE t AS SELECT 41 AS n; SELECT n + 1 AS answer FROM t; SELECT count(*) AS reports FROM (SELECT DISTINCT report_date FROM usage_pulls_daily)');

      expect(run.code, run.stderr).toBe(0);
      const blocks = run.stdout.trimEnd().split('\n\n');
      expect(blocks).toHaveLength(3);
      expect(blocks[0]).toMatch(/^Count\n-+\n\s*1$/);
      expect(blocks[1]).toMatch(/^answer\n-+\n\s*42$/);
      expect(blocks[2]).toMatch(/^reports\n-+\n\s*2$/);
    });

    it('prints one JSON array per statement with --format json', async () => {
      const run = await query('SELECT 1 AS a; SELECT 2 AS b;', '--format', 'json');

      expect(run.code, run.stderr).toBe(0);
      const documents = run.stdout.trimEnd().split(/\n(?=\[)/).map((text) => JSON.parse(text) as unknown);
      expect(documents).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    });

    it('stops at a statement that fails, after printing the results before it, naming which one failed', async () => {
      const run = await query('SELECT 1 AS first; SELECT * FROM no_such_table; SELECT 3 AS third', '--format', 'csv');

      expect(run.code).toBe(2);
      expect(run.stdout).toBe('first\n1\n');
      expect(run.stderr).toMatch(/the SQL failed: statement 2 of 3: .*no_such_table/);
    });
  });

  describe('exit 2', () => {
    it.each(['', '   ', '\n\t\n'])('for empty SQL (%j), before the lake is read', async (sql) => {
      const run = await runCliInProcess(['query', sql, '--lake', join(lake.path, 'no-such-folder')], {});

      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/no SQL to run: the query is empty/);
    });

    it.each([';', ' ; ;', '/* nothing */'])('for SQL that holds no statement (%j)', async (sql) => {
      const run = await query(sql);

      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/the SQL holds no statement, only comments or semicolons/);
    });

    it('for SQL DuckDB cannot parse, in its words', async () => {
      const run = await query('SELEC 1');

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/the SQL failed: Parser Error: syntax error at or near "SELEC"/);
    });
  });

  describe('--format json', () => {
    it('keeps numbers as numbers, big integers as their digits, and dates and timestamps in ISO 8601', async () => {
      const sql = `SELECT count(*) AS row_count, sum(duration_seconds) > 0 AS timed, sum(epoch_ms(accessed_at)) AS total_ms,
          CAST(1.50 AS DECIMAL(10, 2)) AS price, CAST(0.1 AS DECIMAL(38, 30)) AS tenth,
          CAST(9007199254740991 AS BIGINT) AS largest_exact, CAST(9007199254740993 AS BIGINT) AS past_exact,
          CAST(-123456789012345678901234567890 AS HUGEINT) AS huge,
          max(report_date) AS latest, min(accessed_at) AS first_access, epoch_ms(min(accessed_at)) AS first_access_ms,
          TIMESTAMPTZ '2026-06-16 10:11:12.5+02' AS with_zone
        FROM image_access_daily`;
      const run = await query(sql, '--format', 'json');
      const csv = await query(sql, '--format', 'csv');

      expect(run.code, run.stderr).toBe(0);
      const [row] = JSON.parse(run.stdout) as Record<string, unknown>[];
      const [header, values] = parse(csv.stdout) as string[][];
      const text = Object.fromEntries(header!.map((name, i) => [name, values![i]!]));
      expect(row).toMatchObject({
        row_count: Number(text.row_count),
        timed: true,
        price: 1.5,
        tenth: 0.1,
        largest_exact: 9007199254740991,
        past_exact: '9007199254740993',
        huge: '-123456789012345678901234567890',
        latest: text.latest,
        with_zone: '2026-06-16T08:11:12.500Z',
      });
      expect(typeof row!.row_count).toBe('number');
      expect(row!.total_ms).toBe(Number(text.total_ms));
      expect(row!.first_access).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?Z$/);
      expect(Date.parse(row!.first_access as string)).toBe(row!.first_access_ms);
      expect(row!.latest).toBe(oddDates[oddDates.length - 1]);
    });

    it('keeps both values of two result columns named alike', async () => {
      const run = await query('SELECT 1 AS a, 2 AS a, 3 AS a_2', '--format', 'json');

      expect(JSON.parse(run.stdout)).toEqual([{ a: 1, a_2: 2, a_2_2: 3 }]);
    });
  });
});
