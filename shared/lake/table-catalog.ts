import * as z from 'zod';
import type { SchemaField } from '../docker/payloads.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import { LAKE_TYPES } from './lake-types.js';
import { tableDefinitionKey } from './layout.js';
import { planColumns, type ColumnPlan, type TableColumn } from './table-columns.js';

/**
 * Keeps one table per report type and cadence in step with Docker's schemas.
 * The lake's own `_table.json` is one implementation (CLI, DuckDB); the Glue
 * Data Catalog is another (the deployed stack).
 */
export interface TableCatalog {
  /** Adds whatever columns `fields` need and says where each field lands. */
  columnsFor(type: string, cadence: string, fields: readonly SchemaField[]): Promise<ColumnPlan>;
}

export const tableDefinitionSchema = z.object({
  type: z.string(),
  cadence: z.string(),
  columns: z.array(z.object({ name: z.string(), type: z.enum(LAKE_TYPES) })),
  updated_at: z.string(),
});
export type TableDefinition = z.infer<typeof tableDefinitionSchema>;

/** Reads a table's columns from the lake, or none when the table is new. */
export async function readTableDefinition(sink: LakeSink, type: string, cadence: string): Promise<TableDefinition | undefined> {
  const text = await sink.read(tableDefinitionKey(type, cadence));
  return text === undefined ? undefined : tableDefinitionSchema.parse(JSON.parse(text));
}

/**
 * The table definitions kept in the lake itself, beside the query copy
 * (`query/enterprise/{type}/{cadence}/_table.json`): a read-modify-write, so
 * one process writes a lake at a time (landings call it through
 * `columnsInCallOrder`, which serializes them per table).
 */
export class LakeTableCatalog implements TableCatalog {
  constructor(
    private readonly sink: LakeSink,
    private readonly now: () => Date,
  ) {}

  async columnsFor(type: string, cadence: string, fields: readonly SchemaField[]): Promise<ColumnPlan> {
    const existing: TableColumn[] = (await readTableDefinition(this.sink, type, cadence))?.columns ?? [];
    const plan = planColumns(existing, fields);
    if (plan.added.length > 0) {
      const definition: TableDefinition = {
        type,
        cadence,
        columns: [...existing, ...plan.added],
        updated_at: this.now().toISOString(),
      };
      await this.sink.write(tableDefinitionKey(type, cadence), `${JSON.stringify(definition, null, 2)}\n`, {
        contentType: 'application/json',
      });
    }
    return plan;
  }
}
