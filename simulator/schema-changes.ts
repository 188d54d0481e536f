import type { SchemaField } from './report-definitions.js';

interface ChangeScope {
  /** The first report date (`YYYY-MM-DD`) with the change; earlier dates keep their schema. */
  readonly from: string;
  readonly type: string;
  /** Only this cadence. @default every cadence of the type */
  readonly cadence?: string;
}

/**
 * A change of a report type's columns from a date on, as Docker's draft says
 * happens ("each date keeps its own schema"). Changes apply in `from` order,
 * then in the order given.
 */
export type SchemaChange =
  | (ChangeScope & { readonly add: SchemaField & { readonly after?: string } })
  | (ChangeScope & { readonly retype: { readonly name: string; readonly type: string; readonly description?: string } })
  | (ChangeScope & { readonly remove: string });

/** The columns of one report date: `base` with every change due by `date`. */
export function applySchemaChanges(
  base: readonly SchemaField[],
  changes: readonly SchemaChange[],
  type: string,
  cadence: string,
  date: string,
): SchemaField[] {
  const due = changes
    .map((change, order) => ({ change, order }))
    .filter(({ change }) => change.type === type && (change.cadence ?? cadence) === cadence && change.from <= date)
    .sort((a, b) => (a.change.from === b.change.from ? a.order - b.order : a.change.from < b.change.from ? -1 : 1));
  let fields = [...base];
  for (const { change } of due) fields = applyOne(fields, change);
  return fields;
}

function applyOne(fields: SchemaField[], change: SchemaChange): SchemaField[] {
  const where = `schema change of ${change.type} from ${change.from}`;
  const indexOf = (name: string) => fields.findIndex((field) => field.name === name);
  if ('add' in change) {
    const { after, ...field } = change.add;
    if (indexOf(field.name) >= 0) throw new Error(`${where}: column ${field.name} already exists.`);
    const anchor = after === undefined ? fields.length - 1 : indexOf(after);
    if (anchor < 0 && after !== undefined) throw new Error(`${where}: no column ${after} to add ${field.name} after.`);
    return [...fields.slice(0, anchor + 1), field, ...fields.slice(anchor + 1)];
  }
  if ('retype' in change) {
    const at = indexOf(change.retype.name);
    if (at < 0) throw new Error(`${where}: no column ${change.retype.name} to retype.`);
    const old = fields[at]!;
    const updated = { ...old, type: change.retype.type, description: change.retype.description ?? old.description };
    return fields.map((field, i) => (i === at ? updated : field));
  }
  if (indexOf(change.remove) < 0) throw new Error(`${where}: no column ${change.remove} to remove.`);
  return fields.filter((field) => field.name !== change.remove);
}
