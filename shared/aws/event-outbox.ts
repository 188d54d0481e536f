import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { manifestKey, OUTBOX_ROOT, outboxEntryKey } from '../lake/layout.js';
import { parseManifest } from '../lake/manifest.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import { SOURCE_IDS, type PeriodRef } from '../sources/index.js';
import { periodRefSchema } from './land-queue.js';
import type { ReportLandedDetail } from './report-events.js';

export const OUTBOX_ENTRY_VERSION = 1;

/**
 * One entry: the event's detail exactly as it was first built (sent again
 * unchanged: consumers depend on its shape), and its period. It holds no
 * secret: the detail names lake objects, sizes, hashes and row counts.
 */
const outboxEntrySchema = z.object({
  outbox_version: z.literal(OUTBOX_ENTRY_VERSION),
  ref: periodRefSchema,
  held_at: z.string(),
  detail: z.looseObject({ source: z.enum(SOURCE_IDS), s3_uri: z.string(), fetched_at: z.string() }),
});

/** A landing event waiting in the outbox. */
export interface HeldEvent {
  readonly key: string;
  readonly ref: PeriodRef;
  readonly detail: ReportLandedDetail;
}

export interface EventOutboxOptions {
  readonly sink: LakeSink;
  readonly now: () => Date;
  /** What makes two entries held at the same millisecond distinct. @default 6 random bytes, hex */
  readonly unique?: () => string;
}

/**
 * Where a landing's event waits until EventBridge accepts it: one small JSON
 * object per landing under `_outbox/` in the lake, written before the event
 * is sent and deleted once it was accepted, so an event refused after the
 * manifest was written (the period counts as landed, no later run lands it
 * again) is sent by a later run instead of never.
 *
 * Each landing has an entry of its own (not one per period): when two runs
 * land a period at once, one run's success never deletes the other's
 * pending event. Which of a period's entries still deserves sending is
 * decided against its manifest ({@link isCurrent}).
 */
export class EventOutbox {
  constructor(private readonly options: EventOutboxOptions) {}

  /** Keeps the event of a landing until {@link release}; returns its key. */
  async hold(ref: PeriodRef, detail: ReportLandedDetail): Promise<string> {
    const heldAt = this.options.now();
    const unique = this.options.unique?.() ?? randomBytes(6).toString('hex');
    // A compact, fixed-width UTC stamp first: names sort oldest first, and hold no `:`.
    const key = outboxEntryKey(ref, `${heldAt.toISOString().replace(/[-:.]/g, '')}-${unique}`);
    const entry = { outbox_version: OUTBOX_ENTRY_VERSION, ref, held_at: heldAt.toISOString(), detail };
    await this.options.sink.write(key, `${JSON.stringify(entry, null, 2)}\n`, { contentType: 'application/json' });
    return key;
  }

  /** Removes an entry whose event EventBridge accepted (or that no longer deserves sending). */
  async release(key: string): Promise<void> {
    await this.options.sink.delete(key);
  }

  /** Every entry's key, oldest first (by the time it was held, whatever its period). */
  async keys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const object of this.options.sink.list(`${OUTBOX_ROOT}/`)) {
      if (object.key.endsWith('.json')) keys.push(object.key);
    }
    const name = (key: string) => key.slice(key.lastIndexOf('/') + 1);
    return keys.sort((a, b) => compare(name(a), name(b)) || compare(a, b));
  }

  /**
   * An entry's event, or undefined when it is gone (another run sent it).
   * Throws when the object is not an entry this version understands.
   */
  async read(key: string): Promise<HeldEvent | undefined> {
    const text = await this.options.sink.read(key);
    if (text === undefined) return undefined;
    const json: unknown = JSON.parse(text);
    const { ref } = outboxEntrySchema.parse(json);
    // The detail as parsed from the text, not as zod rebuilt it: its keys keep their order, so the event is the same bytes.
    return { key, ref, detail: (json as { detail: ReportLandedDetail }).detail };
  }

  /**
   * Whether an event still describes its period's landing: its manifest is
   * the one the event announced. A period landed again since has announced
   * (or holds) its newer landing; one with no manifest is not landed now, and
   * whatever lands it next announces it. Sending the older event would tell
   * consumers of files that are no longer there.
   */
  async isCurrent(held: HeldEvent): Promise<boolean> {
    const text = await this.options.sink.read(manifestKey(held.ref));
    if (text === undefined) return false;
    try {
      return parseManifest(text).fetched_at === held.detail.fetched_at;
    } catch {
      // A manifest this version cannot read: better an event twice than none.
      return true;
    }
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
