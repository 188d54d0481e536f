import { CreateNamedQueryCommand } from '@aws-sdk/client-athena';
import { CreateMultipartUploadCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createCliRuntime } from '../../cli/cli-runtime.js';
import { oatVariable } from '../../shared/config.js';
import { JSON_SERDE } from '../../shared/aws/glue-table-definition.js';
import { glueTypeOfSchema } from '../../shared/aws/glue-types.js';
import { parseLandMessage } from '../../shared/aws/land-queue.js';
import { REPORT_EVENT_SOURCE, REPORT_LANDED_DETAIL_TYPE } from '../../shared/aws/report-events.js';
import { manifestKey, queryObjectKey, queryPartitionFolder, tableDefinitionKey } from '../../shared/lake/layout.js';
import { parseManifest, type Manifest } from '../../shared/lake/manifest.js';
import { tableDefinitionSchema } from '../../shared/lake/table-catalog.js';
import { S3Sink } from '../../shared/sinks/s3-sink.js';
import type { PeriodRef } from '../../shared/sources/index.js';
import { refOf, syncLake } from '../../shared/sync/index.js';
import { firstVersionTableInput, landFirstVersion } from './support/first-version-lake.js';
import { lambdaContext } from './support/lambda-context.js';
import { BUCKET, GLUE_DATABASE, LambdaHarness, PREFIX, TEST_NOW } from './support/lambda-harness.js';
import { readParquetBytes } from './support/parquet-object.js';

const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';
const PARQUET_INPUT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat';
const DAY_ONE = ['top-repositories-last-30-days', 'pulls-per-repository', 'week-over-week-change'];
const DAILY_PULLS = { type: 'usage_pulls', cadence: 'daily' } as const;

let harness: LambdaHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Every report the simulator lists for `org`, as `type/cadence/date`. */
function upstream(h: LambdaHarness, org: string): string[] {
  return h.sim.reports(org).map((r) => `${r.ReportType}/${r.Cadence}/${r.Date}`).sort();
}

function refOfReport(org: string, type: string, cadence: string, date: string): PeriodRef {
  return { source: 'enterprise', scope: org, name: type, cadence, period: date };
}

/** Every manifest of the lake, parsed. */
function manifests(h: LambdaHarness): Manifest[] {
  return h.bucket
    .keys(`${PREFIX}/enterprise/`)
    .filter((key) => key.endsWith('/_manifest.json'))
    .map((key) => parseManifest(h.bucket.text(key)));
}

/** The rows of a period's query copy, read by DuckDB from the object at the manifest's key. */
async function queryRows(h: LambdaHarness, manifest: Manifest) {
  return readParquetBytes(h.bucket.objects.get(`${PREFIX}/${manifest.query.key}`)!);
}

/** The column names the lake's `_table.json` of a dataset records. */
function lakeTableColumns(h: LambdaHarness, type: string, cadence: string): string[] {
  const text = h.bucket.text(`${PREFIX}/${tableDefinitionKey({ source: 'enterprise', name: type, cadence })}`);
  return tableDefinitionSchema.parse(JSON.parse(text)).columns.map((column) => column.name);
}

/** S3 calls that change the bucket. */
function bucketWrites(h: LambdaHarness): number {
  const { mock } = h.bucket;
  return mock.commandCalls(PutObjectCommand).length + mock.commandCalls(CreateMultipartUploadCommand).length + mock.commandCalls(DeleteObjectCommand).length;
}

describe('Handler: sync', () => {
  it('lands every missing report inline with one Parquet query copy each, keeps one Parquet table per type and cadence, and emits one event per report', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 2 } });
    const handler = harness.syncHandler();
    const expected = upstream(harness, 'acme');

    // Act
    const answer = await handler({}, lambdaContext());

    // Assess
    expect(answer).toMatchObject({ landed: expected.length, rebuilt: 0, queued: 0, failed: [], routes: { acme: 'inline' } });
    expect(expected.length).toBeGreaterThan(0);
    const landed = manifests(harness);
    expect(landed).toHaveLength(expected.length);
    for (const manifest of landed) {
      const [file] = manifest.files;
      const csv = harness.bucket.objects.get(`${PREFIX}/${file!.key}`)!;
      expect(csv.length).toBe(file!.bytes);
      expect(createHash('sha256').update(csv).digest('hex')).toBe(file!.sha256);
      const ref = refOfReport('acme', manifest.dataset, manifest.cadence, manifest.period);
      // One object in the partition, at the key that never changes.
      expect(manifest.query).toMatchObject({ format: 'parquet', key: queryObjectKey(ref, '.parquet') });
      expect(harness.bucket.keys(`${PREFIX}/${queryPartitionFolder(ref)}`)).toEqual([`${PREFIX}/${manifest.query.key}`]);
      const { rows } = await queryRows(harness, manifest);
      expect(rows).toHaveLength(manifest.query.rows);
    }
    expect(harness.bucket.keys(`${PREFIX}/query/`).filter((key) => key.endsWith('.json.gz'))).toEqual([]);

    const tables = [...harness.catalog.tables.keys()].sort();
    expect(tables).toEqual([...new Set(harness.sim.reports('acme').map((r) => `${r.ReportType}_${r.Cadence}`))].sort());
    const daily = harness.catalog.table('usage_pulls_daily');
    expect(daily.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(PARQUET_SERDE);
    expect(daily.StorageDescriptor?.InputFormat).toBe(PARQUET_INPUT);
    expect(daily.StorageDescriptor?.Location).toBe(`s3://${BUCKET}/${PREFIX}/query/enterprise/usage_pulls/daily/`);
    expect(daily.PartitionKeys).toEqual([
      expect.objectContaining({ Name: 'org', Type: 'string' }),
      expect.objectContaining({ Name: 'report_date', Type: 'date' }),
    ]);
    expect(daily.Parameters).toMatchObject({
      classification: 'parquet',
      'projection.enabled': 'true',
      'projection.org.values': 'acme',
      'projection.report_date.range': '2026-01-01,NOW',
      'storage.location.template': `s3://${BUCKET}/${PREFIX}/query/enterprise/usage_pulls/daily/org=\${org}/date=\${report_date}/`,
    });
    expect(daily.Parameters).not.toHaveProperty('compressionType');
    // Glue mirrors the lake's own record of each table.
    for (const table of tables) {
      const [type, cadence] = [table.slice(0, table.lastIndexOf('_')), table.slice(table.lastIndexOf('_') + 1)];
      expect(harness.catalog.columnNames(table)).toEqual(lakeTableColumns(harness, type, cadence));
    }
    expect(harness.catalog.columnNames('usage_pulls_daily')).toContain('event_count');
    // Day-one queries for the tables of pulls; image_access has no count to sum.
    expect(harness.savedQueries().sort()).toEqual(
      ['usage_pulls_daily', 'usage_pulls_weekly'].flatMap((table) => DAY_ONE.map((name) => `${table}-${name}`)).sort(),
    );

    expect(harness.events).toHaveLength(expected.length);
    expect(harness.events.every((e) => e.Source === REPORT_EVENT_SOURCE && e.DetailType === REPORT_LANDED_DETAIL_TYPE && e.EventBusName === 'default')).toBe(true);
    const details = harness.eventDetails();
    expect(details.map((d) => `${d.report_type}/${d.cadence}/${d.date}`).sort()).toEqual(expected);
    for (const detail of details) {
      const ref = refOfReport('acme', String(detail.report_type), String(detail.cadence), String(detail.date));
      expect(detail).toMatchObject({ org: 'acme', source: 'enterprise', replaced: false });
      expect(detail.s3_uri).toMatch(new RegExp(`^s3://${BUCKET}/${PREFIX}/enterprise/`));
      expect(detail.query_uri).toBe(`s3://${BUCKET}/${PREFIX}/${queryObjectKey(ref, '.parquet')}`);
      expect(detail.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(detail.bytes).toBe(harness.sim.reportSize('acme', ref.name, ref.cadence, ref.period));
      expect(detail.files).toEqual([{ uri: detail.s3_uri, bytes: detail.bytes, sha256: detail.sha256 }]);
    }
    expect(harness.metric('ReportsLanded')).toContainEqual({ value: expected.length, dimensions: { service: 'docker-reports-lake', org: 'acme' } });
  });

  it('lands nothing and changes no table, query or object on a second run', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 2 } });
    await harness.syncHandler()({}, lambdaContext());
    const writes = harness.catalog.writes.length;
    const events = harness.events.length;
    const queries = harness.savedQueries().length;
    const objects = bucketWrites(harness);
    const downloads = harness.sim.stats.download;

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer).toMatchObject({ landed: 0, rebuilt: 0, queued: 0, skipped: events, routes: { acme: 'nothing' } });
    expect(harness.catalog.writes).toHaveLength(writes);
    expect(harness.events).toHaveLength(events);
    expect(harness.savedQueries()).toHaveLength(queries);
    expect(bucketWrites(harness)).toBe(objects);
    expect(harness.sim.stats.download).toBe(downloads);
  });

  it('keeps the Glue table in step with a schema that gains a field and retypes another, and old and new copies both read', async () => {
    // Prepare: from 2026-06-16 on, usage_pulls gains `region` and `event_count` becomes a float.
    harness = await LambdaHarness.start({
      sim: {
        orgs: ['acme'],
        days: 3,
        reportTypes: [{ ...DAILY_PULLS }],
        schemaChanges: [
          { from: '2026-06-16', type: 'usage_pulls', add: { name: 'region', type: 'string', description: 'Region of the mirror' } },
          { from: '2026-06-16', type: 'usage_pulls', retype: { name: 'event_count', type: 'float' } },
        ],
      },
    });
    harness.sim.setClock(() => new Date('2026-06-16T10:00:00Z'));
    await harness.syncHandler()({}, lambdaContext());
    const before = harness.catalog.columnNames('usage_pulls_daily');
    harness.sim.setClock(() => TEST_NOW);

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer).toMatchObject({ landed: 1, failed: [] });
    expect(before).not.toContain('region');
    const after = harness.catalog.columnNames('usage_pulls_daily');
    // Columns are only ever added, at the end, in the order of the new schema's fields.
    expect(after).toEqual([...before, 'event_count_v2', 'region']);
    expect(lakeTableColumns(harness, 'usage_pulls', 'daily')).toEqual(after);
    const columns = harness.catalog.table('usage_pulls_daily').StorageDescriptor!.Columns!;
    expect(columns.find((c) => c.Name === 'event_count')?.Type).toBe('bigint');
    expect(columns.find((c) => c.Name === 'event_count_v2')?.Type).toBe('double');
    const update = harness.catalog.writes.find((w) => w.call === 'update')!;
    expect(update.versionId).toBe('1');
    expect(update.input.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(PARQUET_SERDE);
    expect(update.input.Parameters?.['storage.location.template']).toContain('org=${org}/date=${report_date}/');
    const changed = harness.eventDetails().find((d) => d.date === '2026-06-16')!;
    expect(changed.schema_changes.added_columns).toEqual(['event_count_v2', 'region']);
    expect(changed.schema_changes.retyped).toEqual([{ field: 'event_count', from: 'bigint', to: 'double', column: 'event_count_v2' }]);

    const copyOf = (date: string) => {
      const manifest = parseManifest(harness!.bucket.text(`${PREFIX}/${manifestKey(refOfReport('acme', 'usage_pulls', 'daily', date))}`));
      return queryRows(harness!, manifest);
    };
    const older = await copyOf('2026-06-15');
    const newer = await copyOf('2026-06-16');
    expect(older.types.event_count).toBe('BIGINT');
    expect(older.types).not.toHaveProperty('region');
    expect(newer.types.event_count_v2).toBe('DOUBLE');
    expect(newer.types).toHaveProperty('region', 'VARCHAR');
    expect(newer.types).not.toHaveProperty('event_count');
    expect(newer.rows.length).toBeGreaterThan(0);
  });

  it('fans a large first backfill out to the queue, one message per report, and lands nothing itself', async () => {
    // Prepare: 30 days of three report types is far above the 10-report limit.
    harness = await LambdaHarness.start({ sim: { orgs: ['acme', 'globex'], days: 30 } });
    const expected = [...upstream(harness, 'acme').map((r) => `acme/${r}`), ...upstream(harness, 'globex').map((r) => `globex/${r}`)].sort();

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer).toMatchObject({ landed: 0, rebuilt: 0, queued: expected.length, failed: [], routes: { acme: 'queue', globex: 'queue' } });
    const items = harness.queued.map((entry) => parseLandMessage(entry.MessageBody!));
    expect(items.map((item) => refOf(item)).map((ref) => `${ref.scope}/${ref.name}/${ref.cadence}/${ref.period}`).sort()).toEqual(expected);
    expect(items.every((item) => item.action === 'land')).toBe(true);
    expect(harness.bucket.keys(`${PREFIX}/enterprise/`)).toEqual([]);
    expect(harness.events).toEqual([]);
  });

  it('lands a fanned-out backfill through the land-report worker, with events and tables as inline', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 12 } });
    await harness.syncHandler()({}, lambdaContext());
    const queued = harness.queued.length;
    const worker = harness.landReportHandler();

    // Act
    const answers = [];
    for (const event of harness.sqsEvents(4)) answers.push(await worker(event, lambdaContext('land-report')));

    // Assess
    expect(queued).toBeGreaterThan(10);
    expect(answers.every((a) => a.batchItemFailures.length === 0)).toBe(true);
    expect(harness.events).toHaveLength(queued);
    const landed = manifests(harness);
    expect(landed).toHaveLength(queued);
    expect(landed.every((manifest) => manifest.query.format === 'parquet')).toBe(true);
    expect(harness.bucket.keys(`${PREFIX}/query/`).filter((key) => key.endsWith('.parquet'))).toHaveLength(queued);
    expect(harness.catalog.table('usage_pulls_daily').Parameters?.['projection.org.values']).toBe('acme');
    expect(harness.catalog.table('usage_pulls_daily').StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(PARQUET_SERDE);
    expect(harness.savedQueries().filter((name) => name.startsWith('usage_pulls_daily-'))).toHaveLength(DAY_ONE.length);
    const next = await harness.syncHandler()({}, lambdaContext());
    expect(next).toMatchObject({ landed: 0, rebuilt: 0, queued: 0, skipped: queued });
  });

  it('uploads a staged report larger than one part in parts, byte for byte', async () => {
    // Prepare: 6 MiB is above the 5 MiB part size of the S3 sink.
    const size = 6 * 1024 * 1024;
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1, reportTypes: [{ ...DAILY_PULLS }], sizeFor: () => size } });
    const [report] = harness.sim.reports('acme');
    const chunks: Buffer[] = [];
    for await (const chunk of harness.sim.reportBody('acme', 'usage_pulls', 'daily', report!.Date)) chunks.push(Buffer.from(chunk as Buffer));

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer).toMatchObject({ landed: 1, bytes: size, failed: [] });
    const [manifest] = manifests(harness);
    expect(harness.bucket.objects.get(`${PREFIX}/${manifest!.files[0]!.key}`)!.equals(Buffer.concat(chunks))).toBe(true);
    const multipart = harness.bucket.mock.commandCalls(CreateMultipartUploadCommand).map((call) => call.args[0].input.Key);
    expect(multipart).toContain(`${PREFIX}/${manifest!.files[0]!.key}`);
    const { rows } = await queryRows(harness, manifest!);
    expect(rows).toHaveLength(manifest!.query.rows);
  });

  it('can be told to land a large plan itself, or to queue a small one', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1, reportTypes: [{ ...DAILY_PULLS }] } });

    // Act
    const queued = await harness.syncHandler()({ fanOut: 'always' }, lambdaContext());

    // Assess
    expect(queued).toMatchObject({ landed: 0, queued: 1, routes: { acme: 'queue' } });
  });

  it('syncs only the cadence its schedule names', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 8 } });

    // Act
    const answer = await harness.syncHandler()({ cadences: ['weekly'] }, lambdaContext());

    // Assess
    const weekly = harness.sim.reports('acme').filter((r) => r.Cadence === 'weekly');
    expect(answer.landed).toBe(weekly.length);
    expect(harness.eventDetails().every((d) => d.cadence === 'weekly')).toBe(true);
  });

  it('creates the Glue table of every dataset the lake records at the start of a run, even when nothing new is landed', async () => {
    // Prepare: a lake filled by the CLI (same bucket, no stack yet), and one table a person recorded by hand.
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 2 } });
    const sim = harness.sim;
    const cli = createCliRuntime({
      env: { DOCKER_API_URL: sim.apiUrl, DOCKER_HUB_URL: sim.hubUrl, [oatVariable('acme')]: sim.oatFor('acme') },
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      http: { sleep: async () => undefined },
      now: () => sim.now(),
    });
    const sink = new S3Sink({ client: harness.bucket.client, bucket: BUCKET, prefix: PREFIX, spoolDir: harness.spoolDir });
    let byCli;
    try {
      byCli = await syncLake({ scopes: [{ source: 'enterprise', scope: 'acme' }] }, cli.lake(sink));
    } finally {
      await cli.close();
    }
    const monthly = { source: 'enterprise', dataset: 'usage_pulls', cadence: 'monthly', updated_at: '2026-06-01T00:00:00.000Z' } as const;
    const monthlyColumns = [
      { name: 'month_start', type: 'date' },
      { name: 'image_repository', type: 'string' },
      { name: 'event_count', type: 'bigint' },
    ] as const;
    harness.bucket.put(
      `${PREFIX}/${tableDefinitionKey({ source: 'enterprise', name: 'usage_pulls', cadence: 'monthly' })}`,
      JSON.stringify({ ...monthly, columns: monthlyColumns }),
    );
    const downloads = sim.stats.download;
    const recorded = harness.bucket.keys(`${PREFIX}/query/`).filter((key) => key.endsWith('/_table.json'));

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(byCli.failed).toEqual([]);
    expect(byCli.landed.length).toBe(upstream(harness, 'acme').length);
    expect(recorded).toHaveLength(4);
    expect(answer).toMatchObject({ landed: 0, rebuilt: 0, queued: 0, skipped: byCli.landed.length, failed: [], routes: { acme: 'nothing' } });
    expect(sim.stats.download).toBe(downloads);
    expect([...harness.catalog.tables.keys()].sort()).toEqual(['image_access_daily', 'usage_pulls_daily', 'usage_pulls_monthly', 'usage_pulls_weekly']);
    expect(harness.catalog.writes.every((write) => write.call === 'create')).toBe(true);
    for (const [type, cadence] of [
      ['usage_pulls', 'daily'],
      ['usage_pulls', 'weekly'],
      ['image_access', 'daily'],
      ['usage_pulls', 'monthly'],
    ] as const) {
      const table = harness.catalog.table(`${type}_${cadence}`);
      expect(harness.catalog.columnNames(`${type}_${cadence}`)).toEqual(lakeTableColumns(harness, type, cadence));
      expect(table.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(PARQUET_SERDE);
      expect(table.StorageDescriptor?.Location).toBe(`s3://${BUCKET}/${PREFIX}/query/enterprise/${type}/${cadence}/`);
    }
    expect(harness.catalog.columnNames('usage_pulls_monthly')).toEqual(monthlyColumns.map((column) => column.name));
    expect(harness.savedQueries().sort()).toEqual(
      ['usage_pulls_daily', 'usage_pulls_monthly', 'usage_pulls_weekly'].flatMap((table) => DAY_ONE.map((name) => `${table}-${name}`)).sort(),
    );
  });

  it('switches a Glue table the first version made with the JSON SerDe to Parquet in place', async () => {
    // Prepare: the first version's table, with the columns of Docker's schema and a parameter a person added.
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1, reportTypes: [{ ...DAILY_PULLS }] } });
    const [report] = harness.sim.reports('acme');
    const fields = harness.sim.reportSchema('usage_pulls', 'daily', report!.Date).fields;
    const old = firstVersionTableInput(DAILY_PULLS, fields.map((f) => ({ Name: f.name, Type: glueTypeOfSchema(f.type) })), {
      lakeUri: `s3://${BUCKET}/${PREFIX}`,
      orgs: ['acme'],
      firstReportDate: '2026-01-01',
    });
    old.Parameters!.owner_team = 'finops';
    harness.catalog.tables.set('usage_pulls_daily', { ...old, Name: 'usage_pulls_daily', DatabaseName: GLUE_DATABASE, VersionId: '4' });

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer).toMatchObject({ landed: 1, failed: [] });
    expect(harness.catalog.writes.map((write) => `${write.call}@${write.versionId}`)).toEqual(['update@4']);
    const table = harness.catalog.table('usage_pulls_daily');
    expect(table.StorageDescriptor).toMatchObject({
      InputFormat: PARQUET_INPUT,
      OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      SerdeInfo: { SerializationLibrary: PARQUET_SERDE, Parameters: { 'serialization.format': '1' } },
      Location: old.StorageDescriptor!.Location,
    });
    expect(JSON.stringify(table)).not.toContain(JSON_SERDE);
    expect(table.StorageDescriptor?.Columns).toEqual(old.StorageDescriptor!.Columns);
    expect(table.PartitionKeys).toEqual(old.PartitionKeys);
    const { compressionType: _gzip, classification: _json, ...kept } = old.Parameters!;
    expect(table.Parameters).toEqual({ ...kept, classification: 'parquet' });
    // The lake now records the table Glue had, and the copy Athena reads is Parquet.
    expect(lakeTableColumns(harness, 'usage_pulls', 'daily')).toEqual(fields.map((f) => f.name));
    expect(harness.eventDetails()[0]!.query_uri).toMatch(/\/usage_pulls_daily_\d{4}-\d{2}-\d{2}\.parquet$/);
  });

  it('rebuilds the query copies of a first-version lake as Parquet from the audit copies, without a download from Docker', async () => {
    // Prepare: the older of two reports landed by the first version (manifest version 1, a gzip JSON Lines copy, a JSON table).
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 2, reportTypes: [{ ...DAILY_PULLS }] } });
    const [newest, oldest] = harness.sim.reports('acme');
    const old = await landFirstVersion(
      harness.bucket,
      PREFIX,
      harness.sim,
      { org: 'acme', type: 'usage_pulls', cadence: 'daily', date: oldest!.Date },
      new Date('2026-06-16T04:00:00Z'),
    );
    const fields = harness.sim.reportSchema('usage_pulls', 'daily', oldest!.Date).fields;
    const table = firstVersionTableInput(DAILY_PULLS, fields.map((f) => ({ Name: f.name, Type: glueTypeOfSchema(f.type) })), {
      lakeUri: `s3://${BUCKET}/${PREFIX}`,
      orgs: ['acme'],
      firstReportDate: '2026-01-01',
    });
    harness.catalog.tables.set('usage_pulls_daily', { ...table, Name: 'usage_pulls_daily', DatabaseName: GLUE_DATABASE, VersionId: '1' });
    const ref = refOfReport('acme', 'usage_pulls', 'daily', oldest!.Date);
    const partition = `${PREFIX}/${queryPartitionFolder(ref)}`;
    const before = harness.bucket.keys(partition);

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(before).toEqual([`${PREFIX}/${old.queryKey}`]);
    expect(answer).toMatchObject({ landed: 1, rebuilt: 1, skipped: 1, queued: 0, failed: [] });
    // Docker was asked for the new report only.
    expect(harness.sim.stats.download).toBe(1);
    expect(harness.sim.stats.bytesServed).toBe(newest!.SizeBytes);
    expect(harness.bucket.keys(partition)).toEqual([`${PREFIX}/${queryObjectKey(ref, '.parquet')}`]);
    expect(harness.bucket.keys(`${PREFIX}/query/`).filter((key) => key.endsWith('.json.gz'))).toEqual([]);
    expect(harness.bucket.objects.get(`${PREFIX}/${old.csvKey}`)!.equals(old.csv)).toBe(true);
    const written = JSON.parse(harness.bucket.text(`${PREFIX}/${old.manifestKey}`)) as Manifest;
    expect(written).toMatchObject({
      manifest_version: 2,
      source: 'enterprise',
      scope: 'acme',
      dataset: 'usage_pulls',
      cadence: 'daily',
      period: oldest!.Date,
      files: [{ key: old.csvKey, upstream: { key: oldest!.Key, size_bytes: oldest!.SizeBytes }, bytes: old.csv.length, sha256: old.sha256 }],
      query: { format: 'parquet', key: queryObjectKey(ref, '.parquet'), rows: old.rows, invalid_values: 0 },
      fetched_at: old.fetchedAt,
    });
    const { rows } = await queryRows(harness, written);
    expect(rows).toHaveLength(old.rows);
    // A rebuild is no new report: only the landing is announced.
    expect(harness.eventDetails().map((detail) => detail.date)).toEqual([newest!.Date]);
    expect(harness.catalog.table('usage_pulls_daily').StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(PARQUET_SERDE);
    const again = await harness.syncHandler()({}, lambdaContext());
    expect(again).toMatchObject({ landed: 0, rebuilt: 0, skipped: 2, routes: { acme: 'nothing' } });
  });

  it('reports an org whose secret is still empty with the command that fixes it, and never logs an OAT', async () => {
    // Prepare
    harness = await LambdaHarness.start({
      sim: { orgs: ['acme', 'globex'], days: 1, reportTypes: [{ ...DAILY_PULLS }] },
      secretValue: (org, sim) => (org === 'globex' ? undefined : sim.oatFor(org)),
    });

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer.landed).toBe(1);
    expect(answer.failed).toHaveLength(1);
    expect(answer.failed[0]).toMatchObject({ source: 'enterprise', scope: 'globex', auth: false });
    expect(answer.failed[0]!.reason).toContain('aws secretsmanager put-secret-value --secret-id arn:aws:secretsmanager:');
    expect(harness.metric('ReportsFailed')).toContainEqual({ value: 1, dimensions: { service: 'docker-reports-lake', org: 'globex' } });
    expect(harness.metric('ReportsFailed')).toContainEqual({ value: 1, dimensions: { service: 'docker-reports-lake' } });
    expect(harness.printed.some((line) => line.message === 'landed' && line.level === 'INFO')).toBe(true);
    const everything = harness.rawOutput.join('\n');
    expect(everything).toContain('put-secret-value');
    expect(everything).not.toContain(harness.sim.oatFor('acme'));
  });

  it('refuses an event it does not understand, naming the problem', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1 } });

    // Act
    const run = harness.syncHandler()({ cadence: 'daily' }, lambdaContext());

    // Assess
    await expect(run).rejects.toThrow(/does not understand.*cadence/);
  });

  it('lands the reports even when Athena refuses to save the day-one queries, and says so in the log', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1 } });
    const denied = () => Object.assign(new Error('User is not authorized to perform: athena:CreateNamedQuery'), { name: 'AccessDeniedException' });
    for (let i = 0; i < 10; i += 1) harness.athena.failNext(CreateNamedQueryCommand, denied());

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer.failed).toEqual([]);
    expect(answer.landed).toBe(upstream(harness, 'acme').length);
    expect(harness.printed.some((line) => line.level === 'WARN' && /day-one queries/.test(String(line.message)))).toBe(true);
  });

  it("writes again a table record last written over a day ago, so the lake's expiry rule never takes it", async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1 } });
    const key = `${PREFIX}/${tableDefinitionKey({ source: 'enterprise', name: 'usage_pulls', cadence: 'monthly' })}`;
    const columns = [{ name: 'month_start', type: 'date' }, { name: 'event_count', type: 'bigint' }];
    const old = new Date(TEST_NOW.getTime() - 25 * 3_600_000).toISOString();
    const recent = new Date(TEST_NOW.getTime() - 23 * 3_600_000).toISOString();
    const weekly = `${PREFIX}/${tableDefinitionKey({ source: 'enterprise', name: 'image_access', cadence: 'weekly' })}`;
    harness.bucket.put(key, JSON.stringify({ source: 'enterprise', dataset: 'usage_pulls', cadence: 'monthly', columns, updated_at: old }));
    harness.bucket.put(weekly, JSON.stringify({ source: 'enterprise', dataset: 'image_access', cadence: 'weekly', columns, updated_at: recent }));

    // Act
    await harness.syncHandler()({}, lambdaContext());

    // Assess
    const rewritten = tableDefinitionSchema.parse(JSON.parse(harness.bucket.text(key)));
    expect(rewritten.columns).toEqual(columns);
    expect(rewritten.updated_at).toBe(TEST_NOW.toISOString());
    expect(tableDefinitionSchema.parse(JSON.parse(harness.bucket.text(weekly))).updated_at).toBe(recent);
  });

  it('refuses an org the stack does not sync', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1 } });

    // Act
    const run = harness.syncHandler()({ orgs: ['initech'] }, lambdaContext());

    // Assess
    await expect(run).rejects.toThrow(/initech, which this stack does not sync/);
  });
});
