import { SQSClient, SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { describeReport, reportSchema } from '../docker/payloads.js';
import { segmentSchema } from '../names.js';
import type { WorkItem } from '../sync/plan.js';

/** One report to land, as the sync sends it to the land-report worker. */
export const landMessageSchema = z.object({
  version: z.literal(1),
  org: segmentSchema,
  report: reportSchema,
  replace: z.boolean(),
});
export type LandMessage = z.infer<typeof landMessageSchema>;

export function landMessage(item: WorkItem): LandMessage {
  return { version: 1, org: item.org, report: item.report, replace: item.replace };
}

/** A queue message's body back into a work item; throws a ZodError naming the bad field. */
export function parseLandMessage(body: string): WorkItem {
  const message = landMessageSchema.parse(JSON.parse(body));
  return { org: message.org, report: message.report, replace: message.replace };
}

/** A report the queue did not take, and why. */
export interface QueueRefusal {
  readonly item: WorkItem;
  readonly reason: string;
}

export interface LandQueueOptions {
  readonly queueUrl: string;
  /** @default an SQSClient for the function's region */
  readonly client?: SQSClient;
}

/** SendMessageBatch takes at most 10 entries. */
const BATCH = 10;

/**
 * The fan-out: one SQS message per report, sent ten at a time. Entries SQS
 * refuses are returned, not thrown, so the sync reports exactly those as
 * failed; the next sync plans them again.
 */
export class LandQueue {
  private readonly client: SQSClient;

  constructor(private readonly options: LandQueueOptions) {
    this.client = options.client ?? new SQSClient({});
  }

  async send(items: readonly WorkItem[]): Promise<QueueRefusal[]> {
    const refused: QueueRefusal[] = [];
    for (let start = 0; start < items.length; start += BATCH) {
      const chunk = items.slice(start, start + BATCH);
      const entries: SendMessageBatchRequestEntry[] = chunk.map((item, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(landMessage(item)),
      }));
      try {
        const answer = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: entries }));
        for (const failure of answer.Failed ?? []) {
          const item = chunk[Number(failure.Id)];
          if (item) refused.push({ item, reason: `the queue refused it (${failure.Code ?? 'error'}: ${failure.Message ?? 'no message'})` });
        }
      } catch (error) {
        const reason = `the queue could not be reached (${error instanceof Error ? error.message : String(error)})`;
        for (const item of chunk) refused.push({ item, reason });
      }
    }
    return refused;
  }
}

export function describeItem(item: WorkItem): string {
  return describeReport({ org: item.org, type: item.report.ReportType, cadence: item.report.Cadence, date: item.report.Date });
}
