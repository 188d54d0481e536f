import type { DuckDbEngine } from './duckdb-engine.js';
import { encodeParquet, literal, type EncodeRequest, type EncodeStats } from './parquet-encoder.js';

/** The column DuckDB's reader adds with each row's file, whose path holds the partition values. */
export const LAKE_FILE_COLUMN = '_lake_file';

/** How a table's storage is described to Glue, for Athena to read it. */
export interface GlueStorage {
  readonly classification: string;
  readonly inputFormat: string;
  readonly outputFormat: string;
  readonly serializationLibrary: string;
  readonly serdeParameters: Readonly<Record<string, string>>;
}

/**
 * How a landed period becomes what Athena and DuckDB read: the query
 * object's name, its encoder, its Glue storage descriptor and DuckDB's
 * reader of it, in one place.
 */
export interface QueryFormat {
  readonly name: 'parquet';
  /** The query object's extension, at its fixed key (`queryObjectKey`). */
  readonly extension: string;
  readonly glue: GlueStorage;
  /** Writes the query copy of a period's local CSV files. */
  encode(engine: DuckDbEngine, request: EncodeRequest): Promise<EncodeStats>;
  /** DuckDB's table function over the query objects a glob names, with each row's file in {@link LAKE_FILE_COLUMN}. */
  duckdbReader(glob: string): string;
}

/**
 * Parquet, zstd, typed: read by name in Athena (new columns are simply new
 * table columns), scanned column by column, written by DuckDB.
 */
export const PARQUET: QueryFormat = {
  name: 'parquet',
  extension: '.parquet',
  glue: {
    classification: 'parquet',
    inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    serdeParameters: { 'serialization.format': '1' },
  },
  encode: encodeParquet,
  duckdbReader: (glob) => `read_parquet(${literal(glob)}, union_by_name = true, filename = '${LAKE_FILE_COLUMN}', hive_partitioning = false)`,
};

/** The format every landing writes. */
export const QUERY_FORMAT: QueryFormat = PARQUET;
