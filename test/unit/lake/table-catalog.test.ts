import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tableDefinitionKey } from '../../../shared/lake/layout.js';
import { LakeTableCatalog, lakeTables, readTableDefinition, type TableDefinition } from '../../../shared/lake/table-catalog.js';
import type { TableColumn } from '../../../shared/lake/table-columns.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import type { DatasetRef } from '../../../shared/sources/model.js';
import type { SourceField } from '../../../shared/sources/source.js';
import { tempDir } from '../../support/temp-dir.js';

const PULLS: DatasetRef = { source: 'enterprise', name: 'usage_pulls', cadence: 'daily' };
const DVP: DatasetRef = { source: 'dvp', name: 'repo-summary', cadence: 'weekly' };

const field = (name: string, type: string, description = ''): SourceField => ({ name, type, description });

const JUNE_16 = [field('day', 'date', 'UTC day'), field('org', 'string'), field('event_count', 'integer')];

let lake: { path: string; remove: () => Promise<void> };
let sink: FsSink;
/** The clock the catalog stamps `updated_at` with; tests move it on. */
let now: Date;
/** The definitions `onTable` was told of, in order. */
let told: TableDefinition[];

const catalog = (options: ConstructorParameters<typeof LakeTableCatalog>[2] = {}) =>
  new LakeTableCatalog(sink, () => now, {
    onTable: async (table) => {
      told.push(table);
    },
    ...options,
  });

/** The table definition as it is in the lake's folder, parsed as JSON and nothing more. */
async function fileOf(dataset: DatasetRef): Promise<unknown> {
  return JSON.parse(await readFile(join(lake.path, ...tableDefinitionKey(dataset).split('/')), 'utf8'));
}

/** Writes a file into the lake folder directly, as an older tool version left it. */
async function putFile(key: string, value: unknown): Promise<void> {
  const path = join(lake.path, ...key.split('/'));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

beforeEach(async () => {
  lake = await tempDir('table-catalog');
  sink = new FsSink(lake.path);
  now = new Date('2026-06-17T08:00:00.000Z');
  told = [];
});

afterEach(async () => {
  await lake.remove();
});

describe('Class: LakeTableCatalog', () => {
  it('writes a new table\'s _table.json beside its query copies, its columns typed and described, partition names avoided', async () => {
    // Act
    const plan = await catalog().columnsFor(PULLS, JUNE_16);

    // Assess
    expect(await fileOf(PULLS)).toEqual({
      source: 'enterprise',
      dataset: 'usage_pulls',
      cadence: 'daily',
      columns: [
        { name: 'day', type: 'date', description: 'UTC day' },
        { name: 'org_field', type: 'string' },
        { name: 'event_count', type: 'bigint' },
      ],
      updated_at: '2026-06-17T08:00:00.000Z',
    });
    expect(plan.fields.map((f) => f.column)).toEqual(['day', 'org_field', 'event_count']);
    expect(plan.added).toHaveLength(3);
  });

  it('reserves the partition columns of the dataset\'s own source', async () => {
    // Act
    const plan = await catalog().columnsFor(DVP, [field('org', 'string'), field('namespace', 'string'), field('pull_count', 'integer')]);

    // Assess
    expect(plan.fields.map((f) => f.column)).toEqual(['org', 'namespace_field', 'pull_count']);
    expect(await readTableDefinition(sink, DVP)).toMatchObject({ source: 'dvp', dataset: 'repo-summary', cadence: 'weekly' });
  });

  it('only ever adds columns: a new field is appended, a removed one stays, a retyped one gets {name}_v2', async () => {
    // Prepare
    await catalog().columnsFor(PULLS, JUNE_16);
    now = new Date('2026-06-18T08:00:00.000Z');

    // Act
    const plan = await catalog().columnsFor(PULLS, [field('day', 'date'), field('event_count', 'string'), field('ip_address', 'string', 'Client IP')]);

    // Assess
    expect(plan.added).toEqual([
      { name: 'event_count_v2', type: 'string' },
      { name: 'ip_address', type: 'string', description: 'Client IP' },
    ]);
    expect(await fileOf(PULLS)).toEqual({
      source: 'enterprise',
      dataset: 'usage_pulls',
      cadence: 'daily',
      columns: [
        { name: 'day', type: 'date', description: 'UTC day' },
        { name: 'org_field', type: 'string' },
        { name: 'event_count', type: 'bigint' },
        { name: 'event_count_v2', type: 'string' },
        { name: 'ip_address', type: 'string', description: 'Client IP' },
      ],
      updated_at: '2026-06-18T08:00:00.000Z',
    });
  });

  it('leaves _table.json untouched when the fields add nothing', async () => {
    // Prepare
    await catalog().columnsFor(PULLS, JUNE_16);
    const before = await fileOf(PULLS);
    now = new Date('2026-06-18T08:00:00.000Z');

    // Act
    const plan = await catalog().columnsFor(PULLS, JUNE_16.slice(0, 1));

    // Assess
    expect(plan.added).toEqual([]);
    expect(await fileOf(PULLS)).toEqual(before);
  });

  it('reads the first version\'s _table.json ({type, cadence, ...}) and adds to it in the current shape', async () => {
    // Prepare
    await putFile(tableDefinitionKey(PULLS), {
      type: 'usage_pulls',
      cadence: 'daily',
      columns: [{ name: 'day', type: 'date' }, { name: 'event_count', type: 'bigint' }],
      updated_at: '2026-06-01T00:00:00.000Z',
    });

    // Act
    const read = await readTableDefinition(sink, PULLS);
    const plan = await catalog().columnsFor(PULLS, [field('day', 'date'), field('event_count', 'integer'), field('tag', 'string')]);

    // Assess
    expect(read).toEqual({
      source: 'enterprise',
      dataset: 'usage_pulls',
      cadence: 'daily',
      columns: [{ name: 'day', type: 'date' }, { name: 'event_count', type: 'bigint' }],
      updated_at: '2026-06-01T00:00:00.000Z',
    });
    expect(plan.added).toEqual([{ name: 'tag', type: 'string' }]);
    expect(await fileOf(PULLS)).toEqual({
      source: 'enterprise',
      dataset: 'usage_pulls',
      cadence: 'daily',
      columns: [{ name: 'day', type: 'date' }, { name: 'event_count', type: 'bigint' }, { name: 'tag', type: 'string' }],
      updated_at: '2026-06-17T08:00:00.000Z',
    });
  });

  it('starts a table from the seed when the lake has no _table.json yet, and asks the seed of no other', async () => {
    // Prepare
    const asked: DatasetRef[] = [];
    const seeded: TableColumn[] = [
      { name: 'day', type: 'date' },
      { name: 'event_count', type: 'string' },
    ];
    const seed = async (dataset: DatasetRef) => {
      asked.push(dataset);
      return dataset.name === PULLS.name ? seeded : undefined;
    };

    // Act
    const first = await catalog({ seed }).columnsFor(PULLS, JUNE_16);
    const second = await catalog({ seed }).columnsFor(PULLS, JUNE_16);

    // Assess
    expect(first.fields).toEqual([
      { field: 'day', column: 'day', type: 'date' },
      { field: 'org', column: 'org_field', type: 'string' },
      { field: 'event_count', column: 'event_count_v2', type: 'bigint' },
    ]);
    expect(first.retyped).toEqual([{ field: 'event_count', from: 'string', to: 'bigint', column: 'event_count_v2' }]);
    expect(((await fileOf(PULLS)) as { columns: TableColumn[] }).columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'day:date',
      'event_count:string',
      'org_field:string',
      'event_count_v2:bigint',
    ]);
    expect(second.added).toEqual([]);
    expect(asked).toEqual([PULLS]);
  });

  it('writes a _table.json even when the seed holds every column already', async () => {
    // Prepare
    const seeded: TableColumn[] = [{ name: 'day', type: 'date' }];

    // Act
    await catalog({ seed: async () => seeded }).columnsFor(PULLS, [field('day', 'date')]);

    // Assess
    expect(await fileOf(PULLS)).toEqual({ source: 'enterprise', dataset: 'usage_pulls', cadence: 'daily', columns: seeded, updated_at: now.toISOString() });
  });

  it('tells onTable of a table when it first sees it and each time it changes, not otherwise', async () => {
    // Prepare
    const tables = catalog();
    await putFile(tableDefinitionKey(DVP), {
      source: 'dvp',
      dataset: 'repo-summary',
      cadence: 'weekly',
      columns: [{ name: 'pull_count', type: 'bigint' }],
      updated_at: '2026-06-01T00:00:00.000Z',
    });

    // Act
    await tables.columnsFor(PULLS, JUNE_16);
    await tables.columnsFor(PULLS, JUNE_16);
    await tables.columnsFor(DVP, [field('pull_count', 'integer')]);
    await tables.columnsFor(DVP, [field('pull_count', 'integer')]);
    await tables.columnsFor(PULLS, [...JUNE_16, field('tag', 'string')]);
    await tables.columnsFor(PULLS, [...JUNE_16, field('tag', 'string')]);

    // Assess
    expect(told.map((t) => `${t.dataset}:${t.columns.map((c) => c.name).join(',')}`)).toEqual([
      'usage_pulls:day,org_field,event_count',
      'repo-summary:pull_count',
      'usage_pulls:day,org_field,event_count,tag',
    ]);
    expect(told[1]).toEqual(await readTableDefinition(sink, DVP));
  });

  it('tells onTable again of a table it could not take the first time', async () => {
    // Prepare
    let fail = true;
    const tables = catalog({
      onTable: async (table) => {
        if (fail) throw new Error('Glue is unavailable');
        told.push(table);
      },
    });

    // Act
    const refused = tables.columnsFor(PULLS, JUNE_16);
    await expect(refused).rejects.toThrow('Glue is unavailable');
    fail = false;
    await tables.columnsFor(PULLS, JUNE_16);

    // Assess
    expect(told.map((t) => t.dataset)).toEqual(['usage_pulls']);
  });

  describe('Method: refresh', () => {
    it('writes a record older than the limit again, columns unchanged, and leaves a younger one alone', async () => {
      // Prepare
      const subject = catalog();
      await subject.columnsFor(PULLS, JUNE_16);
      const written = (await readTableDefinition(sink, PULLS))!;
      now = new Date(now.getTime() + 2 * 86_400_000);

      // Act
      const young = await subject.refresh(written, 3 * 86_400_000);
      const old = await subject.refresh(written, 86_400_000);

      // Assess
      expect([young, old]).toEqual([false, true]);
      expect(await fileOf(PULLS)).toEqual({ ...written, updated_at: now.toISOString() });
    });
  });

  it('refuses a _table.json of neither shape', async () => {
    // Prepare
    await putFile(tableDefinitionKey(PULLS), { dataset: 'usage_pulls', columns: [] });

    // Act
    const columns = catalog().columnsFor(PULLS, JUNE_16);

    // Assess
    await expect(columns).rejects.toThrow();
  });
});

describe('Function: lakeTables', () => {
  it('finds every table the lake records, of every source, in either shape', async () => {
    // Prepare
    await catalog().columnsFor(PULLS, JUNE_16);
    await catalog().columnsFor(DVP, [field('pull_count', 'integer')]);
    await putFile(tableDefinitionKey({ source: 'enterprise', name: 'image_access', cadence: 'daily' }), {
      type: 'image_access',
      cadence: 'daily',
      columns: [{ name: 'action', type: 'string' }],
      updated_at: '2026-06-01T00:00:00.000Z',
    });
    // A table folder that has query copies but no _table.json yet, and a stray file: neither is a table.
    await putFile('query/enterprise/usage_pulls/weekly/org=acme/date=2026-06-15/usage_pulls_weekly_2026-06-15.parquet', {});
    await putFile('query/dvp/notes.json', {});

    // Act
    const tables = await lakeTables(sink);

    // Assess
    expect(tables.map((t) => `${t.source}/${t.dataset}/${t.cadence}`).sort()).toEqual([
      'dvp/repo-summary/weekly',
      'enterprise/image_access/daily',
      'enterprise/usage_pulls/daily',
    ]);
    expect(tables.find((t) => t.dataset === 'image_access')).toEqual({
      source: 'enterprise',
      dataset: 'image_access',
      cadence: 'daily',
      columns: [{ name: 'action', type: 'string' }],
      updated_at: '2026-06-01T00:00:00.000Z',
    });
  });

  it('finds none in an empty lake', async () => {
    // Act
    const tables = await lakeTables(sink);

    // Assess
    expect(tables).toEqual([]);
  });
});
