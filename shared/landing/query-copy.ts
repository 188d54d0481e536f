import { parse } from 'csv-parse';
import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { createGzip, constants } from 'node:zlib';
import { JsonRowEncoder } from '../lake/json-row-encoder.js';
import type { FieldColumn } from '../lake/table-columns.js';

export interface QueryCopy {
  /** The gzip JSON Lines to hand to a sink. */
  readonly output: Readable;
  /** Rows written and values that did not fit their type; final once `output` ended. */
  readonly stats: { rows: number; invalidValues: number };
}

/**
 * Streams a report's CSV (header row first; quoted fields with commas and line
 * breaks allowed) into the query copy: gzip JSON Lines typed by the schema.
 * An error anywhere destroys `output`, so a sink never completes it.
 */
export function queryCopy(csv: Readable, fields: readonly FieldColumn[]): QueryCopy {
  const stats = { rows: 0, invalidValues: 0 };
  let encoder: JsonRowEncoder | undefined;
  const toJsonLines = new Transform({
    writableObjectMode: true,
    transform(record: string[], _encoding, callback: TransformCallback) {
      if (encoder === undefined) {
        encoder = new JsonRowEncoder(record, fields);
        callback();
        return;
      }
      stats.rows += 1;
      const line = encoder.encode(record);
      stats.invalidValues = encoder.invalidValues;
      callback(null, line);
    },
  });
  const output = pipeline(
    csv,
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true }),
    toJsonLines,
    // Level 1 gives most of gzip's size gain for a fraction of its CPU time.
    createGzip({ level: constants.Z_BEST_SPEED }),
    () => undefined,
  );
  return { output, stats };
}
