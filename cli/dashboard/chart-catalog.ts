import { pullColumns } from '../../shared/lake/day-one-queries.js';
import type { TableColumn } from '../../shared/lake/table-columns.js';
import type { ChartInfo, DashboardFilters, LeftOutChart } from './wire-types.js';

export type { ChartEncoding, ChartInfo, ChartKind, LeftOutChart } from './wire-types.js';

/** A table of the lake as the dashboard sees it: its view's name and the columns its catalog records. */
export interface DashboardTable {
  readonly name: string;
  readonly source: 'enterprise' | 'dvp';
  readonly cadence: string;
  readonly columns: readonly TableColumn[];
}

/** One statement and the values bound to its `?` placeholders, in order. */
export interface ChartQuery {
  readonly sql: string;
  readonly params: readonly string[];
}

export interface ChartDefinition extends ChartInfo {
  query(filters: DashboardFilters): ChartQuery;
}

export interface ChartCatalog {
  readonly charts: ChartDefinition[];
  readonly leftOut: LeftOutChart[];
  /** Each table the charts read, with the columns they read of it. */
  readonly reads: ReadonlyMap<string, ReadonlySet<string>>;
}

// Docker has not confirmed every column name (see day-one-queries.ts), so each role is a list of candidates, first match wins.
const TAG = ['tag', 'image_tag', 'reference'];
const IP = ['ip_address', 'client_ip', 'ip', 'source_ip'];
const AUTOMATED = ['is_automated', 'automated'];
const ACTION = ['action', 'event_type'];
/** As in day-one-queries.ts, for tables without a pull count (image_access). */
const REPOSITORY = ['image_repository', 'repository', 'repo', 'repository_name'];
// The DVP exports' headers, named as the engine names them (lower snake case: `Cloud Provider` -> `cloud_provider`).
// The simulator's exports (simulator/dvp/dvp-views.ts) follow Docker's manual; the other spellings are kept in case Docker's differ.
const DVP_REPOSITORY = ['repository', 'repo', 'image_repository', 'repository_name', 'repo_name'];
/** A single count of pulls, should an export have one; Docker's summaries split pulls by tag and by digest instead. */
const DVP_PULLS = ['pulls', 'pull_count', 'pulls_count', 'data_downloads'];
/** Summaries count pulls in two columns, by tag and by digest: their sum is the pulls. */
const DVP_PULL_PARTS = ['pull_by_tag', 'pull_by_digest'];
const DVP_VERSION_CHECKS = ['version_check', 'version_checks', 'version_check_count'];
/** The raw view's `host` is the puller's cloud provider host (Docker's manual), the summaries' `cloud_provider` the same. */
const DVP_CLOUD = ['cloud_provider', 'cloud', 'provider', 'host'];
const DVP_COUNTRY = ['country', 'country_code', 'geo_country', 'geolocation'];
/** Raw rows are actions: `pull_by_tag`, `pull_by_digest` or `version_check`. */
const DVP_ACTION = ['action', 'event_type'];
const DVP_METHOD = ['http_method', 'method', 'request_method'];
/**
 * Summaries are small and already counted, so they come first, those with a
 * repository column (the repository filter applies) before the namespace's
 * totals; raw rows (one per action) come last.
 */
const DVP_VIEW_ORDER = ['repo_summary', 'summary', 'geo_repo_summary', 'ext_summary', 'ext_premium_summary', 'ext_premium_geo', 'namespace_summary', 'raw'];

const TOP_REPOSITORIES = 10;
const STACKED_REPOSITORIES = 5;
const STACKED_CATEGORIES = 8;

function find(columns: readonly TableColumn[], names: readonly string[], type?: 'numeric' | 'boolean'): string | undefined {
  return names.find((name) =>
    columns.some(
      (column) =>
        column.name === name &&
        (type === undefined || (type === 'numeric' ? column.type === 'bigint' || column.type === 'double' : column.type === 'boolean')),
    ),
  );
}

/** What filters a table accepts: its scope and period partition columns, and its repository column when it has one. */
interface Frame {
  readonly table: string;
  readonly scope: 'org' | 'namespace';
  readonly period: 'report_date' | 'period_start';
  readonly repository: string | undefined;
}

/**
 * The `WHERE` of a chart: one placeholder per filter given, so the statement
 * is one of a fixed few and every value is bound, never written into it.
 */
function where(frame: Frame, filters: DashboardFilters, extra: readonly string[] = []): { clause: string; params: string[] } {
  const conditions: string[] = [...extra];
  const params: string[] = [];
  const scope = frame.scope === 'org' ? filters.org : filters.namespace;
  if (scope !== undefined) {
    conditions.push(`${frame.scope} = ?`);
    params.push(scope);
  }
  if (filters.from !== undefined) {
    conditions.push(`${frame.period} >= CAST(? AS DATE)`);
    params.push(filters.from);
  }
  if (filters.to !== undefined) {
    conditions.push(`${frame.period} <= CAST(? AS DATE)`);
    params.push(filters.to);
  }
  if (filters.repo !== undefined && frame.repository !== undefined) {
    conditions.push(`${frame.repository} = ?`);
    params.push(filters.repo);
  }
  return { clause: conditions.length === 0 ? '' : `\nWHERE ${conditions.join('\n  AND ')}`, params };
}

function noRepositoryNote(frame: Frame): string | undefined {
  return frame.repository === undefined ? `${frame.table} has no repository column: the repository filter does not apply.` : undefined;
}

/** The enterprise table of pull counts the charts read: usage_pulls_daily when it has them, else the first daily one that does. */
function pullsTable(tables: readonly DashboardTable[]): DashboardTable | undefined {
  const daily = tables.filter((table) => table.source === 'enterprise' && table.cadence === 'daily' && pullColumns(table.columns));
  return daily.find((table) => table.name === 'usage_pulls_daily') ?? daily[0];
}

function enterpriseCharts(tables: readonly DashboardTable[], showUsers: boolean, add: Adder): void {
  const table = pullsTable(tables);
  if (!table) {
    add.leftOut('enterprise-pulls', 'Pulls per day', 'enterprise', 'no daily enterprise table has a pull count and a repository column (event_count, pull_count... and image_repository, repository...).');
  } else {
    const { pulls, repository, user } = pullColumns(table.columns)!;
    const frame: Frame = { table: table.name, scope: 'org', period: 'report_date', repository };
    const t = table.name;
    add.chart({
      id: 'pulls-by-org',
      title: 'Pulls per day, by org',
      source: 'enterprise',
      table: t,
      columns: ['report_date', 'org', pulls],
      kind: 'stacked-area',
      encoding: { time: 'report_date', series: 'org', values: ['pulls'] },
      query: (filters) => {
        const w = where(frame, filters);
        return { sql: `SELECT report_date, org, sum(${pulls}) AS pulls\nFROM ${t}${w.clause}\nGROUP BY report_date, org\nORDER BY report_date, org`, params: w.params };
      },
    });
    add.chart({
      id: 'pulls-by-repository',
      title: `Pulls per day, top ${STACKED_REPOSITORIES} repositories`,
      source: 'enterprise',
      table: t,
      columns: ['report_date', repository, pulls],
      kind: 'stacked-area',
      encoding: { time: 'report_date', series: repository, values: ['pulls'] },
      query: (filters) => {
        const w = where(frame, filters);
        const inner = where(frame, filters);
        const top = `SELECT ${repository}\n  FROM ${t}${inner.clause.replace(/\n/g, '\n  ')}\n  GROUP BY ${repository}\n  ORDER BY sum(${pulls}) DESC, ${repository}\n  LIMIT ${STACKED_REPOSITORIES}`;
        const clause = w.clause === '' ? `\nWHERE ${repository} IN (\n  ${top})` : `${w.clause}\n  AND ${repository} IN (\n  ${top})`;
        return {
          sql: `SELECT report_date, ${repository}, sum(${pulls}) AS pulls\nFROM ${t}${clause}\nGROUP BY report_date, ${repository}\nORDER BY report_date, ${repository}`,
          params: [...w.params, ...inner.params],
        };
      },
    });
    add.chart({
      id: 'top-repositories',
      title: `Top ${TOP_REPOSITORIES} repositories`,
      source: 'enterprise',
      table: t,
      columns: ['report_date', 'org', repository, pulls],
      kind: 'bars',
      encoding: { label: [repository], values: ['pulls'] },
      query: (filters) => {
        const w = where(frame, filters);
        return {
          sql: `SELECT ${repository}, sum(${pulls}) AS pulls\nFROM ${t}${w.clause}\nGROUP BY ${repository}\nORDER BY pulls DESC, ${repository}\nLIMIT ${TOP_REPOSITORIES}`,
          params: w.params,
        };
      },
    });
    const tag = find(table.columns, TAG);
    if (!tag) add.leftOut('top-tags', 'Top tags', 'enterprise', `${t} has no tag column (${TAG.join(', ')}).`);
    else
      add.chart({
        id: 'top-tags',
        title: `Top ${TOP_REPOSITORIES} tags`,
        source: 'enterprise',
        table: t,
        columns: ['report_date', 'org', repository, tag, pulls],
        kind: 'bars',
        encoding: { label: [repository, tag], values: ['pulls'] },
        query: (filters) => {
          const w = where(frame, filters);
          return {
            sql: `SELECT ${repository}, ${tag}, sum(${pulls}) AS pulls\nFROM ${t}${w.clause}\nGROUP BY ${repository}, ${tag}\nORDER BY pulls DESC, ${repository}, ${tag}\nLIMIT ${TOP_REPOSITORIES}`,
            params: w.params,
          };
        },
      });
    const ip = find(table.columns, IP);
    if (!user && !ip) add.leftOut('distinct-users-ips', 'Distinct users and IPs per day', 'enterprise', `${t} has neither a user column (hub_username, username, user) nor an IP column (${IP.join(', ')}).`);
    else {
      // Empty cells are anonymous pulls (no user) or missing addresses: not someone.
      const counts = [
        ...(user ? [`count(DISTINCT nullif(${user}, '')) AS users`] : []),
        ...(ip ? [`count(DISTINCT nullif(${ip}, '')) AS ips`] : []),
      ];
      const missing = !user ? 'no user column: IPs only.' : !ip ? `no IP column (${IP.join(', ')}): users only.` : undefined;
      add.chart({
        id: 'distinct-users-ips',
        title: 'Distinct users and IPs per day',
        source: 'enterprise',
        table: t,
        columns: ['report_date', 'org', ...(user ? [user] : []), ...(ip ? [ip] : [])],
        kind: 'lines',
        encoding: { time: 'report_date', values: [...(user ? ['users'] : []), ...(ip ? ['ips'] : [])] },
        ...(missing ? { note: `${t} has ${missing}` } : {}),
        query: (filters) => {
          const w = where(frame, filters);
          return { sql: `SELECT report_date, ${counts.join(', ')}\nFROM ${t}${w.clause}\nGROUP BY report_date\nORDER BY report_date`, params: w.params };
        },
      });
    }
    if (user && showUsers)
      add.chart({
        id: 'top-users',
        title: `Top ${TOP_REPOSITORIES} users`,
        source: 'enterprise',
        table: t,
        columns: ['report_date', 'org', user, pulls],
        kind: 'bars',
        encoding: { label: [user], values: ['pulls'] },
        query: (filters) => {
          const w = where(frame, filters, [`${user} <> ''`]);
          return { sql: `SELECT ${user}, sum(${pulls}) AS pulls\nFROM ${t}${w.clause}\nGROUP BY ${user}\nORDER BY pulls DESC, ${user}\nLIMIT ${TOP_REPOSITORIES}`, params: w.params };
        },
      });
    else if (user) add.leftOut('top-users', 'Top users', 'enterprise', 'user names are hidden: start serve (or report) with --show-users to show them. Distinct user counts are shown.');
  }

  const automatedTable = tables.find((candidate) => candidate.source === 'enterprise' && candidate.cadence === 'daily' && find(candidate.columns, AUTOMATED, 'boolean'));
  if (!automatedTable) {
    add.leftOut('automated-share', 'Share of automated pulls', 'enterprise', `no daily enterprise table has a boolean ${AUTOMATED.join(' or ')} column.`);
    return;
  }
  const automated = find(automatedTable.columns, AUTOMATED, 'boolean')!;
  const action = find(automatedTable.columns, ACTION);
  const repository = find(automatedTable.columns, REPOSITORY);
  const frame: Frame = { table: automatedTable.name, scope: 'org', period: 'report_date', repository };
  const note = noRepositoryNote(frame);
  add.chart({
    id: 'automated-share',
    title: 'Share of automated pulls per day',
    source: 'enterprise',
    table: automatedTable.name,
    columns: ['report_date', 'org', automated, ...(action ? [action] : []), ...(repository ? [repository] : [])],
    kind: 'lines',
    encoding: { time: 'report_date', values: ['automated_share'], percent: true },
    ...(note ? { note } : {}),
    query: (filters) => {
      const w = where(frame, filters, action ? [`${action} = 'pull'`] : []);
      return {
        sql: `SELECT report_date, avg(CASE WHEN ${automated} THEN 1.0 ELSE 0.0 END) AS automated_share\nFROM ${automatedTable.name}${w.clause}\nGROUP BY report_date\nORDER BY report_date`,
        params: w.params,
      };
    },
  });
}

/** DVP tables, weekly before monthly, summaries before raw rows (views not known come before raw rows). */
function dvpOrder(tables: readonly DashboardTable[]): DashboardTable[] {
  const rank = (table: DashboardTable) => {
    const view = table.name.replace(/^dvp_/, '').replace(/_(weekly|monthly)$/, '');
    const index = DVP_VIEW_ORDER.indexOf(view);
    return (table.cadence === 'weekly' ? 0 : 100) + (index === -1 ? DVP_VIEW_ORDER.indexOf('raw') - 0.5 : index);
  };
  return tables.filter((table) => table.source === 'dvp').sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** An aggregate over a DVP table and the columns it reads. */
interface Measure {
  readonly expression: string;
  readonly columns: readonly string[];
}

/** `sum(CASE ...)` rather than `count(*) FILTER (...)`: the same statement runs in DuckDB and in every Athena engine version. */
const countWhere = (condition: string): string => `sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;

/**
 * What a DVP table counts pulls with: a pull count, the sum of its pulls by
 * tag and by digest (the summaries), or its rows that are pulls (raw rows are
 * actions, version checks among them). Undefined for a table that has none of
 * these: counting its rows would count lines of a summary, not pulls.
 */
function dvpPulls(table: DashboardTable): Measure | undefined {
  const single = find(table.columns, DVP_PULLS, 'numeric');
  if (single) return { expression: `sum(${single})`, columns: [single] };
  const parts = DVP_PULL_PARTS.filter((name) => find(table.columns, [name], 'numeric'));
  // A missing count in a row is no pulls of that kind, not an unknown total.
  if (parts.length > 0) return { expression: `sum(${parts.map((part) => `coalesce(${part}, 0)`).join(' + ')})`, columns: parts };
  const action = find(table.columns, DVP_ACTION);
  if (action) return { expression: countWhere(`${action} LIKE 'pull%'`), columns: [action] };
  // Version checks are HEAD requests for the manifest; pulls GET it.
  const method = find(table.columns, DVP_METHOD);
  if (method) return { expression: countWhere(`upper(${method}) = 'GET'`), columns: [method] };
  return undefined;
}

/** What a DVP table counts version checks with: a count in summaries, the actions (or HEAD requests) among raw rows. */
function dvpVersionChecks(table: DashboardTable): Measure | undefined {
  const counted = find(table.columns, DVP_VERSION_CHECKS, 'numeric');
  if (counted) return { expression: `sum(${counted})`, columns: [counted] };
  const action = find(table.columns, DVP_ACTION);
  if (action) return { expression: countWhere(`${action} = 'version_check'`), columns: [action] };
  const method = find(table.columns, DVP_METHOD);
  if (method) return { expression: countWhere(`upper(${method}) = 'HEAD'`), columns: [method] };
  return undefined;
}

/** A category as charted: a cell Docker left empty (NULL in the query copy, '' in a CSV) is "(unknown)", one series, not a gap. */
const category = (column: string): string => `coalesce(nullif(${column}, ''), '(unknown)')`;

function dvpCharts(tables: readonly DashboardTable[], add: Adder): void {
  const ordered = dvpOrder(tables);
  if (ordered.length === 0) return;
  const per = (table: DashboardTable) => (table.cadence === 'weekly' ? 'week' : 'month');
  const frameOf = (table: DashboardTable): Frame => ({ table: table.name, scope: 'namespace', period: 'period_start', repository: find(table.columns, DVP_REPOSITORY) });
  const pullsText = `pull counts (${[...DVP_PULL_PARTS, ...DVP_PULLS].join(', ')}) or raw actions (${DVP_ACTION.join(', ')})`;

  for (const [id, title, candidates] of [
    ['dvp-pulls-by-cloud', 'cloud provider', DVP_CLOUD],
    ['dvp-pulls-by-country', 'country', DVP_COUNTRY],
  ] as const) {
    const table = ordered.find((candidate) => find(candidate.columns, candidates) && dvpPulls(candidate));
    if (!table) {
      add.leftOut(id, `Pulls by ${title}`, 'dvp', `no DVP table has a ${title} column (${candidates.join(', ')}) and ${pullsText}.`);
      continue;
    }
    const column = find(table.columns, candidates)!;
    const pulls = dvpPulls(table)!;
    const frame = frameOf(table);
    const note = noRepositoryNote(frame);
    const label = category(column);
    add.chart({
      id,
      title: `Pulls per ${per(table)} by ${title} (top ${STACKED_CATEGORIES})`,
      source: 'dvp',
      table: table.name,
      columns: ['period_start', 'namespace', column, ...pulls.columns, ...(frame.repository ? [frame.repository] : [])],
      kind: 'stacked-bars',
      encoding: { time: 'period_start', series: column, values: ['pulls'] },
      ...(note ? { note } : {}),
      query: (filters) => {
        const w = where(frame, filters);
        const inner = where(frame, filters);
        const top = `SELECT ${label}\n  FROM ${table.name}${inner.clause.replace(/\n/g, '\n  ')}\n  GROUP BY 1\n  ORDER BY ${pulls.expression} DESC, 1\n  LIMIT ${STACKED_CATEGORIES}`;
        const clause = w.clause === '' ? `\nWHERE ${label} IN (\n  ${top})` : `${w.clause}\n  AND ${label} IN (\n  ${top})`;
        return {
          sql: `SELECT period_start, ${label} AS ${column}, ${pulls.expression} AS pulls\nFROM ${table.name}${clause}\nGROUP BY 1, 2\nORDER BY 1, 2`,
          params: [...w.params, ...inner.params],
        };
      },
    });
  }

  const repoTable = ordered.find((candidate) => find(candidate.columns, DVP_REPOSITORY) && dvpPulls(candidate));
  if (!repoTable) add.leftOut('dvp-top-repositories', 'Top repositories (DVP)', 'dvp', `no DVP table has a repository column (${DVP_REPOSITORY.join(', ')}) and ${pullsText}.`);
  else {
    const frame = frameOf(repoTable);
    const repository = frame.repository!;
    const pulls = dvpPulls(repoTable)!;
    add.chart({
      id: 'dvp-top-repositories',
      title: `Top ${TOP_REPOSITORIES} repositories (DVP)`,
      source: 'dvp',
      table: repoTable.name,
      columns: ['period_start', 'namespace', repository, ...pulls.columns],
      kind: 'bars',
      encoding: { label: [repository], values: ['pulls'] },
      query: (filters) => {
        const w = where(frame, filters);
        return {
          sql: `SELECT ${repository}, ${pulls.expression} AS pulls\nFROM ${repoTable.name}${w.clause}\nGROUP BY ${repository}\nORDER BY pulls DESC, ${repository}\nLIMIT ${TOP_REPOSITORIES}`,
          params: w.params,
        };
      },
    });
  }

  // Version checks are counted in summaries, or told apart in raw rows by their action (or request method).
  const versionTable = ordered.find((candidate) => dvpVersionChecks(candidate) && dvpPulls(candidate));
  if (!versionTable) {
    add.leftOut('dvp-version-checks', 'Version checks and pulls', 'dvp', `no DVP table has version checks (${DVP_VERSION_CHECKS.join(', ')}, or raw actions) and ${pullsText}.`);
    return;
  }
  const frame = frameOf(versionTable);
  const note = noRepositoryNote(frame);
  const checks = dvpVersionChecks(versionTable)!;
  const pulls = dvpPulls(versionTable)!;
  add.chart({
    id: 'dvp-version-checks',
    title: `Version checks and pulls per ${per(versionTable)}`,
    source: 'dvp',
    table: versionTable.name,
    columns: ['period_start', 'namespace', ...new Set([...checks.columns, ...pulls.columns]), ...(frame.repository ? [frame.repository] : [])],
    kind: 'lines',
    encoding: { time: 'period_start', values: ['version_checks', 'pulls'] },
    ...(note ? { note } : {}),
    query: (filters) => {
      const w = where(frame, filters);
      return {
        sql: `SELECT period_start, ${checks.expression} AS version_checks, ${pulls.expression} AS pulls\nFROM ${versionTable.name}${w.clause}\nGROUP BY period_start\nORDER BY period_start`,
        params: w.params,
      };
    },
  });
}

interface Adder {
  chart(definition: ChartDefinition): void;
  leftOut(id: string, title: string, source: 'enterprise' | 'dvp', note: string): void;
}

/**
 * The charts the lake's tables can make, formed from the columns they have,
 * and a note for each one they cannot: Docker's column names are not all
 * confirmed, so a missing column leaves a chart out, never fails the page.
 * DVP charts appear only when the lake has DVP tables.
 */
export function chartCatalog(tables: readonly DashboardTable[], options: { showUsers: boolean }): ChartCatalog {
  const charts: ChartDefinition[] = [];
  const leftOut: LeftOutChart[] = [];
  const reads = new Map<string, Set<string>>();
  const add: Adder = {
    chart(definition) {
      charts.push(definition);
      const scope = definition.source === 'enterprise' ? ['org', 'report_date'] : ['namespace', 'period_start'];
      const table = tables.find((candidate) => candidate.name === definition.table)!;
      const repository = find(table.columns, definition.source === 'enterprise' ? REPOSITORY : DVP_REPOSITORY);
      const set = reads.get(definition.table) ?? new Set<string>();
      for (const column of [...scope, ...definition.columns, ...(repository ? [repository] : [])]) set.add(column);
      reads.set(definition.table, set);
    },
    leftOut(id, title, source, note) {
      leftOut.push({ id, title, source, note });
    },
  };
  enterpriseCharts(tables, options.showUsers, add);
  dvpCharts(tables, add);
  return { charts, leftOut, reads };
}

/**
 * The statement with each `?` replaced by its value as a SQL literal: what a
 * person pastes into Athena or `docker-reports query`. Only for showing; the
 * server binds the values instead.
 */
export function sqlWithValues(query: ChartQuery): string {
  let index = 0;
  return query.sql.replace(/\?/g, () => `'${(query.params[index++] ?? '').replace(/'/g, "''")}'`);
}
