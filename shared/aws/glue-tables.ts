import { CreateTableCommand, GetTableCommand, GlueClient, UpdateTableCommand, type Table } from '@aws-sdk/client-glue';
import { DockerReportsError } from '../errors.js';
import { datasetOfTable, type TableDefinition } from '../lake/table-catalog.js';
import type { TableColumn } from '../lake/table-columns.js';
import { tableName, type DatasetRef } from '../sources/index.js';
import { newTableInput, tableColumnsOf, updatedTableInput, type TableLocation } from './glue-table-definition.js';

/** What bringing a table in step did, for the log. */
export interface TableChange {
  readonly table: string;
  readonly action: 'created' | 'updated';
  readonly addedColumns: readonly string[];
  readonly switchedFormat: boolean;
  readonly addedScopes: readonly string[];
  /** Columns whose comment now says they are pseudonymised, or no longer does; absent when none. */
  readonly recommentedColumns?: readonly string[];
}

export interface GlueTablesOptions extends TableLocation {
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
 * The Glue Data Catalog as a mirror of the lake's own table records
 * (`_table.json`): one table per dataset, created when the lake first has it,
 * given the columns the lake's record gained, switched to the query format
 * if it was made for another, and told of every configured scope.
 *
 * UpdateTable replaces the whole definition, so every change is a
 * read-modify-write of what GetTable returned (projection and other
 * parameters kept), guarded by the table's VersionId; a concurrent writer
 * (another Lambda) makes it read again. Creating a table someone else just
 * created does too.
 */
export class GlueTables {
  private readonly client: GlueClient;

  constructor(private readonly options: GlueTablesOptions) {
    this.client = options.client ?? new GlueClient({});
  }

  /** A table's columns as Glue has them, or undefined when there is no table. */
  async columnsOf(dataset: DatasetRef): Promise<TableColumn[] | undefined> {
    const table = await this.getTable(tableName(dataset));
    return table ? tableColumnsOf(table) : undefined;
  }

  /** Makes the table of `definition` exist with all its columns; says what it changed, if anything. */
  async ensure(definition: TableDefinition): Promise<TableChange | undefined> {
    const name = tableName(datasetOfTable(definition));
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const table = await this.getTable(name);
        const change = table ? await this.update(table, definition) : await this.create(name, definition);
        if (change) this.options.onChange?.(change);
        return change;
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

  private async create(name: string, definition: TableDefinition): Promise<TableChange> {
    const input = newTableInput(definition, this.options);
    await this.client.send(
      new CreateTableCommand({ CatalogId: this.options.catalogId, DatabaseName: this.options.databaseName, TableInput: input }),
    );
    return { table: name, action: 'created', addedColumns: definition.columns.map((c) => c.name), switchedFormat: false, addedScopes: [] };
  }

  private async update(table: Table, definition: TableDefinition): Promise<TableChange | undefined> {
    const update = updatedTableInput(table, definition, this.options);
    if (!update) return undefined;
    await this.client.send(
      new UpdateTableCommand({
        CatalogId: this.options.catalogId,
        DatabaseName: this.options.databaseName,
        TableInput: update.input,
        // Glue refuses the write if the table changed since it was read.
        VersionId: table.VersionId,
      }),
    );
    const { addedColumns, switchedFormat, addedScopes, recommentedColumns } = update;
    return {
      table: table.Name ?? '',
      action: 'updated',
      addedColumns,
      switchedFormat,
      addedScopes,
      ...(recommentedColumns.length > 0 ? { recommentedColumns } : {}),
    };
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
