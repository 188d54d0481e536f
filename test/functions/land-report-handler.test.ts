import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { landMessage } from '../../shared/aws/land-queue.js';
import { queryObjectKey, queryPartitionFolder } from '../../shared/lake/layout.js';
import { parseManifest } from '../../shared/lake/manifest.js';
import type { PeriodRef } from '../../shared/sources/index.js';
import type { WorkItem } from '../../shared/sync/index.js';
import { landFirstVersion } from './support/first-version-lake.js';
import { LambdaHarness, PREFIX } from './support/lambda-harness.js';
import { lambdaContext } from './support/lambda-context.js';
import { readParquetBytes } from './support/parquet-object.js';

/** Obviously fake, and new on every run. */
const REVOKED_OAT = `test-revoked-oat-${randomUUID()}`;

let harness: LambdaHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function refOn(org: string, date: string): PeriodRef {
  return { source: 'enterprise', scope: org, name: 'usage_pulls', cadence: 'daily', period: date };
}

/** The simulator's reports of `org` as work items (to land, as a sync plans them), newest first. */
function itemsOf(h: LambdaHarness, org: string, as = org): WorkItem[] {
  return h.sim.reports(org).map((report) => ({
    action: 'land',
    period: {
      ref: { source: 'enterprise', scope: as, name: report.ReportType, cadence: report.Cadence, period: report.Date },
      files: [{ upstreamKey: report.Key, sizeBytes: report.SizeBytes }],
    },
    held: [],
  }));
}

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `msg-${index}`,
      receiptHandle: `handle-${index}`,
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:land-report',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('Handler: land-report', () => {
  it('lands good messages and reports only the bad ones as batch item failures', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] } });
    const [good] = itemsOf(harness, 'acme');
    const [stranger] = itemsOf(harness, 'acme', 'initech');
    const event = sqsEvent([
      JSON.stringify(landMessage(good!)),
      '{"version":1,"org":"acme"}',
      'not json',
      JSON.stringify(landMessage(stranger!)),
    ]);

    // Act
    const answer = await harness.landReportHandler()(event, lambdaContext('land-report'));

    // Assess
    expect(answer.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['msg-1', 'msg-2', 'msg-3']);
    expect(harness.events).toHaveLength(1);
    expect(harness.bucket.keys(`${PREFIX}/enterprise/`).filter((k) => k.endsWith('_manifest.json'))).toHaveLength(1);
    const refused = harness.printed.find((line) => line.message === 'failed; the message returns to the queue' && line.messageId === 'msg-3');
    expect(refused).toMatchObject({ source: 'enterprise', scope: 'initech' });
    expect(String(refused!.reason)).toMatch(/initech .*which this stack does not sync/);
    expect(harness.metric('ReportsLanded')).toContainEqual({ value: 1, dimensions: { service: 'docker-reports-lake', org: 'acme' } });
  });

  it('skips a queued report the lake already holds unchanged, without a second event', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] } });
    const [item] = itemsOf(harness, 'acme');
    const handler = harness.landReportHandler();
    await handler(sqsEvent([JSON.stringify(landMessage(item!))]), lambdaContext('land-report'));

    // Act
    const answer = await handler(sqsEvent([JSON.stringify(landMessage(item!))]), lambdaContext('land-report'));

    // Assess
    expect(answer.batchItemFailures).toEqual([]);
    expect(harness.events).toHaveLength(1);
    expect(harness.printed.some((line) => line.message === 'already landed; nothing to do')).toBe(true);
  });

  it('replaces a report whose upstream size changed, and says so in the event', async () => {
    // Prepare: Docker regenerates the report with another size after the first landing.
    let bigger = false;
    harness = await LambdaHarness.start({
      sim: {
        orgs: ['acme'],
        days: 1,
        reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }],
        sizeFor: () => (bigger ? 6000 : 4096),
      },
    });
    const handler = harness.landReportHandler();
    await handler(sqsEvent([JSON.stringify(landMessage(itemsOf(harness, 'acme')[0]!))]), lambdaContext('land-report'));
    bigger = true;

    // Act
    const answer = await handler(sqsEvent([JSON.stringify(landMessage(itemsOf(harness, 'acme')[0]!))]), lambdaContext('land-report'));

    // Assess
    expect(answer.batchItemFailures).toEqual([]);
    const [first, second] = harness.eventDetails();
    expect(first).toMatchObject({ replaced: false, bytes: 4096 });
    expect(second).toMatchObject({ replaced: true, bytes: 6000 });
    // Still one query object, at the same key, now the copy of the new bytes.
    expect(second!.query_uri).toBe(first!.query_uri);
    const ref = refOn('acme', String(second!.date));
    expect(harness.bucket.keys(`${PREFIX}/${queryPartitionFolder(ref)}`)).toEqual([`${PREFIX}/${queryObjectKey(ref, '.parquet')}`]);
    const manifest = parseManifest(harness.bucket.text(`${PREFIX}/enterprise/usage_pulls/daily/org=acme/date=${ref.period}/_manifest.json`));
    expect(manifest.files[0]!.bytes).toBe(6000);
    const { rows } = await readParquetBytes(harness.bucket.objects.get(`${PREFIX}/${manifest.query.key}`)!);
    expect(rows).toHaveLength(manifest.query.rows);
  });

  it('fails the whole record, not the batch, when the org\'s OAT is refused', async () => {
    // Prepare
    harness = await LambdaHarness.start({
      sim: { orgs: ['acme'], days: 1, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] },
      secretValue: () => REVOKED_OAT,
    });
    const [item] = itemsOf(harness, 'acme');

    // Act
    const answer = await harness.landReportHandler()(sqsEvent([JSON.stringify(landMessage(item!))]), lambdaContext('land-report'));

    // Assess
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'msg-0' }]);
    const failure = harness.printed.find((line) => line.message === 'failed; the message returns to the queue')!;
    expect(failure).toMatchObject({ auth: true, source: 'enterprise', scope: 'acme' });
    expect(String(failure.reason)).toContain('docker-reports/acme');
    expect(harness.rawOutput.join('\n')).not.toContain(REVOKED_OAT);
  });

  it('lands a version 1 message the first version left in the queue', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] } });
    const [report] = harness.sim.reports('acme');
    const body = JSON.stringify({ version: 1, org: 'acme', report, replace: false });

    // Act
    const answer = await harness.landReportHandler()(sqsEvent([body]), lambdaContext('land-report'));

    // Assess
    expect(answer.batchItemFailures).toEqual([]);
    expect(harness.eventDetails()).toEqual([expect.objectContaining({ org: 'acme', date: report!.Date, bytes: report!.SizeBytes, replaced: false })]);
    expect(harness.bucket.keys(`${PREFIX}/query/`).filter((k) => k.endsWith('.parquet'))).toEqual([`${PREFIX}/${queryObjectKey(refOn('acme', report!.Date), '.parquet')}`]);
  });

  it('rebuilds a queued first-version copy as Parquet from the audit copy: no download, no event', async () => {
    // Prepare
    harness = await LambdaHarness.start({ sim: { orgs: ['acme'], days: 1, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] } });
    const [report] = harness.sim.reports('acme');
    const ref = refOn('acme', report!.Date);
    const old = await landFirstVersion(harness.bucket, PREFIX, harness.sim, { org: 'acme', type: 'usage_pulls', cadence: 'daily', date: report!.Date }, new Date('2026-06-16T04:00:00Z'));
    const rebuild: WorkItem = { action: 'rebuild', ref, held: [old.csvKey, old.queryKey] };
    const handler = harness.landReportHandler();

    // Act
    const answer = await handler(sqsEvent([JSON.stringify(landMessage(rebuild))]), lambdaContext('land-report'));
    const duplicate = await handler(sqsEvent([JSON.stringify(landMessage(rebuild))]), lambdaContext('land-report'));

    // Assess
    expect(answer.batchItemFailures).toEqual([]);
    expect(duplicate.batchItemFailures).toEqual([]);
    expect(harness.sim.stats.download).toBe(0);
    expect(harness.events).toEqual([]);
    expect(harness.bucket.keys(`${PREFIX}/${queryPartitionFolder(ref)}`)).toEqual([`${PREFIX}/${queryObjectKey(ref, '.parquet')}`]);
    const manifest = parseManifest(harness.bucket.text(`${PREFIX}/${old.manifestKey}`));
    expect(manifest.query).toMatchObject({ format: 'parquet', rows: old.rows });
    expect(harness.printed.filter((line) => line.message === 'rebuilt')).toHaveLength(1);
    expect(harness.printed.some((line) => line.message === 'already landed; nothing to do')).toBe(true);
  });
});
