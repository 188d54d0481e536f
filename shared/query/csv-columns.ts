import type { LakeType } from '../lake/lake-types.js';
import { columnName, type FieldColumn } from '../lake/table-columns.js';
import { headerNames } from '../sources/header-names.js';

/** One column of the query copy: which CSV cell it comes from, its name and type. */
export interface OutputColumn {
  /** The cell's position in each CSV record. */
  readonly index: number;
  readonly name: string;
  readonly type: LakeType;
}

/**
 * Matches a CSV header to the columns planned for its fields, by name (so
 * the CSV's own order counts, whatever the schema's order). A header cell no
 * field describes still lands, as a string under its own lower-case name; a
 * name met twice gets `_2`, `_3`, ... so no cell hides another, unless the
 * schema lists the field twice too: then each cell takes the next column
 * planned for it. A source that names its fields after the header (DVP:
 * lower snake case, a repeat `_2`) has each cell found under that name.
 * `reserved` names (the partition columns) are never taken.
 */
export function outputColumns(header: readonly string[], planned: readonly FieldColumn[], reserved: readonly string[]): OutputColumn[] {
  // A field the schema repeats has a planned column per listing (`pulls`, `pulls_v2`), taken in the header's order.
  const byField = new Map<string, FieldColumn[]>();
  for (const column of planned) byField.set(column.field, [...(byField.get(column.field) ?? []), column]);
  const taken = new Set<string>(reserved);
  const used = new Set<FieldColumn>();
  const next = (name: string) => byField.get(name)?.find((column) => !used.has(column));
  const named = headerNames(header);
  const columns: OutputColumn[] = [];
  header.forEach((cell, index) => {
    const target = next(cell) ?? next(cell.trim()) ?? next(named[index]!);
    if (target) {
      used.add(target);
      taken.add(target.column);
      columns.push({ index, name: target.column, type: target.type });
      return;
    }
    const base = columnName(cell, reserved);
    let name = base;
    for (let n = 2; taken.has(name) || planned.some((c) => c.column === name && !used.has(c)); n += 1) name = `${base}_${n}`;
    taken.add(name);
    columns.push({ index, name, type: 'string' });
  });
  return columns;
}
