import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { IntegrityError } from '../errors.js';
import { reserveColumnTurn, type ColumnTurn } from '../lake/columns-in-call-order.js';
import { auditFileKey } from '../lake/layout.js';
import { MANIFEST_VERSION, type ManifestFile } from '../lake/manifest.js';
import { readCsvHeader } from '../query/csv-header.js';
import type { LocalCsv } from '../query/parquet-encoder.js';
import type { HeldLease } from '../lease/period-leases.js';
import type { StagedFile } from '../sinks/lake-sink.js';
import { describePeriod, type ListedPeriod } from '../sources/model.js';
import type { Source } from '../sources/source.js';
import { TOOL } from '../version.js';
import { ByteMeter } from './byte-meter.js';
import type { LandedPeriod, LandingDeps } from './landing-deps.js';
import { publishPeriod } from './publish-period.js';
import { isTransient } from './transient.js';

/** What to land: a listed period, whether it replaces an earlier landing, and what the lake holds of it now. */
export interface LandRequest {
  readonly period: ListedPeriod;
  readonly replace: boolean;
  /** Keys the lake holds of the period (audit files, query partition), removed when the new landing does not name them. */
  readonly held: readonly string[];
  /** The period's lease, confirmed before the manifest is written. */
  readonly lease?: HeldLease;
  /** Its place in the table's column planning, reserved when the landing started. @default one taken now */
  readonly columnTurn?: ColumnTurn;
}

/** Writes of a staged file: 1 MiB at a time, fewer turns of the event loop than the default 64 KiB. */
const WRITE_BUFFER_BYTES = 1024 * 1024;

interface Downloaded extends LocalCsv {
  readonly staged: StagedFile;
  readonly file: Omit<ManifestFile, 'key'>;
}

/**
 * Lands one period, never partially. Each file streams once into local
 * staging while it is counted and hashed; a file of the wrong size, or one
 * that breaks, is fetched again (a fresh URL) or the landing fails whole.
 * Only once every file verified does DuckDB write the query copy, the files
 * are published, and the manifest is written last.
 */
export async function landPeriod(source: Source, request: LandRequest, deps: LandingDeps): Promise<LandedPeriod> {
  const { period } = request;
  const { ref } = period;
  const started = performance.now();
  const staged: StagedFile[] = [];
  let firstReady: (file: LocalCsv) => void = () => undefined;
  let firstFailed: (error: unknown) => void = () => undefined;
  const first = new Promise<LocalCsv>((resolve, reject) => {
    firstReady = resolve;
    firstFailed = reject;
  });
  first.catch(() => undefined);
  // Asked for at once (a schema endpoint answers while the bytes arrive), and handed to the
  // table's queue in the order landings start.
  const columns = source.columns(period, async () => readCsvHeader((await first).path, { gzip: (await first).gzip }));
  const plan = (request.columnTurn ?? reserveColumnTurn(deps.catalog, ref)).plan(columns.then((answer) => answer.fields));
  plan.catch(() => undefined);
  try {
    const files: Downloaded[] = [];
    for (let index = 0; index < period.files.length; index += 1) {
      const file = await downloadFile(source, period, index, deps, staged).catch((error: unknown) => {
        firstFailed(error);
        throw error;
      });
      if (index === 0) firstReady(file);
      files.push(file);
    }
    const downloaded = performance.now();
    const [answer, columnPlan] = await Promise.all([columns, plan]);
    const keys = files.map((file, index) => auditFileKey(ref, index, file.gzip));
    const published = await publishPeriod({
      ref,
      files: files.map((file, index) => ({ ...file, key: keys[index]! })),
      columns: columnPlan,
      replacing: request.replace,
      held: request.held,
      lease: request.lease,
      deps,
      manifest: (query) => ({
        manifest_version: MANIFEST_VERSION,
        source: ref.source,
        scope: ref.scope,
        dataset: ref.name,
        cadence: ref.cadence,
        period: ref.period,
        files: files.map((file, index) => ({ key: keys[index]!, ...file.file })),
        schema: { ...(answer.category === undefined ? {} : { category: answer.category }), fields: answer.fields.map((f) => ({ ...f })) },
        query,
        fetched_at: deps.now().toISOString(),
        tool: { name: TOOL.name, version: TOOL.version },
      }),
    });
    return {
      ...published,
      action: request.replace ? 'replaced' : 'landed',
      timings: { downloadMs: downloaded - started, ...published.timings },
    };
  } finally {
    await Promise.allSettled(staged.map((file) => file.discard()));
  }
}

/** One file into staging, counted and hashed, with fresh attempts for what is likely to pass. */
async function downloadFile(source: Source, period: ListedPeriod, index: number, deps: LandingDeps, staged: StagedFile[]): Promise<Downloaded> {
  const { ref, files } = period;
  const listed = files[index]!;
  const label = files.length > 1 ? `${describePeriod(ref)} (file ${index + 1} of ${files.length})` : describePeriod(ref);
  const target = await deps.sink.stage(auditFileKey(ref, index));
  staged.push(target);
  const attempts = deps.attempts ?? 3;
  for (let attempt = 1; ; attempt += 1) {
    const meter = new ByteMeter({ expectedBytes: listed.sizeBytes, label, idleTimeoutMs: deps.idleTimeoutMs, onBytes: deps.onBytes });
    try {
      const download = await source.open(period, index);
      if (download.contentLength !== undefined && download.contentLength !== listed.sizeBytes) {
        download.body.destroy();
        throw new IntegrityError(
          `${label}: the storage announced ${download.contentLength} bytes, the listing said ${listed.sizeBytes}; nothing was kept.`,
        );
      }
      await pipeline(download.body, meter, createWriteStream(target.path, { highWaterMark: WRITE_BUFFER_BYTES }));
      return {
        path: target.path,
        gzip: meter.gzip,
        staged: target,
        file: { upstream: { key: listed.upstreamKey, size_bytes: listed.sizeBytes }, bytes: meter.bytes, sha256: meter.sha256 },
      };
    } catch (error) {
      meter.destroy();
      // Progress counts bytes kept: these were not.
      deps.onBytes?.(-meter.bytes);
      if (attempt >= attempts || !isTransient(error)) throw error;
      deps.onRetry?.(ref, attempt, error instanceof Error ? error.message : String(error));
    }
  }
}

