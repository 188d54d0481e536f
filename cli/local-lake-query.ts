import { DuckDBInstance, type DuckDBConnection, type Json } from '@duckdb/node-api';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../shared/errors.js';
import { DUCKDB_TYPES } from '../shared/lake/lake-types.js';
import { QUERY_ROOT, TABLE_FILE, tableName } from '../shared/lake/layout.js';
import { tableDefinitionSchema, type TableDefinition } from '../shared/lake/table-catalog.js';

export interface QueryResult {
  readonly columns: string[];
  readonly rows: Json[][];
}

export interface LakeView {
  readonly name: string;
  readonly columns: number;
}

/**
 * The lake's query copy as DuckDB views, one per report type and cadence,
 * named and shaped like the Athena tables (`{type}_{cadence}`, the report's
 * columns plus `org` and `report_date`), so the same SQL runs in both.
 */
export class LocalLake {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly instance: DuckDBInstance,
    readonly views: LakeView[],
  ) {}

  static async open(lakeDir: string): Promise<LocalLake> {
    const root = resolve(lakeDir);
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) throw new ConfigError(`--lake ${lakeDir}: no such folder. Run docker-reports sync --dest ${lakeDir} first.`);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const views: LakeView[] = [];
    for (const table of await findTables(root)) {
      const name = tableName(table.type, table.cadence);
      await connection.run(viewSql(name, root, table));
      views.push({ name, columns: table.columns.length + 2 });
    }
    return new LocalLake(connection, instance, views);
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

async function findTables(root: string): Promise<TableDefinition[]> {
  const base = join(root, ...QUERY_ROOT.split('/'));
  const found: TableDefinition[] = [];
  for (const type of await subfolders(base)) {
    for (const cadence of await subfolders(join(base, type))) {
      const folder = join(base, type, cadence);
      const text = await readFile(join(folder, TABLE_FILE), 'utf8').catch(() => undefined);
      // A table with no landed data yet has nothing DuckDB could read.
      if (text === undefined || (await subfolders(folder)).length === 0) continue;
      found.push(tableDefinitionSchema.parse(JSON.parse(text)));
    }
  }
  return found;
}

async function subfolders(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

function viewSql(name: string, root: string, table: TableDefinition): string {
  const glob = join(root, ...QUERY_ROOT.split('/'), table.type, table.cadence, 'org=*', 'date=*', '*.json.gz');
  const columns = table.columns.map((column) => `${literal(column.name)}: ${literal(DUCKDB_TYPES[column.type])}`).join(', ');
  return `CREATE OR REPLACE VIEW ${identifier(name)} AS
SELECT * EXCLUDE ("date"), CAST("date" AS DATE) AS report_date
FROM read_json(${literal(glob)}, format = 'newline_delimited', hive_partitioning = true,
  hive_types = {'org': 'VARCHAR', 'date': 'DATE'}, columns = {${columns}})`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function identifier(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}
