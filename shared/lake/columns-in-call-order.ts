import type { DatasetRef } from '../sources/model.js';
import type { SourceField } from '../sources/source.js';
import { tableDefinitionKey } from './layout.js';
import type { TableCatalog } from './table-catalog.js';
import type { ColumnPlan } from './table-columns.js';

const queues = new WeakMap<TableCatalog, Map<string, Promise<unknown>>>();

/** A landing's place in its table's queue of column plans, taken before anything of the landing is awaited. */
export interface ColumnTurn {
  /** Asks the catalog for the columns once every earlier turn of the table has been planned or given up. */
  plan(fields: Promise<readonly SourceField[]>): Promise<ColumnPlan>;
  /** Gives the turn up unused (the period was landed by another run meanwhile). Does nothing once planned. */
  release(): void;
}

/**
 * Reserves a landing's turn to ask `catalog` for a table's columns, in the
 * order landings start, while their columns are still being fetched (and
 * their leases taken) concurrently. A sync starts the oldest period first, so
 * a column whose type changes keeps its plain name for the older periods and
 * the newer type goes to `{name}_v2`, however the fetches race. Within one
 * process, one table is changed by one landing at a time; a landing whose
 * columns could not be fetched fails alone.
 */
export function reserveColumnTurn(catalog: TableCatalog, dataset: DatasetRef): ColumnTurn {
  let tables = queues.get(catalog);
  if (!tables) {
    tables = new Map();
    queues.set(catalog, tables);
  }
  const key = tableDefinitionKey(dataset);
  const previous = (tables.get(key) ?? Promise.resolve()).catch(() => undefined);
  // Boxed: a promise handed to resolve() would be adopted, and a failed one would go unobserved until the turn came.
  let start: (turn: { readonly fields?: Promise<readonly SourceField[]> }) => void = () => undefined;
  const given = new Promise<{ readonly fields?: Promise<readonly SourceField[]> }>((resolve) => {
    start = resolve;
  });
  const next = previous.then(async () => {
    const { fields } = await given;
    return fields === undefined ? undefined : catalog.columnsFor(dataset, await fields);
  });
  // The queue itself never rejects: the caller gets the rejection, nobody else.
  tables.set(key, next.catch(() => undefined));
  let used = false;
  return {
    plan(fields) {
      used = true;
      // The fields may fail while an earlier landing holds the table: that is this landing's failure,
      // reported when its turn comes, never an unhandled rejection in between.
      fields.catch(() => undefined);
      start({ fields });
      return next as Promise<ColumnPlan>;
    },
    release() {
      if (!used) start({});
      used = true;
    },
  };
}

/** {@link reserveColumnTurn} and its plan at once, for a landing that starts its turn right away. */
export function columnsInCallOrder(catalog: TableCatalog, dataset: DatasetRef, fields: Promise<readonly SourceField[]>): Promise<ColumnPlan> {
  return reserveColumnTurn(catalog, dataset).plan(fields);
}
