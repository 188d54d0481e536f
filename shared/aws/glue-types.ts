import { LAKE_TYPES, lakeTypeOf, type LakeType } from '../lake/lake-types.js';

/**
 * The lake's column types as Glue (Hive DDL) spells them: the Parquet query
 * copy stores BIGINT, DOUBLE, BOOLEAN, DATE and TIMESTAMP (microseconds,
 * UTC) as the matching Parquet types, which Athena reads into these.
 */
export const GLUE_TYPES: Readonly<Record<LakeType, string>> = {
  string: 'string',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
};

/** The Glue type a field of Docker's schema gets (an unknown type is a string, never dropped). */
export function glueTypeOfSchema(schemaType: string): string {
  return GLUE_TYPES[lakeTypeOf(schemaType)];
}

/**
 * The lake type of an existing Glue column, so that {@link planColumns} can
 * compare it with a report's schema. Glue's own spellings (`int`, `float`,
 * `varchar(10)`) map onto the nearest lake type; anything else (a column a
 * person added, `array<...>`) counts as a string.
 */
export function lakeTypeOfGlue(glueType: string | undefined): LakeType {
  const type = (glueType ?? '').trim().toLowerCase();
  if ((LAKE_TYPES as readonly string[]).includes(type)) return type as LakeType;
  if (/^(tinyint|smallint|int|integer)$/.test(type)) return 'bigint';
  if (/^(float|real|decimal(\(.*\))?)$/.test(type)) return 'double';
  if (/^(varchar|char)(\(.*\))?$/.test(type)) return 'string';
  return lakeTypeOf(type);
}
