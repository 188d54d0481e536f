import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOneQueries, pullColumns, type DayOneQuery } from '../../../shared/lake/day-one-queries.js';
import { DUCKDB_TYPES } from '../../../shared/lake/lake-types.js';
import type { TableColumn } from '../../../shared/lake/table-columns.js';

/** Docker's draft guide of usage_pulls (docker/docs PR 25331), as the lake types it. */
const DRAFT_GUIDE: TableColumn[] = [
  { name: 'day', type: 'date' },
  { name: 'hub_username', type: 'string' },
  { name: 'image_repository', type: 'string' },
  { name: 'namespace', type: 'string' },
  { name: 'tag', type: 'string' },
  { name: 'version_checks', type: 'bigint' },
  { name: 'data_downloads', type: 'bigint' },
  { name: 'event_count', type: 'bigint' },
  { name: 'egress_size_bytes', type: 'bigint' },
];

/** The example of Docker's OpenAPI document: no user column. */
const OPENAPI_EXAMPLE: TableColumn[] = [
  { name: 'event_date', type: 'date' },
  { name: 'repository', type: 'string' },
  { name: 'tag', type: 'string' },
  { name: 'pull_count', type: 'bigint' },
];

/** A pull of the test tables: days before today, scope, repository, user, count. */
type Pull = readonly [daysAgo: number, scope: string, repository: string, user: string, count: number];

const PULLS: readonly Pull[] = [
  [1, 'acme', 'acme/web', 'alice', 5],
  [1, 'acme', 'acme/web', 'bob', 3],
  [2, 'acme', 'acme/db', 'alice', 4],
  [8, 'globex', 'acme/web', 'dave', 1],
  [15, 'acme', 'acme/db', 'alice', 6],
  // Outside the last 30 days.
  [40, 'acme', 'acme/db', 'carol', 100],
];

let instance: DuckDBInstance;
let db: DuckDBConnection;

const sqlText = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * A table of that name with those columns plus the partition columns, filled
 * with {@link PULLS} in the columns the queries read: what Athena and the
 * DuckDB views of `docker-reports query` both show.
 */
async function createTable(
  name: string,
  columns: readonly TableColumn[],
  partition: { scope: string; date: string } = { scope: 'org', date: 'report_date' },
): Promise<void> {
  const found = pullColumns(columns)!;
  const all = [...columns.map((c) => `${c.name} ${DUCKDB_TYPES[c.type]}`), `${partition.scope} VARCHAR`, `${partition.date} DATE`];
  await db.run(`CREATE OR REPLACE TABLE ${name} (${all.join(', ')})`);
  for (const [daysAgo, scope, repository, user, count] of PULLS) {
    const values: Record<string, string> = {
      [found.pulls]: String(count),
      [found.repository]: sqlText(repository),
      ...(found.user ? { [found.user]: sqlText(user) } : {}),
      [partition.scope]: sqlText(scope),
      [partition.date]: `current_date - ${daysAgo}`,
    };
    await db.run(`INSERT INTO ${name} (${Object.keys(values).join(', ')}) VALUES (${Object.values(values).join(', ')})`);
  }
}

async function run(query: DayOneQuery): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const reader = await db.runAndReadAll(query.sql);
  return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
}

const byName = (queries: DayOneQuery[], suffix: string) => queries.find((q) => q.name.endsWith(suffix))!;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});

afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

describe('Function: pullColumns', () => {
  it('finds the count, the repository and the user of the draft guide\'s columns', () => {
    // Assess
    expect(pullColumns(DRAFT_GUIDE)).toEqual({ pulls: 'event_count', repository: 'image_repository', user: 'hub_username' });
  });

  it('finds the count and the repository of the OpenAPI example\'s columns, and no user', () => {
    // Assess
    expect(pullColumns(OPENAPI_EXAMPLE)).toEqual({ pulls: 'pull_count', repository: 'repository', user: undefined });
  });

  it('takes a count only from a numeric column', () => {
    // Prepare
    const columns: TableColumn[] = [
      { name: 'event_count', type: 'string' },
      { name: 'pulls', type: 'double' },
      { name: 'repository', type: 'string' },
    ];

    // Assess
    expect(pullColumns(columns)?.pulls).toBe('pulls');
  });
});

describe('Function: dayOneQueries', () => {
  it('forms three queries named after the table, each saying which table it reads', () => {
    // Act
    const queries = dayOneQueries({ name: 'usage_pulls_daily', columns: DRAFT_GUIDE });

    // Assess
    expect(queries.map((q) => q.name)).toEqual([
      'usage_pulls_daily-top-repositories-last-30-days',
      'usage_pulls_daily-pulls-per-repository',
      'usage_pulls_daily-week-over-week-change',
    ]);
    for (const query of queries) {
      expect(query.description).toMatch(/\(usage_pulls_daily\)$/);
      expect(query.sql).toContain('FROM usage_pulls_daily\n');
    }
  });

  it.each<[string, TableColumn[]]>([
    ['no count', OPENAPI_EXAMPLE.filter((c) => c.name !== 'pull_count')],
    ['no repository', OPENAPI_EXAMPLE.filter((c) => c.name !== 'repository')],
    ['a count that is not a number', OPENAPI_EXAMPLE.map((c) => (c.name === 'pull_count' ? { ...c, type: 'string' as const } : c))],
    ['no columns at all', []],
  ])('forms none for a table with %s', (_case, columns) => {
    // Act
    const queries = dayOneQueries({ name: 'image_access_daily', columns });

    // Assess
    expect(queries).toEqual([]);
  });

  describe('run in DuckDB', () => {
    it('over the draft guide\'s columns: the top repositories of the last 30 days, with their users', async () => {
      // Prepare
      await createTable('usage_pulls_daily', DRAFT_GUIDE);
      const query = byName(dayOneQueries({ name: 'usage_pulls_daily', columns: DRAFT_GUIDE }), '-top-repositories-last-30-days');

      // Act
      const result = await run(query);

      // Assess
      expect(query.description).toContain('with how many users pulled them');
      expect(result.columns).toEqual(['image_repository', 'pulls', 'users']);
      expect(result.rows.map((row) => [row.image_repository, Number(row.pulls), Number(row.users)])).toEqual([
        ['acme/db', 10, 1],
        ['acme/web', 9, 3],
      ]);
    });

    it('over the OpenAPI example\'s columns: the top repositories, without a users count', async () => {
      // Prepare
      await createTable('usage_pulls_weekly', OPENAPI_EXAMPLE);
      const query = byName(dayOneQueries({ name: 'usage_pulls_weekly', columns: OPENAPI_EXAMPLE }), '-top-repositories-last-30-days');

      // Act
      const result = await run(query);

      // Assess
      expect(query.description).not.toContain('users');
      expect(query.sql).not.toContain('count(DISTINCT');
      expect(result.columns).toEqual(['repository', 'pulls']);
      expect(result.rows.map((row) => [row.repository, Number(row.pulls)])).toEqual([
        ['acme/db', 10],
        ['acme/web', 9],
      ]);
    });

    it.each<[string, TableColumn[]]>([
      ['usage_pulls_daily', DRAFT_GUIDE],
      ['usage_pulls_weekly', OPENAPI_EXAMPLE],
    ])('over %s: the pulls of each repository in each period and scope, newest first', async (name, columns) => {
      // Prepare
      await createTable(name, columns);
      const query = byName(dayOneQueries({ name, columns }), '-pulls-per-repository');
      const repository = pullColumns(columns)!.repository;

      // Act
      const result = await run(query);

      // Assess
      expect(result.columns).toEqual(['report_date', 'org', repository, 'pulls']);
      const groups = new Map<string, number>();
      for (const [daysAgo, scope, repo, , count] of PULLS) groups.set(`${daysAgo}|${scope}|${repo}`, (groups.get(`${daysAgo}|${scope}|${repo}`) ?? 0) + count);
      expect(result.rows).toHaveLength(groups.size);
      expect(result.rows.map((row) => [row.org, row[repository], Number(row.pulls)])).toEqual([
        ['acme', 'acme/web', 8],
        ['acme', 'acme/db', 4],
        ['globex', 'acme/web', 1],
        ['acme', 'acme/db', 6],
        ['acme', 'acme/db', 100],
      ]);
      const dates = result.rows.map((row) => String(row.report_date));
      expect([...dates].sort().reverse()).toEqual(dates);
    });

    it.each<[string, TableColumn[]]>([
      ['usage_pulls_daily', DRAFT_GUIDE],
      ['usage_pulls_weekly', OPENAPI_EXAMPLE],
    ])('over %s: the pulls per repository per week, and the change from its week before', async (name, columns) => {
      // Prepare
      await createTable(name, columns);
      const query = byName(dayOneQueries({ name, columns }), '-week-over-week-change');
      const repository = pullColumns(columns)!.repository;

      // Act
      const result = await run(query);

      // Assess
      expect(result.columns).toEqual(['week', repository, 'pulls', 'change']);
      expect(result.rows.reduce((sum, row) => sum + Number(row.pulls), 0)).toBe(PULLS.reduce((sum, pull) => sum + pull[4], 0));
      for (const repo of ['acme/web', 'acme/db']) {
        const weeks = result.rows.filter((row) => row[repository] === repo).reverse();
        expect(weeks[0]!.change).toBeNull();
        for (let i = 1; i < weeks.length; i += 1) expect(Number(weeks[i]!.change)).toBe(Number(weeks[i]!.pulls) - Number(weeks[i - 1]!.pulls));
      }
      const starts = result.rows.map((row) => new Date(`${String(row.week).slice(0, 10)}T00:00:00Z`));
      expect(starts.every((start) => start.getUTCDay() === 1)).toBe(true);
    });

    it('over a DVP table, with its own partition columns', async () => {
      // Prepare
      await createTable('dvp_repo_summary_weekly', OPENAPI_EXAMPLE, { scope: 'namespace', date: 'period_start' });
      const queries = dayOneQueries({ name: 'dvp_repo_summary_weekly', columns: OPENAPI_EXAMPLE }, 'period_start', 'namespace');

      // Act
      const results = await Promise.all(queries.map((query) => run(query)));

      // Assess
      expect(queries.every((query) => !/\b(org|report_date)\b/.test(query.sql))).toBe(true);
      expect(results.map((result) => result.columns)).toEqual([
        ['repository', 'pulls'],
        ['period_start', 'namespace', 'repository', 'pulls'],
        ['week', 'repository', 'pulls', 'change'],
      ]);
      expect(results[1]!.rows.reduce((sum, row) => sum + Number(row.pulls), 0)).toBe(PULLS.reduce((sum, pull) => sum + pull[4], 0));
    });
  });
});
