import {
  DuckDBInstance,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  type DuckDBConnection,
  type DuckDBDecimalValue,
  type DuckDBExtractedStatements,
  type DuckDBIntervalValue,
  type DuckDBResultReader,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';
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
  /** Each value as DuckDB writes it (BIGINT and DECIMAL as their digits, `2026-06-16`): for tables and CSV. */
  readonly rows: Json[][];
  /**
   * Each value typed for JSON: integers and decimals as numbers while a
   * number holds them exactly (as their digits beyond), dates and timestamps
   * in ISO 8601.
   */
  jsonRows(): Json[][];
}

/** One statement's result, with its place among the statements of the SQL. */
export interface StatementResult {
  /** 1-based. */
  readonly statement: number;
  readonly statements: number;
  readonly result: QueryResult;
}

export interface LakeView {
  readonly name: string;
  readonly columns: number;
}

/** A dataset whose query copies exist but could not be read: it has no view, and the reason is told. */
export interface UnreadableDataset {
  readonly name: string;
  readonly reason: string;
}

/**
 * The lake's query copies as DuckDB views, one per dataset, named and shaped
 * like the Athena tables (`usage_pulls_daily`: the table's columns plus `org`
 * and `report_date`), so the same SQL runs in both. A dataset with no landed
 * period yet has no view (it is listed in `empty`), nor one whose copies
 * cannot be read (`unreadable`): one such dataset must not fail every query.
 */
export class LocalLake {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly instance: DuckDBInstance,
    readonly views: LakeView[],
    readonly empty: string[],
    readonly unreadable: UnreadableDataset[],
  ) {}

  static async open(lakeDir: string): Promise<LocalLake> {
    const root = resolve(lakeDir);
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) throw new ConfigError(`--lake ${lakeDir}: no such folder. Run docker-reports sync --dest ${lakeDir} first.`);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // DuckDB 1.5 fails ('INTERNAL Error: Attempted to access index N within vector of size N') answering a count(*)
    // from Parquet statistics under a filter on org or namespace (read from each file's name) when the table has a
    // single query copy, as a monthly table after its first month. Without that shortcut it counts the rows.
    await connection.run("SET disabled_optimizers = 'statistics_propagation'");
    const views: LakeView[] = [];
    const empty: string[] = [];
    const unreadable: UnreadableDataset[] = [];
    for (const table of await lakeTables(new FsSink(root))) {
      const name = tableName(datasetOfTable(table));
      const glob = join(root, ...queryTableFolder(datasetOfTable(table)).split('/'), '*', '*', `*${QUERY_FORMAT.extension}`);
      const present = await columnsIn(connection, glob);
      if (present === 'none') {
        empty.push(name);
        continue;
      }
      if (typeof present === 'string') {
        unreadable.push({ name, reason: present });
        continue;
      }
      await connection.run(viewSql(name, glob, table, present));
      views.push({ name, columns: table.columns.length + 2 });
    }
    return new LocalLake(connection, instance, views, empty, unreadable);
  }

  /**
   * Runs every statement of `sql` in order, each result handed over as soon
   * as its statement has run (so a later statement may use what an earlier
   * one created, and a failing one still leaves the earlier results shown).
   * @throws ConfigError when `sql` holds no statement (only comments or `;`)
   * @throws Error naming the statement ("statement 2 of 3: ...") when one fails
   */
  async *statements(sql: string): AsyncGenerator<StatementResult> {
    const extracted = await this.extract(sql);
    const statements = extracted.count;
    for (let index = 0; index < statements; index += 1) {
      const where = statements > 1 ? `statement ${index + 1} of ${statements}: ` : '';
      let reader: DuckDBResultReader;
      try {
        // Prepared one at a time, not all first: a statement may name a table an earlier one creates.
        const prepared = await extracted.prepare(index);
        try {
          reader = await prepared.runAndReadAll();
        } finally {
          prepared.destroySync();
        }
      } catch (error) {
        throw new Error(`${where}${messageOf(error)}`, { cause: error });
      }
      yield { statement: index + 1, statements, result: resultOf(reader) };
    }
  }

  /** Runs every statement of `sql` in order; the last one's result. */
  async query(sql: string): Promise<QueryResult> {
    let last: QueryResult | undefined;
    for await (const { result } of this.statements(sql)) last = result;
    return last!;
  }

  /**
   * Runs one fixed statement with its `?` placeholders bound to `params`, so
   * values from a request (a filter's org, dates) are data, never SQL.
   */
  async select(sql: string, params: readonly string[] = []): Promise<QueryResult> {
    const prepared = await this.connection.prepare(sql);
    try {
      if (params.length > 0) prepared.bind([...params]);
      return resultOf(await prepared.runAndReadAll());
    } finally {
      prepared.destroySync();
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /**
   * DuckDB's statements of `sql`. DuckDB reports SQL with no statement (only
   * comments or semicolons) as a failure without a message, so its parser is
   * asked again, without running anything, to tell that apart from a syntax
   * error.
   */
  private async extract(sql: string): Promise<DuckDBExtractedStatements> {
    try {
      return await this.connection.extractStatements(sql);
    } catch (error) {
      if (await this.holdsNoStatement(sql)) throw new ConfigError('the SQL holds no statement, only comments or semicolons.');
      throw new Error(messageOf(error).replace(/^Failed to extract statements: /, ''), { cause: error });
    }
  }

  private async holdsNoStatement(sql: string): Promise<boolean> {
    try {
      const reader = await this.connection.runAndReadAll(`SELECT json_serialize_sql(${literal(sql)}) AS parsed`);
      const parsed = JSON.parse(String(reader.getRowsJson()[0]?.[0])) as { error?: boolean; statements?: unknown[] };
      return parsed.error === false && parsed.statements?.length === 0;
    } catch {
      return false;
    }
  }
}

function resultOf(reader: DuckDBResultReader): QueryResult {
  return { columns: reader.columnNames(), rows: reader.getRowsJson(), jsonRows: () => reader.convertRows(jsonValue) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Integers past this lose digits as a JavaScript (and most JSON readers') number. */
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * DuckDB's JSON conversion, but for what it writes as strings to be safe:
 * integers and decimals are numbers when a number holds them exactly (big
 * ones stay their digits, so nothing is silently rounded), and timestamps
 * ISO 8601 in UTC (the lake keeps every timestamp in UTC), which any JSON
 * reader parses. Nested values (lists, structs) go through the same rules.
 */
const jsonValue: DuckDBValueConverter<Json> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return exactInteger(value as bigint);
    case DuckDBTypeId.DECIMAL:
      return exactDecimal(value as DuckDBDecimalValue);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return isoTimestamp((value as { micros: bigint }).micros, 1_000_000n, String(value));
    case DuckDBTypeId.TIMESTAMP_S:
      return isoTimestamp((value as { seconds: bigint }).seconds, 1n, String(value));
    case DuckDBTypeId.TIMESTAMP_MS:
      return isoTimestamp((value as { millis: bigint }).millis, 1_000n, String(value));
    case DuckDBTypeId.TIMESTAMP_NS:
      return isoTimestamp((value as { nanos: bigint }).nanos, 1_000_000_000n, String(value));
    case DuckDBTypeId.INTERVAL: {
      const interval = value as DuckDBIntervalValue;
      return { months: interval.months, days: interval.days, micros: exactInteger(interval.micros) };
    }
    default:
      return JsonDuckDBValueConverter(value, type, converter);
  }
};

function exactInteger(value: bigint): number | string {
  return value >= -SAFE && value <= SAFE ? Number(value) : value.toString();
}

function exactDecimal(value: DuckDBDecimalValue): number | string {
  const digits = value.toString();
  const number = Number(digits);
  if (Math.abs(number) > Number.MAX_SAFE_INTEGER) return digits;
  // Exact when JSON writes the number with the decimal's own digits (`1.50` as 1.5): up to 15 significant
  // digits always are; beyond, only some, and the others stay their digits rather than be rounded.
  const plain = digits.includes('.') ? digits.replace(/\.?0+$/, '') : digits;
  const significant = plain.replace(/^-?[0.]*/, '').replace('.', '').length;
  return significant <= 15 || String(number) === plain ? number : digits;
}

/**
 * `2026-06-16T10:11:12Z`, with as many fraction digits as the value needs (3,
 * 6 or 9); DuckDB's own text for what a JavaScript date cannot hold (±infinity,
 * years past 275 760).
 */
function isoTimestamp(count: bigint, perSecond: bigint, text: string): string {
  let seconds = count / perSecond;
  let fraction = count % perSecond;
  if (fraction < 0n) {
    seconds -= 1n;
    fraction += perSecond;
  }
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return text;
  const width = String(perSecond).length - 1;
  const significant = fraction.toString().padStart(width, '0').replace(/0+$/, '');
  const digits = significant.length === 0 ? '' : `.${significant.padEnd(Math.ceil(significant.length / 3) * 3, '0')}`;
  return date.toISOString().replace(/\.\d{3}Z$/, `${digits}Z`);
}

/**
 * The columns the query objects under `glob` have: 'none' when there is no
 * object (a table whose first landing failed), or why they cannot be read.
 */
async function columnsIn(connection: DuckDBConnection, glob: string): Promise<Set<string> | 'none' | string> {
  try {
    const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${QUERY_FORMAT.duckdbReader(glob)}`);
    return new Set(reader.getRowObjectsJson().map((row) => String(row.column_name)));
  } catch (error) {
    if (error instanceof Error && /No files found/i.test(error.message)) return 'none';
    return messageOf(error).split('\n')[0]!;
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
