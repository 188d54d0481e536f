import type { SchemaField } from '../docker/payloads.js';
import type { TableCatalog } from './table-catalog.js';
import type { ColumnPlan } from './table-columns.js';

const queues = new WeakMap<TableCatalog, Map<string, Promise<unknown>>>();

/**
 * Asks `catalog` for a table's columns in the order landings started, while
 * their schemas are still being fetched concurrently. A sync starts the oldest
 * report first, so a column whose type changes keeps its plain name for the
 * older dates and the newer type goes to `{name}_v2`, however the fetches race.
 * Within one process, one table is changed by one landing at a time.
 */
export function columnsInCallOrder(
  catalog: TableCatalog,
  type: string,
  cadence: string,
  fields: Promise<readonly SchemaField[]>,
): Promise<ColumnPlan> {
  let tables = queues.get(catalog);
  if (!tables) {
    tables = new Map();
    queues.set(catalog, tables);
  }
  const key = `${type}/${cadence}`;
  const previous = tables.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(async () => catalog.columnsFor(type, cadence, await fields));
  tables.set(key, next);
  return next;
}
