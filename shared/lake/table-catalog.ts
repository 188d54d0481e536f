import * as z from 'zod';
import type { DatasetRef } from '../sources/model.js';
import { SOURCE_IDS } from '../sources/model.js';
import type { SourceField } from '../sources/source.js';
import { partitionColumns } from '../sources/source-specs.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import { LAKE_TYPES } from './lake-types.js';
import { parseTableDefinitionKey, querySourceFolder, tableDefinitionKey } from './layout.js';
import { planColumns, type ColumnPlan, type TableColumn } from './table-columns.js';

/**
 * Keeps one table per dataset in step with its periods' columns. The lake's
 * own `_table.json` is the record (the CLI, DuckDB, and the stack, which
 * mirrors it into Glue).
 */
export interface TableCatalog {
  /** Adds whatever columns `fields` need and says where each field lands. */
  columnsFor(dataset: DatasetRef, fields: readonly SourceField[]): Promise<ColumnPlan>;
}

const columnsSchema = z.array(z.object({ name: z.string(), type: z.enum(LAKE_TYPES), description: z.string().optional() }));

export const tableDefinitionSchema = z.union([
  z.object({
    source: z.enum(SOURCE_IDS),
    dataset: z.string(),
    cadence: z.string(),
    columns: columnsSchema,
    updated_at: z.string(),
  }),
  // The first lakes (tool 0.1.0): Enterprise only, the dataset called `type`.
  z
    .object({ type: z.string(), cadence: z.string(), columns: columnsSchema, updated_at: z.string() })
    .transform(({ type, ...rest }) => ({ source: 'enterprise' as const, dataset: type, ...rest })),
]);
export type TableDefinition = z.infer<typeof tableDefinitionSchema>;

export function datasetOfTable(table: TableDefinition): DatasetRef {
  return { source: table.source, name: table.dataset, cadence: table.cadence };
}

/** Reads a table's columns from the lake, or none when the table is new. */
export async function readTableDefinition(sink: LakeSink, dataset: DatasetRef): Promise<TableDefinition | undefined> {
  const text = await sink.read(tableDefinitionKey(dataset));
  return text === undefined ? undefined : tableDefinitionSchema.parse(JSON.parse(text));
}

/** Every table the lake records (`query/{source}/{name}/{cadence}/_table.json`), found folder by folder. */
export async function lakeTables(sink: LakeSink): Promise<TableDefinition[]> {
  const found: TableDefinition[] = [];
  for (const source of SOURCE_IDS) {
    const root = querySourceFolder(source);
    for (const name of await sink.folders(root)) {
      for (const cadence of await sink.folders(`${root}${name}/`)) {
        const dataset = parseTableDefinitionKey(`${root}${name}/${cadence}/_table.json`);
        const table = dataset && (await readTableDefinition(sink, dataset));
        if (table) found.push(table);
      }
    }
  }
  return found;
}

export interface LakeTableCatalogOptions {
  /** The columns of a table the lake has no `_table.json` for yet (a stack's Glue table from before). */
  readonly seed?: (dataset: DatasetRef) => Promise<readonly TableColumn[] | undefined>;
  /** Told of a table's definition when this catalog first sees it and each time it changes (the stack: Glue). */
  readonly onTable?: (table: TableDefinition) => Promise<void>;
}

/**
 * The table definitions kept in the lake itself, beside the query copies
 * (`query/{source}/{name}/{cadence}/_table.json`): a read-modify-write, so
 * landings call it through `columnsInCallOrder`, which serializes them per table.
 */
export class LakeTableCatalog implements TableCatalog {
  private readonly seen = new Set<string>();

  constructor(
    private readonly sink: LakeSink,
    private readonly now: () => Date,
    private readonly options: LakeTableCatalogOptions = {},
  ) {}

  /**
   * Writes a table's record again, unchanged but for its time, when it was
   * last written more than `maxAgeMs` ago: an expiry rule on the lake (the
   * stack's `reportDays`) counts from the last write, and must never take a
   * table's record while its data stays.
   * @returns whether it was written
   */
  async refresh(table: TableDefinition, maxAgeMs: number): Promise<boolean> {
    const written = Date.parse(table.updated_at);
    if (Number.isFinite(written) && this.now().getTime() - written <= maxAgeMs) return false;
    await this.write({ ...table, updated_at: this.now().toISOString() });
    return true;
  }

  async columnsFor(dataset: DatasetRef, fields: readonly SourceField[]): Promise<ColumnPlan> {
    const recorded = await readTableDefinition(this.sink, dataset);
    const existing = recorded?.columns ?? (await this.options.seed?.(dataset)) ?? [];
    const plan = planColumns(existing, fields, partitionColumns(dataset.source));
    let table = recorded;
    if (!recorded || plan.added.length > 0) {
      table = {
        source: dataset.source,
        dataset: dataset.name,
        cadence: dataset.cadence,
        columns: [...existing, ...plan.added],
        updated_at: this.now().toISOString(),
      };
      await this.write(table);
    }
    const key = tableDefinitionKey(dataset);
    if (this.options.onTable && (!this.seen.has(key) || table !== recorded)) {
      await this.options.onTable(table!);
      this.seen.add(key);
    }
    return plan;
  }

  private async write(table: TableDefinition): Promise<void> {
    await this.sink.write(tableDefinitionKey(datasetOfTable(table)), `${JSON.stringify(table, null, 2)}\n`, { contentType: 'application/json' });
  }
}
