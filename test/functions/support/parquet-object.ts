import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What DuckDB reads from a Parquet object: its rows (as JSON values) and its column types. */
export interface ParquetContent {
  readonly rows: Record<string, unknown>[];
  readonly types: Record<string, string>;
}

/**
 * Reads the bytes of a query copy (an object of the fake bucket) with DuckDB,
 * as Athena and `docker-reports query` would: a copy that is not Parquet fails.
 */
export async function readParquetBytes(bytes: Buffer): Promise<ParquetContent> {
  const folder = await mkdtemp(join(tmpdir(), 'parquet-object-'));
  const path = join(folder, 'copy.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await writeFile(path, bytes);
    const source = `read_parquet('${path.replace(/'/g, "''")}')`;
    const rows = await connection.runAndReadAll(`SELECT * FROM ${source}`);
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    return {
      rows: rows.getRowObjectsJson() as Record<string, unknown>[],
      types: Object.fromEntries(described.getRowObjectsJson().map((row) => [String(row.column_name), String(row.column_type)])),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(folder, { recursive: true, force: true });
  }
}
