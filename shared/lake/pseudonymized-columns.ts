import type { LakeType } from './lake-types.js';

/**
 * Which columns of a query copy are pseudonymised. Names are the tables'
 * column names (lower case `[a-z0-9_]`, as `DESCRIBE` and Glue show them:
 * `hub_username`, `ip_address`), not the CSV's header text, so one setting
 * means the same in the CLI, the stack, Athena and DuckDB. A name also covers
 * the columns a report makes of it: `{name}_v2`, `_v3`... when its type
 * changed, `{name}_2`, `_3`... when a header repeats it. Only text columns
 * can hold a keyed hash; a name given for another type is reported, never
 * silently dropped.
 */

/** A column name as the tables spell it. */
export const COLUMN_NAME_PATTERN = /^[a-z_][a-z0-9_]*$/;

/** What the problem with a name given for pseudonymisation is, or undefined when it is usable. */
export function columnNameProblem(name: string): string | undefined {
  if (COLUMN_NAME_PATTERN.test(name)) return undefined;
  const suggestion = name.trim().toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  return (
    `"${name}" is not a column name as the tables spell it (lower case letters, digits and "_", not starting with a digit)` +
    (COLUMN_NAME_PATTERN.test(suggestion) ? `; did you mean ${suggestion}?` : '')
  );
}

/** Whether `column` is `name` or one of the columns a report makes of it (`_vN`, `_N`). */
export function coversColumn(name: string, column: string): boolean {
  if (column === name) return true;
  if (!column.startsWith(`${name}_`)) return false;
  return /^v?[0-9]+$/.test(column.slice(name.length + 1));
}

/**
 * The text columns, among `columns`, that `names` pseudonymise, in the
 * columns' order. The same rule writes the query copy, its manifest and the
 * Glue comments, and decides which copies are rebuilt when `names` change.
 */
export function pseudonymizedColumns(columns: readonly { name: string; type: LakeType }[], names: readonly string[]): string[] {
  if (names.length === 0) return [];
  return columns.filter((column) => column.type === 'string' && names.some((name) => coversColumn(name, column.name))).map((column) => column.name);
}

/** A table as this check needs it: its name and columns. */
export interface NamedTable {
  readonly table: string;
  readonly columns: readonly { name: string; type: LakeType }[];
}

/**
 * Warnings about `names` given the lake's tables: a name no table has
 * (nothing is pseudonymised under it; text columns with the name in them are
 * suggested) and a name that only covers columns of another type than text
 * (they stay as they are). None when no table is known yet.
 */
export function pseudonymizeWarnings(names: readonly string[], tables: readonly NamedTable[], option: string): string[] {
  if (tables.length === 0) return [];
  const warnings: string[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const covered = tables.flatMap((table) => table.columns.filter((column) => coversColumn(name, column.name)).map((column) => ({ table, column })));
    if (covered.length === 0) {
      missing.push(name);
      continue;
    }
    const notText = covered.filter(({ column }) => column.type !== 'string');
    if (notText.length === covered.length) {
      const where = notText.map(({ table, column }) => `${table.table}.${column.name} (${column.type})`).join(', ');
      warnings.push(`${option} names ${name}, which is not a text column (${where}): only text can be pseudonymised, so it is left as it is.`);
    }
  }
  if (missing.length > 0) {
    const textColumns = [...new Set(tables.flatMap((table) => table.columns.filter((column) => column.type === 'string').map((column) => column.name)))];
    const alike = [...new Set(missing.flatMap((name) => textColumns.filter((column) => column.includes(name))))].sort();
    warnings.push(
      `${option} names ${missing.join(', ')}, which no table of this lake has: nothing is pseudonymised under ${missing.length > 1 ? 'those names' : 'that name'}. ` +
        (alike.length > 0 ? `Columns with ${missing.length > 1 ? 'those names' : 'that name'} in them: ${alike.join(', ')}.` : 'Name columns as the tables spell them (DESCRIBE <table>).'),
    );
  }
  return warnings;
}

/** `names` without repeats, sorted: the form settings are compared and recorded in. */
export function normalizedNames(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}
