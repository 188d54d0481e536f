import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LandQueue, describeItem, landMessage, parseLandMessage, type LandMessage } from '../../../shared/aws/land-queue.js';
import type { PeriodRef } from '../../../shared/sources/index.js';
import type { WorkItem } from '../../../shared/sync/index.js';

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/land';

function refOn(date: string, scope = 'acme'): PeriodRef {
  return { source: 'enterprise', scope, name: 'usage_pulls', cadence: 'daily', period: date };
}

/** Lands, replacements and rebuilds, one per day of June. */
function items(count: number): WorkItem[] {
  return Array.from({ length: count }, (_, i): WorkItem => {
    const date = `2026-06-${String(i + 1).padStart(2, '0')}`;
    const ref = refOn(date);
    const held = [`enterprise/usage_pulls/daily/org=acme/date=${date}/usage_pulls_daily_${date}.csv`];
    if (i % 3 === 2) return { action: 'rebuild', ref, held };
    return {
      action: i % 3 === 0 ? 'land' : 'replace',
      period: { ref, files: [{ upstreamKey: `acme/usage_pulls/daily/${date}.csv`, sizeBytes: 1000 + i }] },
      held: i % 3 === 0 ? [] : held,
    };
  });
}

function queue(): LandQueue {
  return new LandQueue({ queueUrl: QUEUE_URL, client: new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }) });
}

beforeEach(() => {
  sqs.reset();
});

describe('Class: LandQueue', () => {
  describe('Method: send', () => {
    it('sends one message per period, ten per call, that the worker reads back as the same work item', async () => {
      // Prepare
      sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
        Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: e.Id })),
        Failed: [],
      }));
      const work = items(23);

      // Act
      const refused = await queue().send(work);

      // Assess
      expect(refused).toEqual([]);
      const calls = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
      expect(calls.map((input) => input.Entries!.length)).toEqual([10, 10, 3]);
      expect(calls.every((input) => input.QueueUrl === QUEUE_URL)).toBe(true);
      const bodies = calls.flatMap((input) => input.Entries!.map((e) => e.MessageBody!));
      expect(bodies.map((body) => (JSON.parse(body) as { version: number }).version)).toEqual(Array(23).fill(2));
      expect(bodies.map((body) => parseLandMessage(body))).toEqual(work);
    });

    it('returns the periods SQS refused, with its reason, and sends the rest', async () => {
      // Prepare
      sqs.on(SendMessageBatchCommand).resolves({
        Successful: [{ Id: '0', MessageId: 'm0', MD5OfMessageBody: '' }],
        Failed: [{ Id: '1', Code: 'InternalError', Message: 'try again', SenderFault: false }],
      });

      // Act
      const refused = await queue().send(items(2));

      // Assess
      expect(refused).toEqual([{ item: items(2)[1], reason: 'the queue refused it (InternalError: try again)' }]);
    });

    it('returns a whole chunk when the call itself fails', async () => {
      // Prepare
      sqs.on(SendMessageBatchCommand).rejects(new Error('connect ETIMEDOUT'));

      // Act
      const refused = await queue().send(items(3));

      // Assess
      expect(refused.map((r) => r.reason)).toEqual(Array(3).fill('the queue could not be reached (connect ETIMEDOUT)'));
      expect(refused.map((r) => r.item)).toEqual(items(3));
    });
  });
});

describe('Function: parseLandMessage', () => {
  it.each([
    ['a landing', 0],
    ['a replacement', 1],
    ['a rebuild', 2],
  ])('reads back %s written as a version 2 message', (_label, index) => {
    // Prepare
    const item = items(3)[index]!;

    // Act
    const parsed = parseLandMessage(JSON.stringify(landMessage(item)));

    // Assess
    expect(parsed).toEqual(item);
    expect(parsed.action).toBe(item.action);
  });

  it.each([
    [false, 'land'],
    [true, 'replace'],
  ])('reads a version 1 message (replace: %s) still in the queue as a %s of that Enterprise report', (replace, action) => {
    // Prepare: what the first version sent, one Enterprise report per message.
    const report = { ReportType: 'usage_pulls', Cadence: 'daily', Date: '2026-06-16', SizeBytes: 4096, Key: 'acme/usage_pulls/daily/2026-06-16.csv' };
    const body = JSON.stringify({ version: 1, org: 'acme', report, replace });

    // Act
    const parsed = parseLandMessage(body);

    // Assess
    expect(parsed).toEqual({
      action,
      period: { ref: refOn('2026-06-16'), files: [{ upstreamKey: report.Key, sizeBytes: 4096 }] },
      held: [],
    });
  });

  const good = landMessage(items(1)[0]!) as Extract<LandMessage, { action: 'land' | 'replace' }>;
  const goodRebuild = landMessage(items(3)[2]!) as Extract<LandMessage, { action: 'rebuild' }>;
  const v1Report = { ReportType: 'usage_pulls', Cadence: 'daily', Date: '2026-06-16', SizeBytes: 10, Key: 'k' };
  it.each([
    ['an unknown version', JSON.stringify({ ...good, version: 3 })],
    ['no version', JSON.stringify({ ...good, version: undefined })],
    ['an unknown action', JSON.stringify({ ...good, action: 'delete' })],
    ['an unknown source', JSON.stringify({ ...good, period: { ...good.period, ref: { ...refOn('2026-06-01'), source: 'ftp' } } })],
    ['a path in the scope', JSON.stringify({ ...goodRebuild, ref: refOn('2026-06-03', '../globex') })],
    ['an impossible date', JSON.stringify({ ...goodRebuild, ref: refOn('2026-02-30') })],
    ['a landing without files', JSON.stringify({ ...good, period: { ...good.period, files: [] } })],
    ['a negative size', JSON.stringify({ ...good, period: { ...good.period, files: [{ upstreamKey: 'k', sizeBytes: -1 }] } })],
    ['a rebuild without its period', JSON.stringify({ version: 2, action: 'rebuild', held: [] })],
    ['a version 1 message with a path in the org', JSON.stringify({ version: 1, org: '../x', report: v1Report, replace: false })],
    ['a version 1 message with an impossible date', JSON.stringify({ version: 1, org: 'acme', report: { ...v1Report, Date: '2026-02-30' }, replace: false })],
    ['a version 1 message without its report', '{"version":1,"org":"acme"}'],
    ['text that is not JSON', 'not json'],
  ])('refuses %s', (_label, body) => {
    // Assess
    expect(() => parseLandMessage(body)).toThrow();
  });
});

describe('Function: describeItem', () => {
  it('names the action and the period, for logs', () => {
    // Assess
    expect(items(3).map(describeItem)).toEqual([
      'land acme/usage_pulls/daily/2026-06-01',
      'replace acme/usage_pulls/daily/2026-06-02',
      'rebuild acme/usage_pulls/daily/2026-06-03',
    ]);
  });
});
