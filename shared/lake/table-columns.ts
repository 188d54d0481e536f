import type { SourceField } from '../sources/source.js';
import { lakeTypeOf, type LakeType } from './lake-types.js';

export interface TableColumn {
  readonly name: string;
  readonly type: LakeType;
  /** What the source says the column holds (Glue shows it as the column's comment). */
  readonly description?: string;
}

/** Where one CSV field lands in the query copy. */
export interface FieldColumn {
  readonly field: string;
  readonly column: string;
  readonly type: LakeType;
}

export interface ColumnPlan {
  /** One entry per schema field, in the schema's order. */
  readonly fields: FieldColumn[];
  /** Columns the table must gain, in order. */
  readonly added: TableColumn[];
  /** Fields whose type changed, landing in a versioned column. */
  readonly retyped: { field: string; from: LakeType; to: LakeType; column: string }[];
}

/**
 * Decides, from a table's columns and a period's fields, which column each
 * field lands in. Columns are only ever added: an added field is a new column
 * (older periods read NULL there), a removed one stays, and a field whose type
 * changed keeps its old column and lands in `{name}_v2` (`_v3`, ...) of the new
 * type, so old and new periods both still read. `reserved` names (the table's
 * partition columns) are never given to a field.
 */
export function planColumns(existing: readonly TableColumn[], fields: readonly SourceField[], reserved: readonly string[]): ColumnPlan {
  const byName = new Map(existing.map((column) => [column.name, column]));
  const planned: FieldColumn[] = [];
  const added: TableColumn[] = [];
  const retyped: ColumnPlan['retyped'] = [];
  const taken = new Set<string>();
  for (const field of fields) {
    const type = lakeTypeOf(field.type);
    const base = columnName(field.name, reserved);
    let column = base;
    const unusable = (name: string) => taken.has(name) || (byName.get(name)?.type ?? type) !== type;
    for (let version = 2; unusable(column); version += 1) column = `${base}_v${version}`;
    taken.add(column);
    if (!byName.has(column)) {
      const description = field.description.trim();
      const created: TableColumn = description ? { name: column, type, description } : { name: column, type };
      byName.set(column, created);
      added.push(created);
      const original = existing.find((c) => c.name === base);
      if (original && original.type !== type) retyped.push({ field: field.name, from: original.type, to: type, column });
    }
    planned.push({ field: field.name, column, type });
  }
  return { fields: planned, added, retyped };
}

/**
 * A Glue- and DuckDB-safe column name: lower case, `[a-z0-9_]`, never one of
 * the `reserved` partition columns (`org` becomes `org_field`).
 */
export function columnName(field: string, reserved: readonly string[]): string {
  let name = field.trim().toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  if (!/^[a-z_]/.test(name)) name = `_${name}`;
  return reserved.includes(name) ? `${name}_field` : name;
}
