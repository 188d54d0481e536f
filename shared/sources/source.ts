import type { Readable } from 'node:stream';
import type { DatasetRef, ListedPeriod, ScopeRef } from './model.js';

/** One column of a period's CSV, as its source describes it. */
export interface SourceField {
  readonly name: string;
  /** The source's type name (`integer`, `timestamp`, ...); anything unknown lands as a string. */
  readonly type: string;
  readonly description: string;
}

/** A period's columns, in CSV order. */
export interface SourceColumns {
  readonly fields: readonly SourceField[];
  /** A source's own label for the columns, kept in the manifest (Enterprise: the schema's `category`). */
  readonly category?: string;
}

/** One file's bytes, as they arrive. */
export interface FileDownload {
  readonly body: Readable;
  /** The storage's Content-Length, when it sent one. */
  readonly contentLength: number | undefined;
}

/** How far back a listing goes. */
export interface PeriodWindow {
  /** Only periods starting on or after this `YYYY-MM-DD`. */
  readonly since?: string;
  /** Only the newest period. */
  readonly latest?: boolean;
}

/**
 * One scope of one upstream API, as the engine sees it: what it offers, which
 * periods each dataset has, what their columns are, and each file's bytes.
 * An adapter is the only code that knows its API's words; it validates every
 * answer and never sends its token to a storage URL.
 */
export interface Source {
  readonly scope: ScopeRef;
  /** The datasets the scope offers; none (not an error) when it has nothing yet. */
  datasets(): Promise<DatasetRef[]>;
  /** A dataset's periods, newest first, a page at a time, cut to `window`. */
  periods(dataset: DatasetRef, window?: PeriodWindow): AsyncIterable<ListedPeriod[]>;
  /**
   * A period's columns. `header` resolves to the first file's header cells
   * once its bytes are local, for a source that describes columns no other way;
   * a source with a schema endpoint asks that instead, without waiting.
   */
  columns(period: ListedPeriod, header: () => Promise<readonly string[]>): Promise<SourceColumns>;
  /** Opens file `index` of a period (a fresh signed URL each call). */
  open(period: ListedPeriod, index: number): Promise<FileDownload>;
}
