import {
  AlreadyExistsException,
  ConcurrentModificationException,
  CreateTableCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { beforeEach, describe, expect, it } from 'vitest';
import { GlueTableCatalog } from '../../../shared/aws/glue-table-catalog.js';
import { JSON_SERDE, newTableInput } from '../../../shared/aws/glue-table-definition.js';
import { tableName } from '../../../shared/lake/layout.js';
import { columnsInCallOrder } from '../../../shared/lake/columns-in-call-order.js';
import type { SchemaField } from '../../../shared/docker/payloads.js';
import { fakeCatalog, type FakeCatalog } from '../support/fake-glue.js';

const f = (name: string, type: string, description = ''): SchemaField => ({ name, type, description });
const V1 = [f('day', 'date', 'Date of the pulls'), f('image_repository', 'string'), f('event_count', 'integer')];

let catalog: FakeCatalog;
const sleeps: number[] = [];

function glueCatalog(orgs: readonly string[] = ['acme'], maxAttempts?: number): GlueTableCatalog {
  return new GlueTableCatalog({
    client: catalog.client,
    databaseName: 'docker_reports',
    lakeUri: 's3://lake-bucket/lake',
    orgs,
    firstReportDate: '2026-01-01',
    maxAttempts,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

beforeEach(() => {
  catalog = fakeCatalog();
  sleeps.length = 0;
});

describe('Class: GlueTableCatalog', () => {
  describe('Method: columnsFor', () => {
    it('creates the table on its first landing: JSON SerDe, gzip, org and report_date partitions projected', async () => {
      // Act
      const plan = await glueCatalog(['acme', 'globex']).columnsFor('usage_pulls', 'daily', V1);

      // Assess
      expect(plan.added.map((c) => c.name)).toEqual(['day', 'image_repository', 'event_count']);
      const table = catalog.table('usage_pulls_daily');
      expect(table.TableType).toBe('EXTERNAL_TABLE');
      expect(table.StorageDescriptor?.Columns).toEqual([
        { Name: 'day', Type: 'date', Comment: 'Date of the pulls' },
        { Name: 'image_repository', Type: 'string' },
        { Name: 'event_count', Type: 'bigint' },
      ]);
      expect(table.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(JSON_SERDE);
      expect(table.StorageDescriptor?.Location).toBe('s3://lake-bucket/lake/query/enterprise/usage_pulls/daily/');
      expect(table.PartitionKeys?.map((k) => `${k.Name}:${k.Type}`)).toEqual(['org:string', 'report_date:date']);
      expect(table.Parameters).toMatchObject({
        classification: 'json',
        compressionType: 'gzip',
        'projection.enabled': 'true',
        'projection.org.type': 'enum',
        'projection.org.values': 'acme,globex',
        'projection.report_date.type': 'date',
        'projection.report_date.format': 'yyyy-MM-dd',
        'projection.report_date.range': '2026-01-01,NOW',
        'storage.location.template': 's3://lake-bucket/lake/query/enterprise/usage_pulls/daily/org=${org}/date=${report_date}/',
      });
    });

    it('names tables {type}_{cadence} with "-" turned into "_", as the local DuckDB views do', () => {
      // Assess
      expect(tableName('image-access', 'daily')).toBe('image_access_daily');
    });

    it('does not write when the schema brings nothing new', async () => {
      // Prepare
      const subject = glueCatalog();
      await subject.columnsFor('usage_pulls', 'daily', V1);

      // Act
      await subject.columnsFor('usage_pulls', 'daily', [V1[2]!, V1[0]!]);

      // Assess
      expect(catalog.writes.map((w) => w.call)).toEqual(['create']);
      expect(catalog.mock.commandCalls(UpdateTableCommand)).toHaveLength(0);
    });

    it('adds a new field and a retyped one as columns at the end, keeping SerDe, projection and parameters people added', async () => {
      // Prepare
      await glueCatalog().columnsFor('usage_pulls', 'daily', V1);
      catalog.tables.get('usage_pulls_daily')!.Parameters!['owner_team'] = 'finops';

      // Act
      const plan = await glueCatalog().columnsFor('usage_pulls', 'daily', [...V1.slice(0, 2), f('event_count', 'float'), f('region', 'string')]);

      // Assess
      expect(plan.retyped).toEqual([{ field: 'event_count', from: 'bigint', to: 'double', column: 'event_count_v2' }]);
      expect(catalog.columnNames('usage_pulls_daily')).toEqual(['day', 'image_repository', 'event_count', 'event_count_v2', 'region']);
      const update = catalog.mock.commandCalls(UpdateTableCommand)[0]!.args[0].input;
      expect(update.VersionId).toBe('1');
      expect(update.TableInput?.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(JSON_SERDE);
      expect(update.TableInput?.Parameters).toMatchObject({ owner_team: 'finops', 'projection.enabled': 'true' });
      expect(update.TableInput?.PartitionKeys?.map((k) => k.Name)).toEqual(['org', 'report_date']);
    });

    it('adds an org missing from the projection enum, even with no new column', async () => {
      // Prepare
      await glueCatalog(['acme']).columnsFor('usage_pulls', 'daily', V1);

      // Act
      await glueCatalog(['acme', 'globex']).columnsFor('usage_pulls', 'daily', V1);

      // Assess
      expect(catalog.table('usage_pulls_daily').Parameters?.['projection.org.values']).toBe('acme,globex');
    });

    it('keeps an org that is no longer configured in the enum: its reports stay queryable', async () => {
      // Prepare
      await glueCatalog(['acme', 'globex']).columnsFor('usage_pulls', 'daily', V1);

      // Act
      await glueCatalog(['acme']).columnsFor('usage_pulls', 'daily', [...V1, f('region', 'string')]);

      // Assess
      expect(catalog.table('usage_pulls_daily').Parameters?.['projection.org.values']).toBe('acme,globex');
    });

    it('reads again and updates when another writer created the table first', async () => {
      // Prepare: the table appears between this writer's GetTable and CreateTable.
      const other = newTableInput('usage_pulls', 'daily', [{ Name: 'day', Type: 'date' }], {
        lakeUri: 's3://lake-bucket/lake',
        orgs: ['acme'],
        firstReportDate: '2026-01-01',
      });
      const createTable = catalog.mock.on(CreateTableCommand);
      createTable.callsFakeOnce(() => {
        catalog.tables.set('usage_pulls_daily', { ...other, DatabaseName: 'docker_reports', VersionId: '7' });
        throw new AlreadyExistsException({ message: 'Table already exists.', $metadata: {} });
      });

      // Act
      const plan = await glueCatalog().columnsFor('usage_pulls', 'daily', V1);

      // Assess
      expect(plan.added.map((c) => c.name)).toEqual(['image_repository', 'event_count']);
      expect(catalog.mock.commandCalls(UpdateTableCommand)[0]!.args[0].input.VersionId).toBe('7');
      expect(sleeps).toHaveLength(1);
    });

    it('retries a read-modify-write that lost to a concurrent update, then gives up with a clear message', async () => {
      // Prepare
      await glueCatalog().columnsFor('usage_pulls', 'daily', V1);
      catalog.mock.on(UpdateTableCommand).rejects(new ConcurrentModificationException({ message: 'concurrent', $metadata: {} }));

      // Act
      const run = glueCatalog(['acme'], 3).columnsFor('usage_pulls', 'daily', [...V1, f('region', 'string')]);

      // Assess
      await expect(run).rejects.toThrow(/docker_reports\.usage_pulls_daily kept changing .* \(3 tries\)/);
      expect(catalog.mock.commandCalls(UpdateTableCommand)).toHaveLength(3);
      expect(sleeps).toHaveLength(2);
    });

    it('takes concurrent landings one at a time, in the order they started, through columnsInCallOrder', async () => {
      // Prepare: the first landing's schema arrives last.
      const subject = glueCatalog();
      const later = (fields: SchemaField[], ms: number) => new Promise<SchemaField[]>((resolve) => setTimeout(() => resolve(fields), ms));

      // Act
      await Promise.all([
        columnsInCallOrder(subject, 'usage_pulls', 'daily', later(V1, 30)),
        columnsInCallOrder(subject, 'usage_pulls', 'daily', later([...V1, f('region', 'string')], 10)),
        columnsInCallOrder(subject, 'usage_pulls', 'daily', later([...V1, f('os', 'string')], 0)),
      ]);

      // Assess
      expect(catalog.writes.map((w) => w.call)).toEqual(['create', 'update', 'update']);
      expect(catalog.columnNames('usage_pulls_daily')).toEqual(['day', 'image_repository', 'event_count', 'region', 'os']);
      expect(sleeps).toEqual([]);
    });

    it('says to redeploy when the database is missing', async () => {
      // Prepare
      const subject = new GlueTableCatalog({
        client: catalog.client,
        databaseName: 'missing_db',
        lakeUri: 's3://lake-bucket',
        orgs: ['acme'],
        firstReportDate: '2026-01-01',
      });

      // Act
      const run = subject.columnsFor('usage_pulls', 'daily', V1);

      // Assess
      await expect(run).rejects.toThrow(/Glue database missing_db does not exist .* redeploy the stack/);
    });
  });
});
