import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DockerReportsError } from '../errors.js';
import type { LandedPeriod } from '../landing/landing-deps.js';
import { manifestBytes } from '../lake/manifest.js';
import { describePeriod, specOf, type SourceId } from '../sources/index.js';

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
}

/**
 * Publishes one "Docker Report Landed" event per landing. PutEvents can accept
 * the call yet refuse the entry (`FailedEntryCount`): that is retried, then
 * thrown, so the engine counts the period as failed rather than silently
 * unannounced.
 */
export class ReportEvents {
  private readonly client: EventBridgeClient;

  constructor(private readonly options: ReportEventsOptions = {}) {
    this.client = options.client ?? new EventBridgeClient({});
  }

  async publish(landed: LandedPeriod): Promise<void> {
    const uri = landed.uris[0] ?? '';
    const entry = {
      EventBusName: this.options.eventBusName ?? 'default',
      Source: REPORT_EVENT_SOURCE,
      DetailType: REPORT_LANDED_DETAIL_TYPE,
      Detail: JSON.stringify(reportLandedDetail(landed)),
      Resources: [uri.replace(/^s3:\/\/([^/]+)\/.*$/, 'arn:aws:s3:::$1')].filter((arn) => arn.startsWith('arn:')),
    };
    const attempts = this.options.attempts ?? 3;
    let reason = '';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const answer = await this.client.send(new PutEventsCommand({ Entries: [entry] }));
      const failed = answer.Entries?.[0];
      if (!answer.FailedEntryCount && !failed?.ErrorCode) return;
      reason = `${failed?.ErrorCode ?? 'error'}: ${failed?.ErrorMessage ?? 'no message'}`;
    }
    throw new DockerReportsError(
      `EventBridge did not accept the landing event of ${describePeriod(landed.ref)} ` +
        `after ${attempts} tries (${reason}). The report is landed; its event was not sent.`,
    );
  }
}
