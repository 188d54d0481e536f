import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LandQueue, parseLandMessage } from '../../../shared/aws/land-queue.js';
import type { WorkItem } from '../../../shared/sync/plan.js';

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/land';

function items(count: number): WorkItem[] {
  return Array.from({ length: count }, (_, i) => {
    const date = `2026-06-${String(i + 1).padStart(2, '0')}`;
    return {
      org: 'acme',
      report: { ReportType: 'usage_pulls', Cadence: 'daily', Date: date, SizeBytes: 1000 + i, Key: `acme/usage_pulls/daily/${date}.csv` },
      replace: i === 0,
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
    it('sends one message per report, ten per call, that the worker reads back as the same work item', async () => {
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
      expect(calls.flatMap((input) => input.Entries!.map((e) => parseLandMessage(e.MessageBody!)))).toEqual(work);
    });

    it('returns the reports SQS refused, with its reason, and sends the rest', async () => {
      // Prepare
      sqs.on(SendMessageBatchCommand).resolves({
        Successful: [{ Id: '0', MessageId: 'm0', MD5OfMessageBody: '', }],
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
    });
  });
});

describe('Function: parseLandMessage', () => {
  it.each([
    ['an unknown version', '{"version":2,"org":"acme","report":{},"replace":false}'],
    ['a path in the org', JSON.stringify({ version: 1, org: '../x', report: items(1)[0]!.report, replace: false })],
    ['an impossible date', JSON.stringify({ version: 1, org: 'acme', report: { ...items(1)[0]!.report, Date: '2026-02-30' }, replace: false })],
  ])('refuses %s', (_label, body) => {
    // Assess
    expect(() => parseLandMessage(body)).toThrow();
  });
});
