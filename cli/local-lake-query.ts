import { DuckDBInstance, type DuckDBConnection, type Json } from '@duckdb/node-api';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../shared/errors.js';
import { DUCKDB_TYPES } from '../shared/lake/lake-types.js';
import { queryTableFolder } from '../shared/lake/layout.js';
import { datasetOfTable, lakeTables, type TableDefinition } from '../shared/lake/table-catalog.js';
import { identifier, LAKE_FILE_COLUMN, literal, QUERY_FORMAT } from '../shared/query/index.js';
import { FsSink } from '../shared/sinks/fs-sink.js';
import { specOf, tableName } from '../shared/sources/index.js';

export interface QueryResult {
  readonly columns: string[];
  readonly rows: Json[][];
}

export interface LakeView {
  readonly name: string;
  readonly columns: number;
}

/**
 * The lake's query copies as DuckDB views, one per dataset, named and shaped
 * like the Athena tables (`usage_pulls_daily`: the table's columns plus `org`
 * and `report_date`), so the same SQL runs in both. A dataset with no landed
 * period yet has no view (it is listed in `empty`).
 */
export class LocalLake {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly instance: DuckDBInstance,
    readonly views: LakeView[],
    readonly empty: string[],
  ) {}

  static async open(lakeDir: string): Promise<LocalLake> {
    const root = resolve(lakeDir);
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) throw new ConfigError(`--lake ${lakeDir}: no such folder. Run docker-reports sync --dest ${lakeDir} first.`);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const views: LakeView[] = [];
    const empty: string[] = [];
    for (const table of await lakeTables(new FsSink(root))) {
      const name = tableName(datasetOfTable(table));
      const glob = join(root, ...queryTableFolder(datasetOfTable(table)).split('/'), '*', '*', `*${QUERY_FORMAT.extension}`);
      const present = await columnsIn(connection, glob);
      if (!present) {
        empty.push(name);
        continue;
      }
      await connection.run(viewSql(name, glob, table, present));
      views.push({ name, columns: table.columns.length + 2 });
    }
    return new LocalLake(connection, instance, views, empty);
  }

  async query(sql: string): Promise<QueryResult> {
    const reader = await this.connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowsJson() };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** The columns the query objects under `glob` have, or undefined when there is none. */
async function columnsIn(connection: DuckDBConnection, glob: string): Promise<Set<string> | undefined> {
  try {
    const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${QUERY_FORMAT.duckdbReader(glob)}`);
    return new Set(reader.getRowObjectsJson().map((row) => String(row.column_name)));
  } catch (error) {
    if (error instanceof Error && /No files found/i.test(error.message)) return undefined;
    throw error;
  }
}

/**
 * The table's columns (NULL where no landed period has one yet), then the
 * partition columns, read from each file's path as Athena reads them.
 */
function viewSql(name: string, glob: string, table: TableDefinition, present: ReadonlySet<string>): string {
  const spec = specOf(table.source);
  const columns = table.columns.map((column) =>
    present.has(column.name)
      ? `CAST(${identifier(column.name)} AS ${DUCKDB_TYPES[column.type]}) AS ${identifier(column.name)}`
      : `CAST(NULL AS ${DUCKDB_TYPES[column.type]}) AS ${identifier(column.name)}`,
  );
  const file = identifier(LAKE_FILE_COLUMN);
  const scope = `regexp_extract(${file}, ${literal(`[\\\\/]${spec.scopeKey}=([^\\\\/]+)[\\\\/]`)}, 1) AS ${identifier(spec.scopeKey)}`;
  const period = `CAST(regexp_extract(${file}, ${literal(`[\\\\/]${spec.periodKey}=([0-9-]+)[\\\\/]`)}, 1) AS DATE) AS ${identifier(spec.periodColumn)}`;
  return `CREATE OR REPLACE VIEW ${identifier(name)} AS SELECT ${[...columns, scope, period].join(', ')} FROM ${QUERY_FORMAT.duckdbReader(glob)}`;
}
