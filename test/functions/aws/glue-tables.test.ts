import { ConcurrentModificationException, CreateTableCommand, UpdateTableCommand, type Table } from '@aws-sdk/client-glue';
import { beforeEach, describe, expect, it } from 'vitest';
import { JSON_SERDE, newTableInput, updatedTableInput, type TableLocation } from '../../../shared/aws/glue-table-definition.js';
import { GlueTables, type TableChange } from '../../../shared/aws/glue-tables.js';
import type { TableDefinition } from '../../../shared/lake/table-catalog.js';
import type { TableColumn } from '../../../shared/lake/table-columns.js';
import { tableName } from '../../../shared/sources/index.js';
import { fakeCatalog, type FakeCatalog } from '../support/fake-glue.js';
import { firstVersionTableInput } from '../support/first-version-lake.js';

const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';
const PARQUET_INPUT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat';
const PARQUET_OUTPUT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat';
const LAKE_URI = 's3://lake-bucket/lake';
const LOCATION = `${LAKE_URI}/query/enterprise/usage_pulls/daily/`;

const V1: TableColumn[] = [
  { name: 'day', type: 'date', description: 'Date of the pulls' },
  { name: 'image_repository', type: 'string' },
  { name: 'event_count', type: 'bigint' },
];

function definition(columns: readonly TableColumn[], dataset: { name: string; cadence: string } = { name: 'usage_pulls', cadence: 'daily' }): TableDefinition {
  return { source: 'enterprise', dataset: dataset.name, cadence: dataset.cadence, columns: [...columns], updated_at: '2026-06-17T10:00:00.000Z' };
}

function where(orgs: readonly string[] = ['acme']): TableLocation {
  return { lakeUri: LAKE_URI, scopes: { enterprise: orgs }, firstPeriod: '2026-01-01' };
}

/** The first version's table of usage_pulls/daily, as Glue returns it (name, database, version). */
function jsonTable(columns = V1, orgs: readonly string[] = ['acme']): Table {
  const input = firstVersionTableInput({ type: 'usage_pulls', cadence: 'daily' }, columns.map((c) => ({ Name: c.name, Type: c.type })), {
    lakeUri: LAKE_URI,
    orgs,
    firstReportDate: '2026-01-01',
  });
  return { ...input, Name: input.Name!, DatabaseName: 'docker_reports', VersionId: '3' };
}

let catalog: FakeCatalog;
const sleeps: number[] = [];
const changes: TableChange[] = [];

function glueTables(orgs: readonly string[] = ['acme'], maxAttempts?: number): GlueTables {
  return new GlueTables({
    client: catalog.client,
    databaseName: 'docker_reports',
    ...where(orgs),
    maxAttempts,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onChange: (change) => changes.push(change),
  });
}

beforeEach(() => {
  catalog = fakeCatalog();
  sleeps.length = 0;
  changes.length = 0;
});

describe('Class: GlueTables', () => {
  describe('Method: ensure', () => {
    it('creates a table the catalog lacks as Parquet, partitioned by org and report_date with projection', async () => {
      // Act
      const change = await glueTables(['acme', 'globex']).ensure(definition(V1));

      // Assess
      expect(change).toEqual({
        table: 'usage_pulls_daily',
        action: 'created',
        addedColumns: ['day', 'image_repository', 'event_count'],
        switchedFormat: false,
        addedScopes: [],
      });
      expect(changes).toEqual([change]);
      const table = catalog.table('usage_pulls_daily');
      expect(table.TableType).toBe('EXTERNAL_TABLE');
      expect(table.StorageDescriptor).toMatchObject({
        Location: LOCATION,
        InputFormat: PARQUET_INPUT,
        OutputFormat: PARQUET_OUTPUT,
        SerdeInfo: { SerializationLibrary: PARQUET_SERDE },
      });
      expect(table.StorageDescriptor?.Columns).toEqual([
        { Name: 'day', Type: 'date', Comment: 'Date of the pulls' },
        { Name: 'image_repository', Type: 'string' },
        { Name: 'event_count', Type: 'bigint' },
      ]);
      expect(table.PartitionKeys?.map((k) => `${k.Name}:${k.Type}`)).toEqual(['org:string', 'report_date:date']);
      expect(table.Parameters).toMatchObject({
        classification: 'parquet',
        'projection.enabled': 'true',
        'projection.org.type': 'enum',
        'projection.org.values': 'acme,globex',
        'projection.report_date.type': 'date',
        'projection.report_date.format': 'yyyy-MM-dd',
        'projection.report_date.range': '2026-01-01,NOW',
        'projection.report_date.interval': '1',
        'projection.report_date.interval.unit': 'DAYS',
        'storage.location.template': `${LOCATION}org=\${org}/date=\${report_date}/`,
      });
      expect(table.Parameters).not.toHaveProperty('compressionType');
    });

    it.each([
      ['weekly', '2025-12-29', '7', 'DAYS'],
      ['monthly', '2026-01-01', '1', 'MONTHS'],
    ])(
      'creates a DVP %s table partitioned by namespace (enum) and period_start (date from a period start: %s, every %s %s)',
      async (cadence, start, interval, unit) => {
        // Prepare
        const subject = new GlueTables({
          client: catalog.client,
          databaseName: 'docker_reports',
          lakeUri: LAKE_URI,
          scopes: { enterprise: ['acme'], dvp: ['pubco', 'other-ns'] },
          firstPeriod: '2026-01-01',
        });
        const dvp: TableDefinition = { source: 'dvp', dataset: 'repo-summary', cadence, columns: [...V1], updated_at: '2026-06-17T10:00:00.000Z' };

        // Act
        await subject.ensure(dvp);

        // Assess
        const location = `${LAKE_URI}/query/dvp/repo-summary/${cadence}/`;
        const table = catalog.table(`dvp_repo_summary_${cadence}`);
        expect(table.StorageDescriptor?.Location).toBe(location);
        expect(table.PartitionKeys?.map((k) => `${k.Name}:${k.Type}`)).toEqual(['namespace:string', 'period_start:date']);
        expect(table.Parameters).toMatchObject({
          'projection.enabled': 'true',
          'projection.namespace.type': 'enum',
          'projection.namespace.values': 'pubco,other-ns',
          'projection.period_start.type': 'date',
          'projection.period_start.format': 'yyyy-MM-dd',
          // 2026-01-01 is a Thursday: weekly projection steps from the Monday of its ISO week (week 1 of 2026).
          'projection.period_start.range': `${start},NOW`,
          'projection.period_start.interval': interval,
          'projection.period_start.interval.unit': unit,
          'storage.location.template': `${location}namespace=\${namespace}/period_start=\${period_start}/`,
        });
        expect(Object.keys(table.Parameters ?? {}).filter((key) => key.includes('.org.'))).toEqual([]);
      },
    );

    it('names tables {type}_{cadence} with "-" turned into "_", as the local DuckDB views do', async () => {
      // Act
      await glueTables().ensure(definition(V1, { name: 'image-access', cadence: 'daily' }));

      // Assess
      expect([...catalog.tables.keys()]).toEqual(['image_access_daily']);
      expect(tableName({ source: 'enterprise', name: 'image-access', cadence: 'daily' })).toBe('image_access_daily');
      expect(catalog.table('image_access_daily').StorageDescriptor?.Location).toBe(`${LAKE_URI}/query/enterprise/image-access/daily/`);
    });

    it('writes nothing when the table already has every column, org and the query format', async () => {
      // Prepare
      const subject = glueTables();
      await subject.ensure(definition(V1));

      // Act
      const change = await subject.ensure(definition([V1[2]!, V1[0]!]));

      // Assess
      expect(change).toBeUndefined();
      expect(catalog.writes.map((w) => w.call)).toEqual(['create']);
      expect(catalog.mock.commandCalls(UpdateTableCommand)).toHaveLength(0);
    });

    it('adds the columns the lake gained at the end, keeping projection and parameters people added', async () => {
      // Prepare
      await glueTables().ensure(definition(V1));
      catalog.tables.get('usage_pulls_daily')!.Parameters!['owner_team'] = 'finops';

      // Act
      const change = await glueTables().ensure(definition([...V1, { name: 'event_count_v2', type: 'double' }, { name: 'region', type: 'string' }]));

      // Assess
      expect(change).toMatchObject({ action: 'updated', addedColumns: ['event_count_v2', 'region'], switchedFormat: false, addedScopes: [] });
      expect(catalog.columnNames('usage_pulls_daily')).toEqual(['day', 'image_repository', 'event_count', 'event_count_v2', 'region']);
      const update = catalog.mock.commandCalls(UpdateTableCommand)[0]!.args[0].input;
      expect(update.VersionId).toBe('1');
      expect(update.TableInput?.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(PARQUET_SERDE);
      expect(update.TableInput?.Parameters).toMatchObject({ owner_team: 'finops', 'projection.enabled': 'true' });
      expect(update.TableInput?.PartitionKeys?.map((k) => k.Name)).toEqual(['org', 'report_date']);
    });

    it('adds an org missing from the projection enum, even with no new column', async () => {
      // Prepare
      await glueTables(['acme']).ensure(definition(V1));

      // Act
      const change = await glueTables(['acme', 'globex']).ensure(definition(V1));

      // Assess
      expect(change).toMatchObject({ action: 'updated', addedColumns: [], addedScopes: ['globex'] });
      expect(catalog.table('usage_pulls_daily').Parameters?.['projection.org.values']).toBe('acme,globex');
    });

    it('keeps an org that is no longer configured in the enum: its reports stay queryable', async () => {
      // Prepare
      await glueTables(['acme', 'globex']).ensure(definition(V1));

      // Act
      await glueTables(['acme']).ensure(definition([...V1, { name: 'region', type: 'string' }]));

      // Assess
      expect(catalog.table('usage_pulls_daily').Parameters?.['projection.org.values']).toBe('acme,globex');
    });

    it('switches a table the first version made (JSON SerDe) to Parquet in place', async () => {
      // Prepare
      catalog.tables.set('usage_pulls_daily', jsonTable());

      // Act
      const change = await glueTables().ensure(definition(V1));

      // Assess
      expect(change).toMatchObject({ action: 'updated', switchedFormat: true, addedColumns: [], addedScopes: [] });
      expect(catalog.writes.map((w) => `${w.call}@${w.versionId}`)).toEqual(['update@3']);
      const table = catalog.table('usage_pulls_daily');
      expect(table.StorageDescriptor?.SerdeInfo).toEqual({ SerializationLibrary: PARQUET_SERDE, Parameters: { 'serialization.format': '1' } });
      expect(table.StorageDescriptor).toMatchObject({ InputFormat: PARQUET_INPUT, OutputFormat: PARQUET_OUTPUT, Compressed: false, Location: LOCATION });
      expect(table.Parameters).toMatchObject({ classification: 'parquet', 'projection.org.values': 'acme' });
      expect(table.Parameters).not.toHaveProperty('compressionType');
    });

    it('reads again and updates when another writer created the table first', async () => {
      // Prepare: the table appears between this writer's GetTable and CreateTable.
      const other = newTableInput(definition([V1[0]!]), where());
      catalog.beforeNext('create', () => {
        catalog.tables.set('usage_pulls_daily', { ...other, Name: 'usage_pulls_daily', DatabaseName: 'docker_reports', VersionId: '7' });
      });

      // Act
      const change = await glueTables().ensure(definition(V1));

      // Assess
      expect(change).toMatchObject({ action: 'updated', addedColumns: ['image_repository', 'event_count'] });
      expect(catalog.mock.commandCalls(CreateTableCommand)).toHaveLength(1);
      expect(catalog.mock.commandCalls(UpdateTableCommand)[0]!.args[0].input.VersionId).toBe('7');
      expect(catalog.columnNames('usage_pulls_daily')).toEqual(['day', 'image_repository', 'event_count']);
      expect(sleeps).toHaveLength(1);
    });

    it('reads again and updates when another writer changed the table since it was read (VersionId conflict)', async () => {
      // Prepare: another writer adds a column between this writer's GetTable and UpdateTable.
      await glueTables().ensure(definition(V1));
      catalog.beforeNext('update', () => {
        const table = catalog.tables.get('usage_pulls_daily')!;
        table.StorageDescriptor!.Columns!.push({ Name: 'os', Type: 'string' });
        table.VersionId = '2';
      });

      // Act
      const change = await glueTables().ensure(definition([...V1, { name: 'region', type: 'string' }]));

      // Assess
      expect(change).toMatchObject({ action: 'updated', addedColumns: ['region'] });
      expect(catalog.mock.commandCalls(UpdateTableCommand).map((call) => call.args[0].input.VersionId)).toEqual(['1', '2']);
      expect(catalog.columnNames('usage_pulls_daily')).toEqual(['day', 'image_repository', 'event_count', 'os', 'region']);
      expect(sleeps).toHaveLength(1);
    });

    it('gives up with a clear message when every try loses to a concurrent update', async () => {
      // Prepare
      await glueTables().ensure(definition(V1));
      catalog.mock.on(UpdateTableCommand).rejects(new ConcurrentModificationException({ message: 'concurrent', $metadata: {} }));

      // Act
      const run = glueTables(['acme'], 3).ensure(definition([...V1, { name: 'region', type: 'string' }]));

      // Assess
      await expect(run).rejects.toThrow(/docker_reports\.usage_pulls_daily kept changing .* \(3 tries\)/);
      expect(catalog.mock.commandCalls(UpdateTableCommand)).toHaveLength(3);
      expect(sleeps).toHaveLength(2);
    });

    it('says to redeploy when the database is missing', async () => {
      // Prepare
      const subject = new GlueTables({ client: catalog.client, databaseName: 'missing_db', ...where() });

      // Act
      const run = subject.ensure(definition(V1));

      // Assess
      await expect(run).rejects.toThrow(/Glue database missing_db does not exist .* redeploy the stack/);
    });
  });

  describe('Method: columnsOf', () => {
    it("reads a table's Glue columns as lake types, Glue's own spellings included", async () => {
      // Prepare
      catalog.tables.set(
        'usage_pulls_daily',
        jsonTable([
          { name: 'day', type: 'date' },
          { name: 'image_repository', type: 'string' },
          { name: 'event_count', type: 'bigint' },
        ]),
      );
      catalog.tables.get('usage_pulls_daily')!.StorageDescriptor!.Columns!.push({ Name: 'note', Type: 'varchar(64)' }, { Name: 'share', Type: 'float' });

      // Act
      const columns = await glueTables().columnsOf({ source: 'enterprise', name: 'usage_pulls', cadence: 'daily' });

      // Assess
      expect(columns).toEqual([
        { name: 'day', type: 'date' },
        { name: 'image_repository', type: 'string' },
        { name: 'event_count', type: 'bigint' },
        { name: 'note', type: 'string' },
        { name: 'share', type: 'double' },
      ]);
    });

    it('answers undefined for a table Glue does not have', async () => {
      // Act
      const columns = await glueTables().columnsOf({ source: 'enterprise', name: 'usage_pulls', cadence: 'weekly' });

      // Assess
      expect(columns).toBeUndefined();
    });
  });
});

describe('Function: updatedTableInput', () => {
  it('replaces the JSON SerDe and text formats with Parquet, keeping columns, projection and other parameters', () => {
    // Prepare
    const table = jsonTable();
    table.Parameters!['owner_team'] = 'finops';

    // Act
    const update = updatedTableInput(table, definition(V1), where());

    // Assess
    expect(update).toMatchObject({ switchedFormat: true, addedColumns: [], addedScopes: [] });
    const input = update!.input;
    expect(input.StorageDescriptor?.SerdeInfo).toEqual({ SerializationLibrary: PARQUET_SERDE, Parameters: { 'serialization.format': '1' } });
    expect(input.StorageDescriptor).toMatchObject({ InputFormat: PARQUET_INPUT, OutputFormat: PARQUET_OUTPUT, Compressed: false, Location: LOCATION });
    expect(input.StorageDescriptor?.Columns).toEqual(table.StorageDescriptor!.Columns);
    expect(input.PartitionKeys).toEqual(table.PartitionKeys);
    const { compressionType: _gone, classification: _json, ...kept } = table.Parameters!;
    expect(input.Parameters).toEqual({ ...kept, classification: 'parquet' });
    expect(input.Name).toBe('usage_pulls_daily');
    expect(input.TableType).toBe('EXTERNAL_TABLE');
  });

  it('does not copy the JSON SerDe or its parameters anywhere into the new definition', () => {
    // Act
    const update = updatedTableInput(jsonTable(), definition(V1), where());

    // Assess
    const text = JSON.stringify(update!.input);
    expect(text).not.toContain(JSON_SERDE);
    expect(text).not.toContain('ignore.malformed.json');
    expect(text).not.toContain('TextInputFormat');
  });

  it('adds the missing columns at the end, with their descriptions as comments', () => {
    // Prepare
    const table: Table = { ...newTableInput(definition(V1), where()), Name: 'usage_pulls_daily', VersionId: '1' };

    // Act
    const update = updatedTableInput(table, definition([...V1, { name: 'region', type: 'string', description: 'Region of the mirror' }]), where());

    // Assess
    expect(update).toMatchObject({ switchedFormat: false, addedColumns: ['region'], addedScopes: [] });
    expect(update!.input.StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual(['day', 'image_repository', 'event_count', 'region']);
    expect(update!.input.StorageDescriptor?.Columns?.at(-1)).toEqual({ Name: 'region', Type: 'string', Comment: 'Region of the mirror' });
  });

  it('adds the configured orgs the projection enum lacks, after the ones it has', () => {
    // Prepare
    const table: Table = { ...newTableInput(definition(V1), where(['globex'])), Name: 'usage_pulls_daily' };

    // Act
    const update = updatedTableInput(table, definition(V1), where(['acme', 'globex', 'initech']));

    // Assess
    expect(update).toMatchObject({ switchedFormat: false, addedColumns: [], addedScopes: ['acme', 'initech'] });
    expect(update!.input.Parameters?.['projection.org.values']).toBe('globex,acme,initech');
  });

  it('answers undefined when nothing would change', () => {
    // Prepare
    const table: Table = { ...newTableInput(definition(V1), where(['acme', 'globex'])), Name: 'usage_pulls_daily' };

    // Act
    const update = updatedTableInput(table, definition([V1[1]!]), where(['globex']));

    // Assess
    expect(update).toBeUndefined();
  });
});
