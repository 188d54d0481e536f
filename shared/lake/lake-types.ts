/**
 * The column types of the query copy and its tables, and how Docker's schema
 * types map onto them. Docker names string, integer, date, timestamp, boolean
 * and float so far; anything new is kept as a string, never dropped.
 */
export const LAKE_TYPES = ['string', 'bigint', 'double', 'boolean', 'date', 'timestamp'] as const;
export type LakeType = (typeof LAKE_TYPES)[number];

const FROM_SCHEMA: Record<string, LakeType> = {
  string: 'string',
  text: 'string',
  integer: 'bigint',
  int: 'bigint',
  long: 'bigint',
  bigint: 'bigint',
  float: 'double',
  double: 'double',
  number: 'double',
  decimal: 'double',
  boolean: 'boolean',
  bool: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  datetime: 'timestamp',
};

export function lakeTypeOf(schemaType: string): LakeType {
  const key = schemaType.trim().toLowerCase();
  // Upstream text: never let "constructor" or "__proto__" reach the prototype.
  return Object.hasOwn(FROM_SCHEMA, key) ? FROM_SCHEMA[key]! : 'string';
}

/** The same types as DuckDB spells them, for local views. */
export const DUCKDB_TYPES: Record<LakeType, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};
