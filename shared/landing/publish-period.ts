import { manifestKey, queryObjectKey } from '../lake/layout.js';
import { manifestText, type Manifest } from '../lake/manifest.js';
import type { ColumnPlan } from '../lake/table-columns.js';
import { QUERY_FORMAT } from '../query/query-format.js';
import type { LocalCsv } from '../query/parquet-encoder.js';
import type { HeldLease } from '../lease/period-leases.js';
import type { StagedFile } from '../sinks/lake-sink.js';
import type { PeriodRef } from '../sources/model.js';
import { partitionColumns } from '../sources/source-specs.js';
import type { LandedPeriod, LandingDeps } from './landing-deps.js';

/** A period's audit file, local: staged (to be published at `key`) or already the lake's own. */
export interface PeriodFile extends LocalCsv {
  readonly key: string;
  readonly staged?: StagedFile;
}

export interface PublishRequest {
  readonly ref: PeriodRef;
  readonly files: readonly PeriodFile[];
  readonly columns: ColumnPlan;
  /** An earlier landing is replaced: it stays whole until the new query copy is written. */
  readonly replacing: boolean;
  /** Keys the lake holds of the period; those the new landing does not name are removed after its manifest. */
  readonly held: readonly string[];
  readonly deps: LandingDeps;
  /** Confirmed (renewed) right before the manifest: a landing whose lease was taken over stops there. */
  readonly lease?: HeldLease;
  /** The manifest, given the query copy's entry. */
  readonly manifest: (query: Manifest['query']) => Manifest;
}

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', gzip: 'application/gzip', parquet: 'application/vnd.apache.parquet' };

/**
 * The end of every landing: DuckDB writes the query copy from the local
 * files, the files and the copy are published (each whole, at its fixed
 * key), the manifest is written last, and whatever the lake held of the
 * period that the manifest does not name is removed. For a new period the
 * audit files upload while DuckDB converts.
 */
export async function publishPeriod(request: PublishRequest): Promise<Omit<LandedPeriod, 'action' | 'timings'> & { timings: { convertMs: number; publishMs: number } }> {
  const { ref, files, deps } = request;
  const { sink } = deps;
  const queryKey = queryObjectKey(ref, QUERY_FORMAT.extension);
  const copy = await sink.stage(queryKey);
  try {
    let convertMs = 0;
    const encode = async () => {
      const started = performance.now();
      const stats = await QUERY_FORMAT.encode(deps.engine, {
        files,
        columns: request.columns.fields,
        reserved: partitionColumns(ref.source),
        output: copy.path,
        pseudonymize: deps.pseudonymize,
      });
      convertMs = performance.now() - started;
      return stats;
    };
    const publishFiles = async () => {
      // A manifest never vouches for files it does not describe: a replaced period's goes while its files are
      // overwritten (after the new copy was converted; its old query copy stays readable until the new one is in).
      if (request.replacing) await sink.delete(manifestKey(ref));
      await Promise.all(
        files.map((file) => file.staged?.publish(file.key, { contentType: file.gzip ? CONTENT_TYPES.gzip : CONTENT_TYPES.csv })),
      );
    };
    let stats;
    if (request.replacing) {
      stats = await encode();
      await publishFiles();
    } else {
      // Both settle before either failure is thrown: the query copy's file is discarded below, never while DuckDB still writes it.
      const [encoded, published] = await Promise.allSettled([encode(), publishFiles()]);
      if (encoded.status === 'rejected') throw encoded.reason;
      if (published.status === 'rejected') throw published.reason;
      stats = encoded.value;
    }
    const converted = performance.now();
    await copy.publish(queryKey, { contentType: CONTENT_TYPES.parquet });
    const manifest = request.manifest({
      format: QUERY_FORMAT.name,
      key: queryKey,
      rows: stats.rows,
      invalid_values: stats.invalidValues,
      columns: request.columns.fields,
      ...(stats.pseudonymized ? { pseudonymized: [...stats.pseudonymized] } : {}),
    });
    await request.lease?.confirm();
    await sink.write(manifestKey(ref), manifestText(manifest), { contentType: 'application/json' });
    const named = new Set([...files.map((file) => file.key), queryKey, manifestKey(ref)]);
    await Promise.all(request.held.filter((key) => !named.has(key)).map((key) => sink.delete(key)));
    return {
      ref,
      manifest,
      uris: files.map((file) => sink.uri(file.key)),
      queryUri: sink.uri(queryKey),
      manifestUri: sink.uri(manifestKey(ref)),
      columns: request.columns,
      timings: { convertMs, publishMs: performance.now() - converted },
    };
  } finally {
    await copy.discard();
  }
}
