import type { DatasetRef } from '../sources/model.js';
import type { SourceField } from '../sources/source.js';
import { tableDefinitionKey } from './layout.js';
import type { TableCatalog } from './table-catalog.js';
import type { ColumnPlan } from './table-columns.js';

const queues = new WeakMap<TableCatalog, Map<string, Promise<unknown>>>();

/**
 * Asks `catalog` for a table's columns in the order landings started, while
 * their columns are still being fetched concurrently. A sync starts the oldest
 * period first, so a column whose type changes keeps its plain name for the
 * older periods and the newer type goes to `{name}_v2`, however the fetches race.
 * Within one process, one table is changed by one landing at a time; a
 * landing whose columns could not be fetched fails alone.
 */
export function columnsInCallOrder(
  catalog: TableCatalog,
  dataset: DatasetRef,
  fields: Promise<readonly SourceField[]>,
): Promise<ColumnPlan> {
  let tables = queues.get(catalog);
  if (!tables) {
    tables = new Map();
    queues.set(catalog, tables);
  }
  // The fields may fail while an earlier landing holds the table: that is this landing's failure,
  // reported when its turn comes, never an unhandled rejection in between.
  fields.catch(() => undefined);
  const key = tableDefinitionKey(dataset);
  const previous = tables.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(async () => catalog.columnsFor(dataset, await fields));
  // The queue itself never rejects: the caller gets the rejection, nobody else.
  tables.set(key, next.catch(() => undefined));
  return next;
}
