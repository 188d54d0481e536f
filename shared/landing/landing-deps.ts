import type { LakeSink } from '../sinks/lake-sink.js';
import type { Manifest } from '../lake/manifest.js';
import type { TableCatalog } from '../lake/table-catalog.js';
import type { ColumnPlan } from '../lake/table-columns.js';
import type { DuckDbEngine } from '../query/duckdb-engine.js';
import type { Pseudonymization } from '../query/pseudonymize.js';
import type { PeriodLeases } from '../lease/period-leases.js';
import type { PeriodRef } from '../sources/model.js';

export interface LandingDeps {
  readonly sink: LakeSink;
  readonly catalog: TableCatalog;
  /** Converts the query copies. */
  readonly engine: DuckDbEngine;
  readonly now: () => Date;
  /** One landing of a period at a time, across runs sharing the lake. */
  readonly leases: PeriodLeases;
  /** Longest silence in a download before it is given up. */
  readonly idleTimeoutMs: number;
  /** Attempts of a file when its download breaks, stalls or comes out short. @default 3 */
  readonly attempts?: number;
  /** Bytes received; negative for the bytes of an attempt that was discarded. */
  readonly onBytes?: (count: number) => void;
  readonly onRetry?: (ref: PeriodRef, attempt: number, reason: string) => void;
  /** Columns the query copies hold as keyed hashes (the audit copy keeps them). @default none */
  readonly pseudonymize?: Pseudonymization;
}

/** Where a landing spent its time, in milliseconds. */
export interface StageTimings {
  /** Every file downloaded and verified (counted, hashed) into local staging. */
  readonly downloadMs: number;
  /** The query copy written by DuckDB. */
  readonly convertMs: number;
  /** After the conversion, until the manifest was written (uploads still running, the manifest itself). */
  readonly publishMs: number;
}

export interface LandedPeriod {
  readonly ref: PeriodRef;
  readonly manifest: Manifest;
  /** `landed` anew, `replaced` an earlier landing of other files, or `rebuilt` the query copy from the audit files. */
  readonly action: 'landed' | 'replaced' | 'rebuilt';
  /** Where the audit files are: paths or `s3://` URIs, in order. */
  readonly uris: readonly string[];
  readonly queryUri: string;
  readonly manifestUri: string;
  /** Columns this landing added to its table, and fields whose type changed. */
  readonly columns: ColumnPlan;
  readonly timings: StageTimings;
}
