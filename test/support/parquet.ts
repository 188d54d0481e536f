import { DuckDBInstance } from '@duckdb/node-api';

/** A Parquet file's rows as DuckDB reads them (values as JSON: big integers as strings), and its column types. */
export async function readParquet(path: string, orderBy?: string): Promise<{ rows: Record<string, unknown>[]; types: Record<string, string> }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const source = `read_parquet('${path.replace(/'/g, "''")}')`;
    const reader = await connection.runAndReadAll(`SELECT * FROM ${source}${orderBy ? ` ORDER BY ${orderBy}` : ''}`);
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    const types = Object.fromEntries(described.getRowObjectsJson().map((row) => [String(row.column_name), String(row.column_type)]));
    return { rows: reader.getRowObjectsJson() as Record<string, unknown>[], types };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The compression codecs a Parquet file's column chunks use. */
export async function parquetCodecs(path: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${path.replace(/'/g, "''")}')`);
    return reader.getRowObjectsJson().map((row) => String(row.compression));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
