import { SQSClient, SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { reportSchema } from '../docker/payloads.js';
import { isReportDate, segmentSchema } from '../names.js';
import { describePeriod, SOURCE_IDS, type PeriodRef } from '../sources/index.js';
import { refOf, type WorkItem } from '../sync/work-item.js';

/** A period as messages and outbox entries carry it, checked like any input: it names keys in the lake. */
export const periodRefSchema = z.object({
  source: z.enum(SOURCE_IDS),
  scope: segmentSchema,
  name: segmentSchema,
  cadence: segmentSchema,
  period: z.string().refine(isReportDate, 'must be a real date written YYYY-MM-DD'),
});
const heldSchema = z.array(z.string().max(1024)).max(1000);

/** One period to act on, as the sync sends it to the land-report worker. */
export const landMessageSchema = z.discriminatedUnion('action', [
  z.object({
    version: z.literal(2),
    action: z.enum(['land', 'replace']),
    period: z.object({
      ref: periodRefSchema,
      files: z.array(z.object({ upstreamKey: z.string(), sizeBytes: z.number().int().nonnegative() })).min(1),
    }),
    held: heldSchema,
  }),
  z.object({ version: z.literal(2), action: z.literal('rebuild'), ref: periodRefSchema, held: heldSchema }),
]);
export type LandMessage = z.infer<typeof landMessageSchema>;

/** The first messages (tool 0.1.0), still in a queue while the stack is updated: one Enterprise report. */
const landMessageV1Schema = z.object({ version: z.literal(1), org: segmentSchema, report: reportSchema, replace: z.boolean() });

export function landMessage(item: WorkItem): LandMessage {
  return { version: 2, ...item, held: [...item.held] } as LandMessage;
}

/** A queue message's body back into a work item; throws a ZodError naming the bad field. */
export function parseLandMessage(body: string): WorkItem {
  const json: unknown = JSON.parse(body);
  if ((json as { version?: unknown } | null)?.version === 1) {
    const { org, report, replace } = landMessageV1Schema.parse(json);
    const ref: PeriodRef = { source: 'enterprise', scope: org, name: report.ReportType, cadence: report.Cadence, period: report.Date };
    // The worker reads what the lake holds again before landing; the message's view of it may be old.
    return { action: replace ? 'replace' : 'land', period: { ref, files: [{ upstreamKey: report.Key, sizeBytes: report.SizeBytes }] }, held: [] };
  }
  const { version: _version, ...item } = landMessageSchema.parse(json);
  return item;
}

/** A work item the queue did not take, and why. */
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
 * The fan-out: one SQS message per period, sent ten at a time. Entries SQS
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
  return `${item.action} ${describePeriod(refOf(item))}`;
}
