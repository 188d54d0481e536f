import { BatchGetNamedQueryCommand, CreateNamedQueryCommand, ListNamedQueriesCommand, TooManyRequestsException } from '@aws-sdk/client-athena';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeEach, describe, expect, it } from 'vitest';
import { NamedQueries } from '../../../shared/aws/named-queries.js';
import type { TableDefinition } from '../../../shared/lake/table-catalog.js';
import type { TableColumn } from '../../../shared/lake/table-columns.js';
import { fakeWorkGroups, type FakeWorkGroups } from '../support/fake-athena.js';

const WORK_GROUP = 'docker-reports';

/** The columns Docker's draft guide names. */
const DRAFT_GUIDE: TableColumn[] = [
  { name: 'day', type: 'date' },
  { name: 'image_repository', type: 'string' },
  { name: 'hub_username', type: 'string' },
  { name: 'event_count', type: 'bigint' },
];

/** The columns Docker's OpenAPI example names. */
const OPENAPI_EXAMPLE: TableColumn[] = [
  { name: 'event_date', type: 'date' },
  { name: 'repository', type: 'string' },
  { name: 'tag', type: 'string' },
  { name: 'pull_count', type: 'bigint' },
];

const DAY_ONE = ['top-repositories-last-30-days', 'pulls-per-repository', 'week-over-week-change'];

function table(columns: readonly TableColumn[], dataset: Partial<Pick<TableDefinition, 'source' | 'dataset' | 'cadence'>> = {}): TableDefinition {
  return { source: 'enterprise', dataset: 'usage_pulls', cadence: 'daily', ...dataset, columns: [...columns], updated_at: '2026-06-17T10:00:00.000Z' };
}

let athena: FakeWorkGroups;

function namedQueries(): NamedQueries {
  return new NamedQueries({ client: athena.client, workGroup: WORK_GROUP, databaseName: 'docker_reports' });
}

/** Runs `sql` in DuckDB over a table named `name` with `columns` plus the partition columns, holding `rows`. */
async function runInDuckDb(name: string, columns: readonly TableColumn[], rows: readonly Record<string, string | number>[], sql: string) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const all = [...columns, { name: 'org', type: 'string' }, { name: 'report_date', type: 'date' }];
    const sqlType = (type: string) => ({ string: 'VARCHAR', bigint: 'BIGINT', date: 'DATE' })[type] ?? 'VARCHAR';
    await connection.run(`CREATE TABLE ${name} (${all.map((c) => `${c.name} ${sqlType(c.type)}`).join(', ')})`);
    for (const row of rows) {
      const values = all.map((c) => (row[c.name] === undefined ? 'NULL' : typeof row[c.name] === 'number' ? String(row[c.name]) : `'${row[c.name]}'`));
      await connection.run(`INSERT INTO ${name} VALUES (${values.join(', ')})`);
    }
    return (await connection.runAndReadAll(sql)).getRowObjectsJson();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

beforeEach(() => {
  athena = fakeWorkGroups(20);
});

describe('Class: NamedQueries', () => {
  describe('Method: ensure', () => {
    it("saves the day-one queries of a table with the draft guide's columns in the workgroup, formed from those columns", async () => {
      // Act
      const saved = await namedQueries().ensure(table(DRAFT_GUIDE));

      // Assess
      expect(saved).toEqual(DAY_ONE.map((name) => `usage_pulls_daily-${name}`));
      expect(athena.names(WORK_GROUP)).toEqual(saved);
      const created = athena.mock.commandCalls(CreateNamedQueryCommand).map((call) => call.args[0].input);
      expect(created.every((input) => input.WorkGroup === WORK_GROUP && input.Database === 'docker_reports')).toBe(true);
      const top = created[0]!;
      expect(top.QueryString).toContain('sum(event_count) AS pulls');
      expect(top.QueryString).toContain('count(DISTINCT hub_username) AS users');
      expect(top.QueryString).toContain('GROUP BY image_repository');
      expect(top.QueryString).toContain('FROM usage_pulls_daily');
      expect(top.QueryString).toContain('report_date >=');
      expect(top.Description).toContain('how many users pulled them');
      expect(created[1]!.QueryString).toContain('report_date, org, image_repository');
    });

    it("saves queries formed from the OpenAPI example's columns, without a users column it does not have", async () => {
      // Act
      const saved = await namedQueries().ensure(table(OPENAPI_EXAMPLE));

      // Assess
      expect(saved).toEqual(DAY_ONE.map((name) => `usage_pulls_daily-${name}`));
      const created = athena.mock.commandCalls(CreateNamedQueryCommand).map((call) => call.args[0].input.QueryString!);
      expect(created.every((sql) => sql.includes('sum(pull_count)') && sql.includes('repository'))).toBe(true);
      expect(created.join('\n')).not.toMatch(/image_repository|event_count|DISTINCT/);
    });

    it.each([
      ['the draft guide', DRAFT_GUIDE, { image_repository: 'acme/api', hub_username: 'ana', event_count: 3 }, 'image_repository'],
      ['the OpenAPI example', OPENAPI_EXAMPLE, { repository: 'acme/api', tag: 'latest', pull_count: 3 }, 'repository'],
    ])('saves SQL that runs as written over a table with the columns of %s', async (_label, columns, row, repository) => {
      // Prepare
      await namedQueries().ensure(table(columns));
      const [top] = athena.mock.commandCalls(CreateNamedQueryCommand).map((call) => call.args[0].input.QueryString!);
      const today = new Date().toISOString().slice(0, 10);
      const rows = [
        { ...row, org: 'acme', report_date: today },
        { ...row, org: 'acme', report_date: today, [repository]: 'acme/web' },
        { ...row, org: 'acme', report_date: today },
      ];

      // Act
      const answer = await runInDuckDb('usage_pulls_daily', columns, rows, top!);

      // Assess
      expect(answer.map((r) => [r[repository], String(r.pulls)])).toEqual([
        ['acme/api', '6'],
        ['acme/web', '3'],
      ]);
    });

    it('names a DVP table\'s queries after it and forms them over its own partition columns', async () => {
      // Act
      const saved = await namedQueries().ensure(table(OPENAPI_EXAMPLE, { source: 'dvp', dataset: 'repo-summary', cadence: 'monthly' }));

      // Assess
      expect(saved).toEqual(DAY_ONE.map((name) => `dvp_repo_summary_monthly-${name}`));
      const perRepository = athena.mock.commandCalls(CreateNamedQueryCommand)[1]!.args[0].input.QueryString!;
      expect(perRepository).toContain('SELECT period_start, namespace, repository');
      expect(perRepository).toContain('FROM dvp_repo_summary_monthly');
    });

    it.each([
      ['no count column', [{ name: 'day', type: 'date' }, { name: 'image_repository', type: 'string' }, { name: 'actor', type: 'string' }]],
      ['no repository column', [{ name: 'day', type: 'date' }, { name: 'item', type: 'string' }, { name: 'event_count', type: 'bigint' }]],
      ['a count column that is not a number', [{ name: 'repository', type: 'string' }, { name: 'pull_count', type: 'string' }]],
    ] as [string, TableColumn[]][])('saves nothing, and asks Athena nothing, for a table with %s', async (_label, columns) => {
      // Act
      const saved = await namedQueries().ensure(table(columns, { dataset: 'image_access' }));

      // Assess
      expect(saved).toEqual([]);
      expect(athena.mock.calls()).toHaveLength(0);
    });

    it('does not save again a query whose name the workgroup already has, and reads every page of names to know', async () => {
      // Prepare: 55 queries of people's own, one day-one query saved earlier, and the same name in another workgroup.
      for (let i = 0; i < 55; i += 1) athena.add({ Name: `team-query-${i}`, Database: 'docker_reports', QueryString: 'SELECT 1', WorkGroup: WORK_GROUP });
      athena.add({ Name: 'usage_pulls_daily-pulls-per-repository', Database: 'docker_reports', QueryString: 'SELECT 1', WorkGroup: WORK_GROUP });
      athena.add({ Name: 'usage_pulls_daily-week-over-week-change', Database: 'docker_reports', QueryString: 'SELECT 1', WorkGroup: 'primary' });

      // Act
      const saved = await namedQueries().ensure(table(DRAFT_GUIDE));

      // Assess
      expect(saved).toEqual(['usage_pulls_daily-top-repositories-last-30-days', 'usage_pulls_daily-week-over-week-change']);
      expect(athena.mock.commandCalls(ListNamedQueriesCommand).map((call) => call.args[0].input.WorkGroup)).toEqual([WORK_GROUP, WORK_GROUP, WORK_GROUP]);
      expect(athena.mock.commandCalls(BatchGetNamedQueryCommand).map((call) => call.args[0].input.NamedQueryIds!.length)).toEqual([50, 6]);
      expect(athena.names(WORK_GROUP).filter((name) => name.startsWith('usage_pulls_daily-'))).toHaveLength(3);
    });

    it('saves nothing the second time it is told of a table, in the same or a fresh instance', async () => {
      // Prepare
      const subject = namedQueries();
      await subject.ensure(table(DRAFT_GUIDE));

      // Act
      const again = await subject.ensure(table([...DRAFT_GUIDE, { name: 'region', type: 'string' }]));
      const fresh = await namedQueries().ensure(table(DRAFT_GUIDE));

      // Assess
      expect(again).toEqual([]);
      expect(fresh).toEqual([]);
      expect(athena.mock.commandCalls(CreateNamedQueryCommand)).toHaveLength(3);
      expect(athena.names(WORK_GROUP)).toHaveLength(3);
    });

    it('asks Athena again on the next table after it failed to list the saved queries once', async () => {
      // Prepare: a warm function whose first listing was throttled.
      const subject = namedQueries();
      athena.failNext(ListNamedQueriesCommand, new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
      const first = subject.ensure(table(DRAFT_GUIDE));
      await expect(first).rejects.toThrow('Rate exceeded');

      // Act
      const saved = await subject.ensure(table(DRAFT_GUIDE));

      // Assess
      expect(saved).toEqual(DAY_ONE.map((name) => `usage_pulls_daily-${name}`));
      expect(athena.mock.commandCalls(ListNamedQueriesCommand)).toHaveLength(2);
      expect(athena.names(WORK_GROUP)).toEqual(saved);
    });
  });
});
