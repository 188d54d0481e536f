import { randomUUID } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { landMessage } from '../../shared/aws/land-queue.js';
import type { WorkItem } from '../../shared/sync/plan.js';
import { LambdaHarness, PREFIX } from './support/lambda-harness.js';
import { lambdaContext } from './support/lambda-context.js';

/** Obviously fake, and new on every run. */
const REVOKED_OAT = `test-revoked-oat-${randomUUID()}`;

let harness: LambdaHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The simulator's reports of `org` as work items, newest first. */
function itemsOf(h: LambdaHarness, org: string): WorkItem[] {
  return h.sim.reports(org).map((report) => ({ org, report, replace: false }));
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
    const stranger = { ...good!, org: 'initech' };
    const event = sqsEvent([
      JSON.stringify(landMessage(good!)),
      '{"version":1,"org":"acme"}',
      'not json',
      JSON.stringify(landMessage(stranger)),
    ]);

    // Act
    const answer = await harness.landReportHandler()(event, lambdaContext('land-report'));

    // Assess
    expect(answer.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['msg-1', 'msg-2', 'msg-3']);
    expect(harness.events).toHaveLength(1);
    expect(harness.bucket.keys(`${PREFIX}/enterprise/`).filter((k) => k.endsWith('_manifest.json'))).toHaveLength(1);
    expect(harness.printed.some((line) => line.message === 'failed; the message returns to the queue' && line.messageId === 'msg-3')).toBe(true);
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
    expect(harness.bucket.keys(`${PREFIX}/query/`).filter((k) => k.endsWith('.json.gz'))).toHaveLength(1);
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
    expect(failure).toMatchObject({ auth: true, org: 'acme' });
    expect(String(failure.reason)).toContain('docker-reports/acme');
    expect(harness.rawOutput.join('\n')).not.toContain(REVOKED_OAT);
  });
});
