import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DockerReportsError, messageOf } from '../errors.js';
import type { LandedPeriod } from '../landing/landing-deps.js';
import { manifestBytes } from '../lake/manifest.js';
import { describePeriod, specOf, type SourceId } from '../sources/index.js';
import type { EventOutbox, HeldEvent } from './event-outbox.js';
import type { LogSink } from './sync-telemetry.js';

/**
 * The event sent after each landing, on the account's default bus unless told
 * otherwise. Rules match on these two values:
 *
 * ```json
 * { "source": ["docker-reports-lake"], "detail-type": ["Docker Report Landed"] }
 * ```
 */
export const REPORT_EVENT_SOURCE = 'docker-reports-lake';
export const REPORT_LANDED_DETAIL_TYPE = 'Docker Report Landed';

/**
 * The event's `detail`: snake_case, like the manifest it summarizes. The
 * period is named in its source's words: an Enterprise report by `org`,
 * `report_type`, `cadence` and `date`, as from the first version.
 */
export interface ReportLandedDetail {
  /** The period in its source's words: `org`, `report_type`, `cadence`, `date` (Enterprise). */
  readonly [identity: string]: unknown;
  readonly source: SourceId;
  /** The (first) audit file, byte for byte what the source served. */
  readonly s3_uri: string;
  /** Every audit file, with its size and SHA-256. */
  readonly files: readonly { uri: string; bytes: number; sha256: string }[];
  /** The query copy Athena reads. */
  readonly query_uri: string;
  readonly manifest_uri: string;
  /** Bytes of every file. */
  readonly bytes: number;
  /** The SHA-256 of the one file (of the first, when there are several). */
  readonly sha256: string;
  readonly rows: number;
  /** True when an earlier landing of this period (other files) was replaced. */
  readonly replaced: boolean;
  /** Columns the period's table gained, and fields whose type changed (landing in a versioned column). */
  readonly schema_changes: {
    readonly added_columns: readonly string[];
    readonly retyped: readonly { field: string; from: string; to: string; column: string }[];
  };
  readonly fetched_at: string;
}

export function reportLandedDetail(landed: LandedPeriod): ReportLandedDetail {
  const { ref, manifest, columns } = landed;
  return {
    ...specOf(ref.source).eventIdentity(ref),
    source: ref.source,
    s3_uri: landed.uris[0] ?? '',
    files: manifest.files.map((file, i) => ({ uri: landed.uris[i] ?? '', bytes: file.bytes, sha256: file.sha256 })),
    query_uri: landed.queryUri,
    manifest_uri: landed.manifestUri,
    bytes: manifestBytes(manifest),
    sha256: manifest.files[0]!.sha256,
    rows: manifest.query.rows,
    replaced: landed.action === 'replaced',
    schema_changes: { added_columns: columns.added.map((c) => c.name), retyped: columns.retyped },
    fetched_at: manifest.fetched_at,
  };
}

export interface ReportEventsOptions {
  /** @default 'default' */
  readonly eventBusName?: string;
  /** @default an EventBridgeClient for the function's region */
  readonly client?: EventBridgeClient;
  /** Tries of an entry EventBridge did not accept (throttled, internal error). @default 3 */
  readonly attempts?: number;
  /**
   * Where an event waits until EventBridge accepts it, sent again by
   * {@link ReportEvents.resendPending}. Without one, an event that is not
   * accepted fails its landing and is never sent again.
   */
  readonly outbox?: EventOutbox;
  /** Says when an event is kept for later and what a re-send did. */
  readonly log?: LogSink;
}

/** `sent`: EventBridge accepted the event. `held`: it did not; the event waits in the outbox for a later run. */
export type Announcement = 'sent' | 'held';

/** What one pass over the outbox did. */
export interface ResendSummary {
  /** Events EventBridge accepted this time. */
  readonly resent: number;
  /** Entries removed unsent: their period was landed again since (that landing has its own event), or is not landed now. */
  readonly superseded: number;
  /** Entries still waiting: refused again, unreadable, or beyond this pass's bound. */
  readonly pending: number;
}

/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;

/** Entries one pass re-sends at most: a backlog drains over a few runs rather than taking the time a run needs to land. */
export const RESEND_LIMIT = 100;

/** Why EventBridge did not take an entry, and after how many calls. */
interface Refusal {
  readonly reason: string;
  readonly tries: number;
}

/**
 * Publishes one "Docker Report Landed" event per landing. PutEvents can accept
 * the call yet refuse the entry (`FailedEntryCount`): that is retried. With
 * an outbox, the event is kept in the lake before it is sent and removed once
 * accepted, so an event that is still refused (or a call that fails) is sent
 * again by a later run: delivery is at least once. Without one, it is thrown,
 * so the engine counts the period as failed rather than silently unannounced.
 */
export class ReportEvents {
  private readonly client: EventBridgeClient;

  constructor(private readonly options: ReportEventsOptions = {}) {
    this.client = options.client ?? new EventBridgeClient({});
  }

  async publish(landed: LandedPeriod): Promise<Announcement> {
    const { outbox, log } = this.options;
    const detail = reportLandedDetail(landed);
    const report = describePeriod(landed.ref);
    let held: string | undefined;
    let unkept = '';
    if (outbox) {
      try {
        held = await outbox.hold(landed.ref, detail);
      } catch (error) {
        // Sending still comes first: an event sent is worth more than one recorded.
        unkept = messageOf(error);
      }
    }
    const [refusal] = await this.deliver([detail]);
    if (!refusal) {
      if (held) await this.release(held, report);
      return 'sent';
    }
    if (held) {
      log?.warn('EventBridge did not accept a landing event; it waits in the outbox and the next sync sends it again', {
        report,
        reason: refusal.reason,
        outbox: held,
      });
      return 'held';
    }
    throw new DockerReportsError(
      `EventBridge did not accept the landing event of ${report} ${describeRefusal(refusal)}` +
        (unkept ? `, and it could not be kept in the outbox to send later (${unkept})` : '') +
        '. The report is landed; its event was not sent.',
    );
  }

  /**
   * Sends again what the outbox holds, oldest first, up to `limit` entries,
   * 10 per PutEvents call, and removes each entry EventBridge accepted. An
   * entry whose period was landed again since is removed unsent. Stops at
   * the first call in which EventBridge took nothing: the rest waits for the
   * next run. Never throws for one entry; throws when the outbox cannot be
   * listed.
   */
  async resendPending(limit = RESEND_LIMIT): Promise<ResendSummary> {
    const { outbox, log } = this.options;
    if (!outbox) return { resent: 0, superseded: 0, pending: 0 };
    const keys = await outbox.keys();
    let resent = 0;
    let superseded = 0;
    let gone = 0;
    const candidates = keys.slice(0, limit);
    for (let start = 0; start < candidates.length; start += ENTRIES_PER_CALL) {
      const ready: HeldEvent[] = [];
      for (const key of candidates.slice(start, start + ENTRIES_PER_CALL)) {
        try {
          const held = await outbox.read(key);
          if (!held) gone += 1;
          else if (await outbox.isCurrent(held)) ready.push(held);
          else {
            await outbox.release(key);
            superseded += 1;
            log?.info('a pending landing event was superseded by a later landing of its report; removed unsent', { report: describePeriod(held.ref), outbox: key });
          }
        } catch (error) {
          log?.error('an outbox entry could not be read; it stays, and is counted as pending until it is removed', { outbox: key, reason: messageOf(error) });
        }
      }
      if (ready.length === 0) continue;
      const refusals = await this.deliver(ready.map((held) => held.detail));
      for (const [index, held] of ready.entries()) {
        const refusal = refusals[index];
        if (refusal) {
          log?.warn('EventBridge did not accept a pending landing event; the next sync tries again', { report: describePeriod(held.ref), reason: refusal.reason, outbox: held.key });
        } else if (await this.release(held.key, describePeriod(held.ref))) resent += 1;
      }
      if (refusals.every(Boolean)) break;
    }
    const summary = { resent, superseded, pending: keys.length - resent - superseded - gone };
    if (keys.length > 0) log?.info('re-sent pending landing events', { ...summary });
    return summary;
  }

  /**
   * Sends up to 10 events in one PutEvents call and, up to `attempts` calls,
   * those EventBridge refused. Returns why each was not accepted (undefined
   * where it was). A call that throws has been retried by the SDK already:
   * it ends the tries.
   */
  private async deliver(details: readonly ReportLandedDetail[]): Promise<(Refusal | undefined)[]> {
    const attempts = this.options.attempts ?? 3;
    const refusals: (Refusal | undefined)[] = details.map(() => ({ reason: 'not sent', tries: 0 }));
    let open = details.map((_, index) => index);
    for (let attempt = 1; attempt <= attempts && open.length > 0; attempt += 1) {
      let answer: PutEventsCommandOutput;
      try {
        answer = await this.client.send(new PutEventsCommand({ Entries: open.map((index) => this.entryOf(details[index]!)) }));
      } catch (error) {
        for (const index of open) refusals[index] = { reason: `PutEvents failed: ${messageOf(error)}`, tries: attempt };
        break;
      }
      const refused: number[] = [];
      for (const [position, index] of open.entries()) {
        const result = answer.Entries?.[position];
        // Entries answer in request order; without them, FailedEntryCount alone says whether the call took everything.
        if (result?.ErrorCode || (!result?.EventId && answer.FailedEntryCount)) {
          refusals[index] = { reason: `${result?.ErrorCode ?? 'error'}: ${result?.ErrorMessage ?? 'no message'}`, tries: attempt };
          refused.push(index);
        } else {
          refusals[index] = undefined;
        }
      }
      open = refused;
    }
    return refusals;
  }

  private entryOf(detail: ReportLandedDetail): PutEventsRequestEntry {
    return {
      EventBusName: this.options.eventBusName ?? 'default',
      Source: REPORT_EVENT_SOURCE,
      DetailType: REPORT_LANDED_DETAIL_TYPE,
      Detail: JSON.stringify(detail),
      Resources: [detail.s3_uri.replace(/^s3:\/\/([^/]+)\/.*$/, 'arn:aws:s3:::$1')].filter((arn) => arn.startsWith('arn:')),
    };
  }

  /** Removes an accepted event's entry; false when that failed (the event is then sent again: at least once, never lost). */
  private async release(key: string, report: string): Promise<boolean> {
    try {
      await this.options.outbox?.release(key);
      return true;
    } catch (error) {
      this.options.log?.warn('an accepted landing event could not be removed from the outbox; a later sync sends it again', { report, outbox: key, reason: messageOf(error) });
      return false;
    }
  }
}

function describeRefusal(refusal: Refusal): string {
  return refusal.reason.startsWith('PutEvents failed') ? `(${refusal.reason})` : `after ${refusal.tries} tries (${refusal.reason})`;
}
