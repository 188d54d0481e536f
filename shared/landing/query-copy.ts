import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { createGzip, constants } from 'node:zlib';
import type { FieldColumn } from '../lake/table-columns.js';
import { CsvJsonLines } from './csv-json-lines.js';

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
  const transcoder = new CsvJsonLines(fields);
  const toJsonLines = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      emit(this, transcoder.push(chunk));
      callback();
    },
    flush(callback: TransformCallback) {
      emit(this, transcoder.end());
      callback();
    },
  });
  const emit = (stream: Transform, lines: Buffer) => {
    stats.rows = transcoder.rows;
    stats.invalidValues = transcoder.invalidValues;
    if (lines.length > 0) stream.push(lines);
  };
  const output = pipeline(
    csv,
    toJsonLines,
    // Level 1 gives most of gzip's size gain for a fraction of its CPU time.
    createGzip({ level: constants.Z_BEST_SPEED }),
    () => undefined,
  );
  return { output, stats };
}
