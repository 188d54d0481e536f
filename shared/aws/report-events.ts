import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DockerReportsError } from '../errors.js';
import type { LandedReport } from '../landing/land-report.js';
import { manifestKey } from '../lake/layout.js';
import type { LakeSink } from '../sinks/lake-sink.js';

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

/** The event's `detail`: snake_case, like the manifest it summarizes. */
export interface ReportLandedDetail {
  readonly org: string;
  readonly report_type: string;
  readonly cadence: string;
  /** The report's date, `YYYY-MM-DD`. */
  readonly date: string;
  /** The audit CSV, byte for byte what Docker served. */
  readonly s3_uri: string;
  /** The query copy Athena reads. */
  readonly query_uri: string;
  readonly manifest_uri: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly rows: number;
  /** True when an earlier landing of this report (another upstream size) was replaced. */
  readonly replaced: boolean;
  /** Columns the report's table gained, and fields whose type changed (landing in a versioned column). */
  readonly schema_changes: {
    readonly added_columns: readonly string[];
    readonly retyped: readonly { field: string; from: string; to: string; column: string }[];
  };
  readonly fetched_at: string;
}

export function reportLandedDetail(landed: LandedReport, lake: Pick<LakeSink, 'uri'>): ReportLandedDetail {
  const { ref, manifest, columns } = landed;
  return {
    org: ref.org,
    report_type: ref.type,
    cadence: ref.cadence,
    date: ref.date,
    s3_uri: landed.uri,
    query_uri: lake.uri(manifest.files.query),
    manifest_uri: lake.uri(manifestKey(ref)),
    bytes: manifest.bytes,
    sha256: manifest.sha256,
    rows: manifest.query.rows,
    replaced: landed.replaced,
    schema_changes: { added_columns: columns.added.map((c) => c.name), retyped: columns.retyped },
    fetched_at: manifest.fetched_at,
  };
}

export interface ReportEventsOptions {
  /** Resolves the lake's keys into `s3://` URIs. */
  readonly lake: Pick<LakeSink, 'uri'>;
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
 * thrown, so the engine counts the report as failed rather than silently
 * unannounced.
 */
export class ReportEvents {
  private readonly client: EventBridgeClient;

  constructor(private readonly options: ReportEventsOptions) {
    this.client = options.client ?? new EventBridgeClient({});
  }

  async publish(landed: LandedReport): Promise<void> {
    const entry = {
      EventBusName: this.options.eventBusName ?? 'default',
      Source: REPORT_EVENT_SOURCE,
      DetailType: REPORT_LANDED_DETAIL_TYPE,
      Detail: JSON.stringify(reportLandedDetail(landed, this.options.lake)),
      Resources: [landed.uri.replace(/^s3:\/\/([^/]+)\/.*$/, 'arn:aws:s3:::$1')].filter((arn) => arn.startsWith('arn:')),
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
      `EventBridge did not accept the landing event of ${landed.ref.org}/${landed.ref.type}/${landed.ref.cadence}/${landed.ref.date} ` +
        `after ${attempts} tries (${reason}). The report is landed; its event was not sent.`,
    );
  }
}
