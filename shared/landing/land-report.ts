import { pipeline } from 'node:stream';
import type { EnterpriseClient, ReportDownload } from '../docker/enterprise-client.js';
import { describeReport, type Report, type ReportColumns, type ReportRef } from '../docker/payloads.js';
import { IntegrityError, TransportError, UpstreamHttpError } from '../errors.js';
import { csvKey, manifestKey, queryCopyKey } from '../lake/layout.js';
import { MANIFEST_VERSION, type Manifest } from '../lake/manifest.js';
import type { ColumnPlan } from '../lake/table-columns.js';
import type { TableCatalog } from '../lake/table-catalog.js';
import { columnsInCallOrder } from '../lake/columns-in-call-order.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import { TOOL } from '../version.js';
import { ByteMeter } from './byte-meter.js';
import { queryCopy } from './query-copy.js';
import { tee } from './tee.js';

export interface LandingDeps {
  readonly client: EnterpriseClient;
  readonly sink: LakeSink;
  readonly catalog: TableCatalog;
  readonly now: () => Date;
  /** Longest silence in a download before it is given up. */
  readonly idleTimeoutMs: number;
  /** Whole-report attempts when a download breaks, stalls or comes out short. @default 3 */
  readonly attempts?: number;
  /** Bytes received; negative for the bytes of an attempt that was discarded. */
  readonly onBytes?: (count: number) => void;
  readonly onRetry?: (ref: ReportRef, attempt: number, reason: string) => void;
}

export interface LandedReport {
  readonly ref: ReportRef;
  readonly manifest: Manifest;
  /** Where the audit CSV is: a path or an `s3://` URI. */
  readonly uri: string;
  /** True when an earlier landing of the same report (another upstream size) was replaced. */
  readonly replaced: boolean;
  /** Columns this landing added to its table, and fields whose type changed. */
  readonly columns: ColumnPlan;
}

/**
 * Lands one report, never partially: the body streams into the audit CSV and
 * the query copy at once while it is counted and hashed; a body of the wrong
 * size, or one that breaks, is discarded whole. The manifest is written last.
 */
export interface Replacement {
  /** The earlier landing's query copy, removed once the new one is in place. */
  readonly previousQueryKey?: string;
}

export async function landReport(
  org: string,
  report: Report,
  deps: LandingDeps,
  replacing?: Replacement,
): Promise<LandedReport> {
  const ref: ReportRef = { org, type: report.ReportType, cadence: report.Cadence, date: report.Date };
  const { client, sink, catalog, now } = deps;
  const schemaAnswer = client.getSchema(ref.type, ref.cadence, ref.date);
  // The download is asked for while the schema is: one round trip to Docker less per report.
  let opened: Promise<ReportDownload> | undefined = client.openDownload(ref.type, ref.cadence, ref.date);
  opened.catch(() => undefined);
  let schema: ReportColumns;
  let columns: ColumnPlan;
  try {
    [schema, columns] = await Promise.all([
      schemaAnswer,
      columnsInCallOrder(catalog, ref.type, ref.cadence, schemaAnswer.then((answer) => answer.fields)),
    ]);
    // While a report is replaced it is not landed: a manifest never vouches for files it does not describe.
    if (replacing) await sink.delete(manifestKey(ref));
  } catch (error) {
    void opened.then((download) => download.body.destroy(), () => undefined);
    throw error;
  }

  const fetchedAt = now();
  const queryKey = queryCopyKey(ref, fetchedAt);
  const streamed = await withAttempts(ref, deps, () => {
    // The first attempt uses the download already asked for; a retry asks for a fresh one.
    const download = opened ?? client.openDownload(ref.type, ref.cadence, ref.date);
    opened = undefined;
    return streamBody(ref, report.SizeBytes, queryKey, columns, deps, download);
  });

  const manifest: Manifest = {
    manifest_version: MANIFEST_VERSION,
    org,
    report_type: ref.type,
    cadence: ref.cadence,
    date: ref.date,
    upstream: { key: report.Key, size_bytes: report.SizeBytes },
    bytes: streamed.bytes,
    sha256: streamed.sha256,
    schema,
    files: { csv: csvKey(ref), query: queryKey },
    query: { rows: streamed.rows, invalid_values: streamed.invalidValues, columns: columns.fields },
    fetched_at: fetchedAt.toISOString(),
    tool: { name: TOOL.name, version: TOOL.version },
  };
  await sink.write(manifestKey(ref), `${JSON.stringify(manifest, null, 2)}\n`, { contentType: 'application/json' });
  const stale = replacing?.previousQueryKey;
  if (stale && stale !== queryKey) await sink.delete(stale);
  return { ref, manifest, uri: sink.uri(csvKey(ref)), replaced: replacing !== undefined, columns };
}

interface Streamed {
  bytes: number;
  sha256: string;
  rows: number;
  invalidValues: number;
}

async function streamBody(
  ref: ReportRef,
  expectedBytes: number,
  queryKey: string,
  columns: ColumnPlan,
  deps: LandingDeps,
  opening: Promise<ReportDownload>,
): Promise<Streamed> {
  const label = describeReport(ref);
  const download = await opening;
  if (download.contentLength !== undefined && download.contentLength !== expectedBytes) {
    download.body.destroy();
    throw new IntegrityError(
      `${label}: the storage announced ${download.contentLength} bytes, Docker listed ${expectedBytes}; nothing was kept.`,
    );
  }
  const meter = new ByteMeter({ expectedBytes, label, idleTimeoutMs: deps.idleTimeoutMs, onBytes: deps.onBytes });
  const metered = pipeline(download.body, meter, () => undefined);
  const [audit, forQuery] = tee(metered);
  const query = queryCopy(forQuery, columns.fields);
  const writes = [
    deps.sink.write(csvKey(ref), audit, { contentType: 'text/csv; charset=utf-8' }),
    deps.sink.write(queryKey, query.output, { contentType: 'application/x-ndjson' }),
  ];
  const outcomes = await Promise.allSettled(
    writes.map((write) =>
      write.catch((error: unknown) => {
        // One side failed: stop the other too, so neither completes.
        metered.destroy(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }),
    ),
  );
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) {
    // A file that did complete before the failure is not landed (no manifest); remove it anyway.
    await Promise.allSettled([deps.sink.delete(queryKey)]);
    // Progress counts bytes kept: these were not.
    deps.onBytes?.(-meter.bytes);
    throw failure.reason;
  }
  return { bytes: meter.bytes, sha256: meter.sha256, rows: query.stats.rows, invalidValues: query.stats.invalidValues };
}

/** Retries a whole download when what broke is likely to pass: a break, a stall, a short body, a 5xx. */
async function withAttempts<T>(ref: ReportRef, deps: LandingDeps, run: () => Promise<T>): Promise<T> {
  const attempts = deps.attempts ?? 3;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      deps.onRetry?.(ref, attempt, error instanceof Error ? error.message : String(error));
    }
  }
}

function isTransient(error: unknown): boolean {
  if (error instanceof IntegrityError || error instanceof TransportError) return true;
  if (error instanceof UpstreamHttpError) return error.status >= 500 || error.status === 429;
  // A connection reset mid-body surfaces as a plain network error from the stream.
  return error instanceof Error && isNetworkFailure(error);
}

function isNetworkFailure(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return (
    code === 'ECONNRESET' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'EPIPE' ||
    code === 'ETIMEDOUT' ||
    error.name === 'AbortError' ||
    /terminated|socket|other side closed/i.test(error.message)
  );
}
