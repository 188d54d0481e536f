import type { DuckDBConnection } from '@duckdb/node-api';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { LakeType } from '../lake/lake-types.js';
import { pseudonymizedColumns } from '../lake/pseudonymized-columns.js';
import type { FieldColumn } from '../lake/table-columns.js';
import { readCsvHeader } from './csv-header.js';
import { outputColumns, type OutputColumn } from './csv-columns.js';
import type { DuckDbEngine } from './duckdb-engine.js';
import { pseudonymExpression, withPseudonymKey, type HmacKeyPads, type Pseudonymization } from './pseudonymize.js';

/** One local file of a period, as landed. */
export interface LocalCsv {
  readonly path: string;
  readonly gzip: boolean;
}

export interface EncodeRequest {
  /** The period's files, in order; the first one's header names the columns. */
  readonly files: readonly LocalCsv[];
  /** Where each field lands (the table's column plan). */
  readonly columns: readonly FieldColumn[];
  /** Names a header cell may not take (the partition columns). */
  readonly reserved: readonly string[];
  /** The Parquet file to write. */
  readonly output: string;
  /** Text columns whose values the copy holds as keyed hashes (HMAC-SHA-256, hex) instead. */
  readonly pseudonymize?: Pseudonymization;
}

export interface EncodeStats {
  readonly rows: number;
  /** Values that did not fit their column's type, written as NULL. */
  readonly invalidValues: number;
  /** The columns written as keyed hashes; absent when none. */
  readonly pseudonymized?: readonly string[];
}

/** DuckDB's CSV read buffer; its default (16 MB a thread) costs memory without speed here. */
const CSV_BUFFER_BYTES = 8_000_000;

/**
 * Writes a period's query copy: its CSV files (RFC 4180; gzip ones
 * decompressed) as one zstd Parquet file typed from the column plan,
 * converted by DuckDB in native code. Every cell is read as text and cast:
 * a value that does not fit its type is NULL and counted, never a failed
 * report. A CSV whose rows are ragged, or whose bytes are not all UTF-8, is
 * read again the lenient way (short rows padded; invalid bytes replaced),
 * since one odd row must not keep a period out of the lake; the audit copy
 * keeps the exact bytes anyway.
 */
export async function encodeParquet(engine: DuckDbEngine, request: EncodeRequest): Promise<EncodeStats> {
  const first = request.files[0];
  const header = first ? await readCsvHeader(first.path, { gzip: first.gzip }) : [];
  const columns = header.length > 0 ? outputColumns(header, request.columns, request.reserved) : [];
  if (columns.length === 0) {
    // Not even a header: a table-shaped file with no rows.
    await engine.run((db) => db.run(emptyCopy(request.columns, request.output)));
    return { rows: 0, invalidValues: 0 };
  }
  const parts = await csvParts(request.files, header);
  const width = header.length;
  const hidden = pseudonymizedColumns(columns, request.pseudonymize?.columns ?? []);
  // Read before the conversion's turn on the engine: a secret's round trip never holds up another conversion.
  const pads = hidden.length > 0 ? await request.pseudonymize!.key() : undefined;
  const select = columns.map((column) => typedExpression(column, hidden.includes(column.name))).join(', ');
  const attempt = (files: readonly CsvPart[], lenient: boolean) =>
    engine.run(async (db) => {
      const source = csvSource(files, width, lenient);
      const copy = `COPY (SELECT ${select} FROM ${source}) TO ${literal(request.output)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${engine.rowGroupSize}, RETURN_STATS true)`;
      const stats = await withPads(db, pads, () => copyStats(db, copy));
      return {
        rows: stats.rows,
        invalidValues: await invalidValues(db, source, columns, stats.nulls),
        ...(hidden.length > 0 ? { pseudonymized: hidden } : {}),
      };
    });
  try {
    return await attempt(parts, false);
  } catch (error) {
    if (!isCsvError(error)) throw error;
  }
  try {
    return await attempt(parts, true);
  } catch (error) {
    if (!isUnicodeError(error)) throw error;
  }
  const sanitized = await Promise.all(
    parts.map(async (part, i) => ({ ...(await sanitizeUtf8(part, `${request.output}.utf8-${i}.csv`)), header: part.header })),
  );
  try {
    return await attempt(sanitized, true);
  } finally {
    await Promise.all(sanitized.map((file) => rm(file.path, { force: true })));
  }
}

/** A file of a period as DuckDB reads it: with its header line to skip, or all rows. */
interface CsvPart extends LocalCsv {
  readonly header: boolean;
}

/**
 * Whether each file starts with the header line. A source may split an
 * export into several files and repeat the header in some of them (DVP
 * does, or not): a later file whose first record is the first file's header
 * has it skipped; one whose first record is anything else is all rows. An
 * empty later file holds nothing to read.
 */
async function csvParts(files: readonly LocalCsv[], header: readonly string[]): Promise<CsvPart[]> {
  const same = (cells: readonly string[]) => cells.length === header.length && cells.every((cell, i) => cell.trim() === header[i]!.trim());
  const parts = await Promise.all(
    files.map(async (file, index): Promise<CsvPart | undefined> => {
      if (index === 0) return { ...file, header: true };
      const first = await readCsvHeader(file.path, { gzip: file.gzip });
      return first.length === 0 ? undefined : { ...file, header: same(first) };
    }),
  );
  return parts.filter((part): part is CsvPart => part !== undefined);
}

/** The cast that makes one text cell a value of its column's type (NULL when it does not fit), or its keyed hash. */
function typedExpression(column: OutputColumn, pseudonymized: boolean): string {
  const cell = `c${column.index}`;
  return `${pseudonymized ? pseudonymExpression(cell) : castOf(cell, column.type)} AS ${identifier(column.name)}`;
}

function withPads<T>(db: DuckDBConnection, pads: HmacKeyPads | undefined, work: () => Promise<T>): Promise<T> {
  return pads ? withPseudonymKey(db, pads, work) : work();
}

function castOf(cell: string, type: LakeType): string {
  switch (type) {
    case 'string':
      return cell;
    case 'bigint':
      // TRY_CAST alone would round "1.5" to 2 and read "1e2" as 100.
      return `CASE WHEN regexp_full_match(${cell}, '\\s*[+-]?[0-9]+\\s*') THEN TRY_CAST(trim(${cell}) AS BIGINT) END`;
    case 'double':
      return `CASE WHEN isfinite(TRY_CAST(trim(${cell}) AS DOUBLE)) THEN TRY_CAST(trim(${cell}) AS DOUBLE) END`;
    case 'boolean':
      return `TRY_CAST(trim(${cell}) AS BOOLEAN)`;
    case 'date':
      // A day, or the day of a date and time; DuckDB alone would also take "2026-06-16xyz".
      return `CASE WHEN regexp_full_match(${cell}, '\\s*\\d{4}-\\d{2}-\\d{2}([Tt ].*)?') THEN TRY_CAST(trim(${cell}) AS DATE) END`;
    case 'timestamp':
      // Read with its offset (none: UTC), kept as the UTC wall-clock time; "t", "z" and "10:11:12 +0000" allowed.
      return `CAST(TRY_CAST(regexp_replace(upper(trim(${cell})), ' ([+-]\\d{2}:?\\d{2})$', '\\1') AS TIMESTAMPTZ) AS TIMESTAMP)`;
  }
}

const DUCKDB_TYPE: Record<LakeType, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/**
 * The period's rows as one relation: one `read_csv` per run of files that
 * agree on header and compression (usually one for them all), in file
 * order, joined with UNION ALL.
 */
function csvSource(files: readonly CsvPart[], width: number, lenient: boolean): string {
  const runs: CsvPart[][] = [];
  for (const file of files) {
    const run = runs.at(-1);
    if (run && run[0]!.header === file.header && run[0]!.gzip === file.gzip) run.push(file);
    else runs.push([file]);
  }
  const reads = runs.map((run) => readCsv(run, run[0]!.header, run[0]!.gzip, width, lenient));
  return reads.length === 1 ? reads[0]! : `(${reads.map((read) => `SELECT * FROM ${read}`).join(' UNION ALL ')})`;
}

function readCsv(files: readonly LocalCsv[], header: boolean, gzip: boolean, width: number, lenient: boolean): string {
  const paths = `[${files.map((file) => literal(file.path)).join(', ')}]`;
  const cells = Array.from({ length: width }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const options = [
    `header = ${header}`,
    'auto_detect = false',
    "delim = ','",
    `quote = '"'`,
    `escape = '"'`,
    'strict_mode = false',
    `compression = '${gzip ? 'gzip' : 'none'}'`,
    `buffer_size = ${CSV_BUFFER_BYTES}`,
    `columns = {${cells}}`,
    // Padding short rows is only possible reading with one thread.
    ...(lenient ? ['null_padding = true', 'parallel = false'] : []),
  ];
  return `read_csv(${paths}, ${options.join(', ')})`;
}

async function copyStats(db: DuckDBConnection, sql: string): Promise<{ rows: number; nulls: Map<string, number> }> {
  const reader = await db.runAndReadAll(sql);
  const [row] = reader.getRowObjectsJson() as { count?: unknown; column_statistics?: unknown }[];
  const nulls = new Map<string, number>();
  for (const entry of (row?.column_statistics ?? []) as { key: string; value: { key: string; value: string }[] }[]) {
    const count = entry.value.find((stat) => stat.key === 'null_count')?.value;
    nulls.set(entry.key.replace(/^"|"$/g, ''), Number(count ?? 0));
  }
  return { rows: Number(row?.count ?? 0), nulls };
}

/**
 * Values that did not fit their type: typed cells that are NULL where the text
 * was not. A column with no NULL at all (the usual case) has none, so the CSV
 * is read a second time only for the columns that have some.
 */
async function invalidValues(db: DuckDBConnection, source: string, columns: readonly OutputColumn[], nulls: ReadonlyMap<string, number>): Promise<number> {
  const suspects = columns.filter((column) => column.type !== 'string' && (nulls.get(column.name) ?? 0) > 0);
  if (suspects.length === 0) return 0;
  const checks = suspects.map((column) => `count(*) FILTER (WHERE c${column.index} IS NOT NULL AND ${castOf(`c${column.index}`, column.type)} IS NULL)`);
  const reader = await db.runAndReadAll(`SELECT ${checks.join(' + ')} AS invalid FROM ${source}`);
  return Number((reader.getRowObjectsJson()[0] as { invalid?: unknown } | undefined)?.invalid ?? 0);
}

function emptyCopy(columns: readonly FieldColumn[], output: string): string {
  const select = columns.length > 0 ? columns.map((c) => `CAST(NULL AS ${DUCKDB_TYPE[c.type]}) AS ${identifier(c.column)}`).join(', ') : 'CAST(NULL AS VARCHAR) AS "_empty"';
  return `COPY (SELECT ${select} LIMIT 0) TO ${literal(output)} (FORMAT parquet, COMPRESSION zstd)`;
}

/** A copy of a CSV whose invalid UTF-8 bytes are replaced (U+FFFD), so DuckDB reads every row. */
async function sanitizeUtf8(file: LocalCsv, path: string): Promise<LocalCsv> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const recode = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
    },
    flush(callback) {
      callback(null, Buffer.from(decoder.decode(), 'utf8'));
    },
  });
  const input = createReadStream(file.path);
  await (file.gzip ? pipeline(input, createGunzip(), recode, createWriteStream(path)) : pipeline(input, recode, createWriteStream(path)));
  return { path, gzip: false };
}

function isCsvError(error: unknown): boolean {
  return error instanceof Error && /CSV Error|Invalid Input Error/i.test(error.message);
}

function isUnicodeError(error: unknown): boolean {
  return error instanceof Error && /unicode|utf-?8/i.test(error.message);
}

export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function identifier(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}
