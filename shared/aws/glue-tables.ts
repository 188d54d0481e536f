import {
  CreateTableCommand,
  GetTableCommand,
  GlueClient,
  UpdateTableCommand,
  type Table,
} from '@aws-sdk/client-glue';
import type { SchemaField } from '../docker/payloads.js';
import { DockerReportsError } from '../errors.js';
import { tableName } from '../lake/layout.js';
import type { TableCatalog } from '../lake/table-catalog.js';
import { planColumns, type ColumnPlan } from '../lake/table-columns.js';
import {
  glueColumns,
  newTableInput,
  tableColumnsOf,
  updatedTableInput,
  type TableLocation,
} from './glue-table-definition.js';

/** What the catalog did to a table, for the log. */
export interface TableChange {
  readonly table: string;
  readonly action: 'created' | 'updated';
  readonly addedColumns: readonly string[];
  readonly retyped: ColumnPlan['retyped'];
}

export interface GlueTableCatalogOptions extends TableLocation {
  readonly databaseName: string;
  /** @default a GlueClient for the function's region */
  readonly client?: GlueClient;
  /** @default the caller's account */
  readonly catalogId?: string;
  /** Tries of a read-modify-write that another writer keeps beating. @default 5 */
  readonly maxAttempts?: number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onChange?: (change: TableChange) => void;
}

/**
 * The Glue Data Catalog as the lake's {@link TableCatalog}: one table per
 * report type and cadence, created on its first landing and given new columns
 * when Docker's schema gains or retypes a field ({@link planColumns} decides;
 * columns are only ever added).
 *
 * UpdateTable replaces the whole definition, so every change is a
 * read-modify-write of what GetTable returned (SerDe and projection kept),
 * guarded by the table's VersionId; a concurrent writer (another Lambda)
 * makes it read again. Creating a table someone else just created does too.
 */
export class GlueTableCatalog implements TableCatalog {
  private readonly client: GlueClient;

  constructor(private readonly options: GlueTableCatalogOptions) {
    this.client = options.client ?? new GlueClient({});
  }

  /**
   * Landings reach this through `columnsInCallOrder`, one at a time per table
   * within a process; other processes (other Lambdas) are met by the VersionId check.
   */
  async columnsFor(type: string, cadence: string, fields: readonly SchemaField[]): Promise<ColumnPlan> {
    const name = tableName(type, cadence);
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const table = await this.getTable(name);
        return table ? await this.update(table, fields) : await this.create(type, cadence, name, fields);
      } catch (error) {
        const raced = isNamed(error, 'ConcurrentModificationException') || isNamed(error, 'AlreadyExistsException');
        if (!raced) throw this.explain(name, error);
        if (attempt >= attempts) {
          throw new DockerReportsError(
            `Glue table ${this.options.databaseName}.${name} kept changing while it was being updated (${attempts} tries); ` +
              'the next sync tries again.',
            { cause: error },
          );
        }
        await (this.options.sleep ?? defaultSleep)(50 * 2 ** attempt + Math.floor(Math.random() * 50));
      }
    }
  }

  private async create(type: string, cadence: string, name: string, fields: readonly SchemaField[]): Promise<ColumnPlan> {
    const plan = planColumns([], fields);
    const input = newTableInput(type, cadence, glueColumns(plan.added, plan, fields), this.options);
    await this.client.send(
      new CreateTableCommand({ CatalogId: this.options.catalogId, DatabaseName: this.options.databaseName, TableInput: input }),
    );
    this.options.onChange?.({ table: name, action: 'created', addedColumns: plan.added.map((c) => c.name), retyped: plan.retyped });
    return plan;
  }

  private async update(table: Table, fields: readonly SchemaField[]): Promise<ColumnPlan> {
    const plan = planColumns(tableColumnsOf(table), fields);
    const input = updatedTableInput(table, glueColumns(plan.added, plan, fields), this.options);
    if (!input) return plan;
    await this.client.send(
      new UpdateTableCommand({
        CatalogId: this.options.catalogId,
        DatabaseName: this.options.databaseName,
        TableInput: input,
        // Glue refuses the write if the table changed since it was read.
        VersionId: table.VersionId,
      }),
    );
    this.options.onChange?.({
      table: table.Name ?? '',
      action: 'updated',
      addedColumns: plan.added.map((c) => c.name),
      retyped: plan.retyped,
    });
    return plan;
  }

  private async getTable(name: string): Promise<Table | undefined> {
    try {
      const answer = await this.client.send(
        new GetTableCommand({ CatalogId: this.options.catalogId, DatabaseName: this.options.databaseName, Name: name }),
      );
      return answer.Table;
    } catch (error) {
      // A missing database surfaces on CreateTable, with its own message.
      if (isNamed(error, 'EntityNotFoundException')) return undefined;
      throw error;
    }
  }

  private explain(name: string, error: unknown): unknown {
    if (isNamed(error, 'EntityNotFoundException')) {
      return new DockerReportsError(
        `Glue database ${this.options.databaseName} does not exist (${(error as Error).message}); redeploy the stack, which creates it.`,
        { cause: error },
      );
    }
    if (isNamed(error, 'AccessDeniedException')) {
      return new DockerReportsError(
        `Glue refused to change table ${this.options.databaseName}.${name} (access denied): redeploy the stack.`,
        { cause: error },
      );
    }
    return error;
  }
}

/** By name rather than class: a bundle may hold more than one copy of the SDK's error classes. */
function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
