import { afterEach, describe, expect, it } from 'vitest';
import { REPORT_EVENT_SOURCE, REPORT_LANDED_DETAIL_TYPE } from '../../shared/aws/report-events.js';
import { JSON_SERDE } from '../../shared/aws/glue-table-definition.js';
import { parseLandMessage } from '../../shared/aws/land-queue.js';
import { parseManifest } from '../../shared/lake/manifest.js';
import { BUCKET, LambdaHarness, PREFIX, TEST_NOW } from './support/lambda-harness.js';
import { lambdaContext } from './support/lambda-context.js';

let harness: LambdaHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Every report the simulator lists for `org`, as `type/cadence/date`. */
function upstream(h: LambdaHarness, org: string): string[] {
  return h.sim.reports(org).map((r) => `${r.ReportType}/${r.Cadence}/${r.Date}`).sort();
}

describe('Handler: sync', () => {
  it('lands every missing report inline, keeps one Glue table per type and cadence, and emits one event per report', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 2 } });
    const handler = harness.syncHandler();
    const expected = upstream(harness, 'acme');

    // Act
    const answer = await handler({}, lambdaContext());

    // Assess
    expect(answer).toMatchObject({ landed: expected.length, queued: 0, failed: [], routes: { acme: 'inline' } });
    expect(expected.length).toBeGreaterThan(0);
    const manifests = harness.bucket.keys(`${PREFIX}/enterprise/`).filter((key) => key.endsWith('/_manifest.json'));
    expect(manifests).toHaveLength(expected.length);
    for (const key of manifests) {
      const manifest = parseManifest(harness.bucket.text(key));
      const csv = harness.bucket.objects.get(`${PREFIX}/${manifest.files.csv}`)!;
      expect(csv.length).toBe(manifest.bytes);
      expect(harness.bucket.jsonLines(`${PREFIX}/${manifest.files.query}`)).toHaveLength(manifest.query.rows);
    }

    const tables = [...harness.catalog.tables.keys()].sort();
    expect(tables).toEqual([...new Set(harness.sim.reports('acme').map((r) => `${r.ReportType}_${r.Cadence}`))].sort());
    const daily = harness.catalog.table('usage_pulls_daily');
    expect(daily.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(JSON_SERDE);
    expect(daily.StorageDescriptor?.Location).toBe(`s3://${BUCKET}/${PREFIX}/query/enterprise/usage_pulls/daily/`);
    expect(daily.PartitionKeys).toEqual([
      expect.objectContaining({ Name: 'org', Type: 'string' }),
      expect.objectContaining({ Name: 'report_date', Type: 'date' }),
    ]);
    expect(daily.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.org.values': 'acme',
      'projection.report_date.range': '2026-01-01,NOW',
      'storage.location.template': `s3://${BUCKET}/${PREFIX}/query/enterprise/usage_pulls/daily/org=\${org}/date=\${report_date}/`,
    });
    expect(harness.catalog.columnNames('usage_pulls_daily')).toContain('event_count');

    expect(harness.events).toHaveLength(expected.length);
    expect(harness.events.every((e) => e.Source === REPORT_EVENT_SOURCE && e.DetailType === REPORT_LANDED_DETAIL_TYPE && e.EventBusName === 'default')).toBe(true);
    const details = harness.eventDetails();
    expect(details.map((d) => `${d.report_type}/${d.cadence}/${d.date}`).sort()).toEqual(expected);
    for (const detail of details) {
      expect(detail).toMatchObject({ org: 'acme', replaced: false });
      expect(detail.s3_uri).toMatch(new RegExp(`^s3://${BUCKET}/${PREFIX}/enterprise/`));
      expect(detail.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(detail.bytes).toBe(harness.sim.reportSize('acme', detail.report_type, detail.cadence, detail.date));
    }
    expect(harness.metric('ReportsLanded')).toContainEqual({ value: expected.length, dimensions: { service: 'docker-reports-lake', org: 'acme' } });
  });

  it('lands nothing and changes no table on a second run', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 2 } });
    await harness.syncHandler()({}, lambdaContext());
    const writes = harness.catalog.writes.length;
    const events = harness.events.length;

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer).toMatchObject({ landed: 0, queued: 0, skipped: events, routes: { acme: 'nothing' } });
    expect(harness.catalog.writes).toHaveLength(writes);
    expect(harness.events).toHaveLength(events);
  });

  it('keeps the Glue table in step with a schema that gains a field and retypes another, and old and new rows both read', async () => {
    // Prepare: from 2026-06-16 on, usage_pulls gains `region` and `event_count` becomes a float.
    harness = await LambdaHarness.start({
      sim: {
        orgs: ['acme'],
        days: 3,
        reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }],
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
    const columns = harness.catalog.table('usage_pulls_daily').StorageDescriptor!.Columns!;
    expect(columns.find((c) => c.Name === 'event_count')?.Type).toBe('bigint');
    expect(columns.find((c) => c.Name === 'event_count_v2')?.Type).toBe('double');
    const update = harness.catalog.writes.find((w) => w.call === 'update')!;
    expect(update.versionId).toBe('1');
    expect(update.input.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(JSON_SERDE);
    expect(update.input.Parameters?.['storage.location.template']).toContain('org=${org}/date=${report_date}/');
    const changed = harness.eventDetails().find((d) => d.date === '2026-06-16')!;
    expect(changed.schema_changes.added_columns).toEqual(['event_count_v2', 'region']);
    expect(changed.schema_changes.retyped).toEqual([{ field: 'event_count', from: 'bigint', to: 'double', column: 'event_count_v2' }]);

    const rowsOf = (date: string) => {
      const manifest = parseManifest(harness!.bucket.text(`${PREFIX}/enterprise/usage_pulls/daily/org=acme/date=${date}/_manifest.json`));
      return harness!.bucket.jsonLines(`${PREFIX}/${manifest.files.query}`);
    };
    expect(rowsOf('2026-06-15')[0]).toHaveProperty('event_count');
    expect(rowsOf('2026-06-15')[0]).not.toHaveProperty('region');
    expect(rowsOf('2026-06-16')[0]).toHaveProperty('event_count_v2');
    expect(typeof rowsOf('2026-06-16')[0]!.event_count_v2).toBe('number');
  });

  it('fans a large first backfill out to the queue, one message per report, and lands nothing itself', async () => {
    // Prepare: 30 days of three report types is far above the 10-report limit.
    harness = await LambdaHarness.start({ sim: { orgs: ['acme', 'globex'], days: 30 } });
    const expected = [...upstream(harness, 'acme').map((r) => `acme/${r}`), ...upstream(harness, 'globex').map((r) => `globex/${r}`)].sort();

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer).toMatchObject({ landed: 0, queued: expected.length, failed: [], routes: { acme: 'queue', globex: 'queue' } });
    const items = harness.queued.map((entry) => parseLandMessage(entry.MessageBody!));
    expect(items.map((i) => `${i.org}/${i.report.ReportType}/${i.report.Cadence}/${i.report.Date}`).sort()).toEqual(expected);
    expect(items.every((i) => !i.replace)).toBe(true);
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
    expect(harness.bucket.keys(`${PREFIX}/enterprise/`).filter((k) => k.endsWith('_manifest.json'))).toHaveLength(queued);
    expect(harness.catalog.table('usage_pulls_daily').Parameters?.['projection.org.values']).toBe('acme');
    const next = await harness.syncHandler()({}, lambdaContext());
    expect(next).toMatchObject({ landed: 0, queued: 0, skipped: queued });
  });

  it('can be told to land a large plan itself, or to queue a small one', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] } });

    // Act
    const queued = await harness.syncHandler()({ fanOut: 'always' }, lambdaContext());

    // Assess
    expect(queued).toMatchObject({ landed: 0, queued: 1 });
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

  it('reports an org whose secret is still empty with the command that fixes it, and never logs an OAT', async () => {
    // Prepare
    harness = await LambdaHarness.start({
      sim: { orgs: ['acme', 'globex'], days: 1, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] },
      secretValue: (org, sim) => (org === 'globex' ? undefined : sim.oatFor(org)),
    });

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer.landed).toBe(1);
    expect(answer.failed).toHaveLength(1);
    expect(answer.failed[0]).toMatchObject({ org: 'globex' });
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

  it('refuses an org the stack does not sync', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1 } });

    // Act
    const run = harness.syncHandler()({ orgs: ['initech'] }, lambdaContext());

    // Assess
    await expect(run).rejects.toThrow(/initech, which this stack does not sync/);
  });
});
