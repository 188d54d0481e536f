import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGzip, constants } from 'node:zlib';
import { JsonRowEncoder } from '../lake/json-row-encoder.js';
import type { FieldColumn } from '../lake/table-columns.js';
import { CsvRows } from './csv-rows.js';

export interface QueryCopyStats {
  rows: number;
  invalidValues: number;
}

export interface QueryCopy {
  /** The gzip JSON Lines to hand to a sink. */
  readonly output: Readable;
  /** Rows written and values that did not fit their type; final once `output` ended. */
  readonly stats: QueryCopyStats;
}

/**
 * Streams a report's CSV (header row first; quoted fields with commas and line
 * breaks allowed) into the query copy: gzip JSON Lines typed by the schema.
 * An error anywhere destroys `output`, so a sink never completes it.
 */
export function queryCopy(csv: Readable, fields: readonly FieldColumn[]): QueryCopy {
  const stats: QueryCopyStats = { rows: 0, invalidValues: 0 };
  const output = pipeline(
    csv,
    new CsvToJsonLines(fields, stats),
    // Level 1 gives most of gzip's size gain for a fraction of its CPU time.
    createGzip({ level: constants.Z_BEST_SPEED }),
    () => undefined,
  );
  return { output, stats };
}

/** CSV bytes in, JSON Lines text out, one push per input chunk (not per row: zlib pays per write). */
class CsvToJsonLines extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private readonly csv = new CsvRows();
  private encoder: JsonRowEncoder | undefined;
  private lines = '';
  private readonly onRow = (row: string[]) => {
    if (this.encoder === undefined) {
      this.encoder = new JsonRowEncoder(row, this.fields);
      return;
    }
    this.stats.rows += 1;
    this.lines += this.encoder.encode(row);
  };

  constructor(
    private readonly fields: readonly FieldColumn[],
    private readonly stats: QueryCopyStats,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.csv.push(this.decoder.write(chunk), this.onRow);
    this.flushLines();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.csv.push(this.decoder.end(), this.onRow);
    this.csv.end(this.onRow);
    this.flushLines();
    callback();
  }

  private flushLines(): void {
    this.stats.invalidValues = this.encoder?.invalidValues ?? 0;
    if (this.lines.length === 0) return;
    this.push(this.lines);
    this.lines = '';
  }
}
