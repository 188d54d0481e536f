import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { datasetOfTable, lakeTables } from '../../shared/lake/table-catalog.js';
import { FsSink } from '../../shared/sinks/fs-sink.js';
import { tableName } from '../../shared/sources/index.js';
import { identifier } from '../../shared/query/index.js';
import { LocalLake } from '../local-lake-query.js';
import { chartCatalog, sqlWithValues, type ChartCatalog, type DashboardTable } from './chart-catalog.js';
import type { ChartData, DashboardFilters, DashboardMeta, JsonValue } from './wire-types.js';

export type { ChartData, ChartInfo, DashboardMeta } from './wire-types.js';

/**
 * The orgs and namespaces a dashboard shows, as `serve --org/--namespace`
 * names the scopes its API serves: undefined shows every one the lake holds,
 * an empty list none of that source.
 */
export interface DashboardScopes {
  readonly orgs?: readonly string[];
  readonly namespaces?: readonly string[];
}

/** The schema that holds the charted columns; `USE`d, so the charts' SQL names the tables as Athena does. */
const SNAPSHOT_SCHEMA = 'dashboard';
/** A lake is looked at again for changes at most this often: a page's burst of requests shares one look. */
const FRESHNESS_MS = 1_000;

interface Snapshot {
  readonly fingerprint: string;
  readonly lake: LocalLake;
  readonly catalog: ChartCatalog;
  readonly meta: Omit<DashboardMeta, 'showUsers'>;
  /** Answers already given from this copy, by chart and filters: the same question is not asked of DuckDB twice. */
  readonly answers: Map<string, Promise<ChartData>>;
}

/** Answers kept per copy of the lake; the oldest go first. */
const MAX_ANSWERS = 500;

/**
 * The dashboard's data: DuckDB over the lake's query copies, each chart one
 * fixed statement with its filter values bound. Reading hundreds of Parquet
 * objects per chart takes longer than a page can wait (each query opens every
 * file), so the columns the charts read are copied into DuckDB tables of the
 * same names once, and again only when the lake's query copies change.
 */
export class DashboardData {
  private snapshot: Promise<Snapshot> | undefined;
  private checked = 0;
  /** One DuckDB connection: its statements one at a time. */
  private readonly serial = pLimit(1);

  constructor(
    private readonly lakeDir: string,
    private readonly options: { readonly showUsers: boolean; readonly scopes?: DashboardScopes },
  ) {}

  async meta(): Promise<DashboardMeta> {
    const { meta } = await this.current();
    return { ...meta, showUsers: this.options.showUsers };
  }

  /** The chart's data under `filters`; undefined when the lake has no such chart. */
  async chart(id: string, filters: DashboardFilters): Promise<ChartData | undefined> {
    return answer(await this.current(), id, filters, this.serial);
  }

  /** Every chart's data under `filters`, in the catalog's order (for a report file). */
  async charts(filters: DashboardFilters): Promise<ChartData[]> {
    const { catalog } = await this.current();
    const out: ChartData[] = [];
    for (const chart of catalog.charts) out.push((await this.chart(chart.id, filters))!);
    return out;
  }

  async close(): Promise<void> {
    const snapshot = await this.snapshot?.catch(() => undefined);
    await this.serial(() => snapshot?.lake.close());
  }

  private async current(): Promise<Snapshot> {
    const now = Date.now();
    if (this.snapshot && now - this.checked < FRESHNESS_MS) return this.snapshot;
    this.checked = now;
    const fingerprint = await lakeFingerprint(this.lakeDir);
    const previous = this.snapshot;
    const held = await previous?.catch(() => undefined);
    if (previous && held?.fingerprint === fingerprint) return previous;
    // The unfiltered view, what `/` opens with, is answered as part of the load.
    this.snapshot = load(this.lakeDir, fingerprint, this.options).then(async (snapshot) => {
      await Promise.all(snapshot.catalog.charts.map((chart) => answer(snapshot, chart.id, {}, this.serial)));
      return snapshot;
    });
    // The old copy closes after the statements queued on it have run.
    if (held) void this.serial(() => held.lake.close());
    // A failed load is tried again on the next request, not kept.
    this.snapshot.catch(() => {
      this.checked = 0;
    });
    return this.snapshot;
  }
}

/** A chart's data from a copy of the lake: its fixed statement, the filters bound; undefined for a chart the copy has not. */
function answer(snapshot: Snapshot, id: string, filters: DashboardFilters, serial: <T>(run: () => Promise<T>) => Promise<T>): Promise<ChartData> | undefined {
  const definition = snapshot.catalog.charts.find((chart) => chart.id === id);
  if (!definition) return undefined;
  const key = `${id}\n${JSON.stringify(Object.entries(filters).sort())}`;
  const known = snapshot.answers.get(key);
  if (known) return known;
  const query = definition.query(filters);
  const pending = serial(() => snapshot.lake.select(query.sql, query.params)).then((result) => ({
    id,
    sql: sqlWithValues(query),
    columns: result.columns,
    rows: result.jsonRows() as JsonValue[][],
  }));
  snapshot.answers.set(key, pending);
  pending.catch(() => snapshot.answers.delete(key));
  if (snapshot.answers.size > MAX_ANSWERS) snapshot.answers.delete(snapshot.answers.keys().next().value!);
  return pending;
}

/**
 * What changes when a period lands or is landed again: every query object's
 * key, size and modification time, and the table definitions.
 */
async function lakeFingerprint(lakeDir: string): Promise<string> {
  const root = join(resolve(lakeDir), 'query');
  const names = await readdir(root, { recursive: true }).catch(() => [] as string[]);
  const files = names.filter((name) => name.endsWith('.parquet') || name.endsWith('_table.json')).sort();
  const stats = await Promise.all(files.map((name) => stat(join(root, name)).catch(() => undefined)));
  return files.map((name, index) => `${name}:${stats[index]?.size ?? '-'}:${stats[index]?.mtimeMs ?? '-'}`).join('\n');
}

async function load(lakeDir: string, fingerprint: string, options: { readonly showUsers: boolean; readonly scopes?: DashboardScopes }): Promise<Snapshot> {
  const definitions = await lakeTables(new FsSink(lakeDir));
  const lake = await LocalLake.open(lakeDir);
  try {
    const viewed = new Set(lake.views.map((view) => view.name));
    const allowed = { enterprise: options.scopes?.orgs, dvp: options.scopes?.namespaces };
    const tables: DashboardTable[] = definitions
      .map((definition) => ({ definition, name: tableName(datasetOfTable(definition)) }))
      // A source none of whose scopes is shown has no charts, and no "left out" notes either: nothing of it is missing.
      .filter(({ definition, name }) => viewed.has(name) && allowed[definition.source]?.length !== 0)
      .map(({ definition, name }) => ({
        name,
        source: definition.source,
        // DVP cadences are timespans (`weeks`); the table's name says weekly or monthly.
        cadence: definition.source === 'dvp' ? (name.endsWith('_monthly') ? 'monthly' : 'weekly') : definition.cadence,
        columns: definition.columns,
      }));
    const formed = chartCatalog(tables, { showUsers: options.showUsers });
    const catalog: ChartCatalog = { ...formed, leftOut: formed.leftOut.filter((chart) => allowed[chart.source]?.length !== 0) };
    await lake.query(`CREATE SCHEMA ${SNAPSHOT_SCHEMA}`);
    for (const [table, columns] of catalog.reads) {
      const list = [...columns].map(identifier).join(', ');
      const source = tables.find((candidate) => candidate.name === table)!.source;
      const scopes = allowed[source];
      // Rows of a scope not shown are never copied: no filter, meta list or repository suggestion can reach them.
      const only = scopes === undefined ? '' : ` WHERE ${source === 'enterprise' ? 'org' : 'namespace'} IN (${scopes.map(() => '?').join(', ')})`;
      await lake.select(`CREATE TABLE ${SNAPSHOT_SCHEMA}.${identifier(table)} AS SELECT ${list} FROM main.${identifier(table)}${only}`, scopes ?? []);
    }
    await lake.query(`USE ${SNAPSHOT_SCHEMA}`);
    return { fingerprint, lake, catalog, meta: await metaOf(lake, catalog), answers: new Map() };
  } catch (error) {
    lake.close();
    throw error;
  }
}

async function metaOf(lake: LocalLake, catalog: ChartCatalog): Promise<Omit<DashboardMeta, 'showUsers'>> {
  const values = async (sql: string) => (await lake.select(sql)).jsonRows().map((row) => String(row[0]));
  const tablesOf = (source: 'enterprise' | 'dvp') => [...new Set(catalog.charts.filter((chart) => chart.source === source).map((chart) => chart.table))];
  const union = (tables: string[], select: (table: string) => string) => tables.map(select).join('\nUNION\n');
  const enterprise = tablesOf('enterprise');
  const dvp = tablesOf('dvp');
  const orgs = enterprise.length === 0 ? [] : await values(`SELECT org FROM (${union(enterprise, (t) => `SELECT DISTINCT org FROM ${identifier(t)}`)}) ORDER BY org`);
  const namespaces = dvp.length === 0 ? [] : await values(`SELECT namespace FROM (${union(dvp, (t) => `SELECT DISTINCT namespace FROM ${identifier(t)}`)}) ORDER BY namespace`);
  // The repositories of the busiest chart of repositories: what the filter most likely wants.
  const top = catalog.charts.find((chart) => chart.id === 'top-repositories') ?? catalog.charts.find((chart) => chart.id === 'dvp-top-repositories');
  const repository = top?.encoding.label?.[0];
  const repositories =
    top && repository
      ? await values(`SELECT ${identifier(repository)} FROM ${identifier(top.table)} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 500`)
      : [];
  const periods = [...enterprise.map((t) => ({ t, c: 'report_date' })), ...dvp.map((t) => ({ t, c: 'period_start' }))];
  let dates: DashboardMeta['dates'] = { first: null, last: null };
  if (periods.length > 0) {
    const row = (await lake.select(`SELECT min(d), max(d) FROM (${periods.map(({ t, c }) => `SELECT ${c} AS d FROM ${identifier(t)}`).join('\nUNION ALL\n')})`)).jsonRows()[0]!;
    dates = { first: row[0] === null ? null : String(row[0]), last: row[1] === null ? null : String(row[1]) };
  }
  return { charts: catalog.charts.map(({ query: _query, ...info }) => info), leftOut: catalog.leftOut, orgs, namespaces, repositories: repositories.filter((name) => name !== 'null'), dates };
}
