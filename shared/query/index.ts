/** The query layer: how a landed period becomes what Athena and DuckDB read. */
export { QUERY_FORMAT, PARQUET, LAKE_FILE_COLUMN, type QueryFormat, type GlueStorage } from './query-format.js';
export { DuckDbEngine, DEFAULT_DUCKDB_SETTINGS, LEAN_DUCKDB_SETTINGS, type DuckDbSettings } from './duckdb-engine.js';
export { identifier, literal, type EncodeRequest, type EncodeStats, type LocalCsv } from './parquet-encoder.js';
export { readCsvHeader } from './csv-header.js';
export { hmacKeyPads, pseudonymKeyProblem, MIN_PSEUDONYM_KEY_LENGTH, type HmacKeyPads, type Pseudonymization } from './pseudonymize.js';
