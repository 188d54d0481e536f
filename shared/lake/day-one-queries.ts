import type { TableColumn } from './table-columns.js';

/**
 * The queries users want on day one, written in SQL that both Athena (Trino)
 * and DuckDB run unchanged: the stack saves them as Athena named queries when
 * it makes a table, the demo runs them locally. Docker has not confirmed its
 * column names (its OpenAPI example says `repository, pull_count`, its draft
 * guide `image_repository, event_count`), so each query is formed from the
 * columns the table actually has, and left out when they are not there.
 */
export interface DayOneQuery {
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

/** What a table of pulls has, whatever Docker calls it. */
export interface PullColumns {
  /** What is counted: `event_count`, `pull_count`, ... */
  readonly pulls: string;
  /** What was pulled: `image_repository`, `repository`, ... */
  readonly repository: string;
  /** Who pulled, when the table has it: `hub_username`, ... */
  readonly user: string | undefined;
}

const PULLS = ['event_count', 'pull_count', 'pulls', 'data_downloads'];
const REPOSITORY = ['image_repository', 'repository', 'repo', 'repository_name'];
const USER = ['hub_username', 'username', 'user'];

/** The pull columns of a table, when it has a count and a repository. */
export function pullColumns(columns: readonly TableColumn[]): PullColumns | undefined {
  const find = (names: readonly string[], numeric: boolean) =>
    names.find((name) => columns.some((c) => c.name === name && (!numeric || c.type === 'bigint' || c.type === 'double')));
  const pulls = find(PULLS, true);
  const repository = find(REPOSITORY, false);
  return pulls && repository ? { pulls, repository, user: find(USER, false) } : undefined;
}

/**
 * The day-one queries of one table, formed from its columns (none when it
 * has no count and repository). `dateColumn` is its period column
 * (`report_date`), `scopeColumn` its scope (`org`).
 */
export function dayOneQueries(table: { name: string; columns: readonly TableColumn[] }, dateColumn = 'report_date', scopeColumn = 'org'): DayOneQuery[] {
  const found = pullColumns(table.columns);
  if (!found) return [];
  const { pulls, repository, user } = found;
  return [
    {
      name: `${table.name}-top-repositories-last-30-days`,
      description: `The 10 most pulled repositories of the last 30 days${user ? ', with how many users pulled them' : ''} (${table.name})`,
      sql: `SELECT ${repository}, sum(${pulls}) AS pulls${user ? `, count(DISTINCT ${user}) AS users` : ''}
FROM ${table.name}
WHERE ${dateColumn} >= current_date - INTERVAL '30' DAY
GROUP BY ${repository}
ORDER BY pulls DESC
LIMIT 10`,
    },
    {
      name: `${table.name}-pulls-per-repository`,
      description: `Pulls of each repository in each period, newest first (${table.name})`,
      sql: `SELECT ${dateColumn}, ${scopeColumn}, ${repository}, sum(${pulls}) AS pulls
FROM ${table.name}
GROUP BY ${dateColumn}, ${scopeColumn}, ${repository}
ORDER BY ${dateColumn} DESC, pulls DESC`,
    },
    {
      name: `${table.name}-week-over-week-change`,
      description: `Pulls per repository per week and the change from the week before (${table.name})`,
      sql: `WITH weekly AS (
  SELECT date_trunc('week', ${dateColumn}) AS week, ${repository}, sum(${pulls}) AS pulls
  FROM ${table.name}
  GROUP BY date_trunc('week', ${dateColumn}), ${repository}
)
SELECT week, ${repository}, pulls,
       pulls - lag(pulls) OVER (PARTITION BY ${repository} ORDER BY week) AS change
FROM weekly
ORDER BY week DESC, pulls DESC`,
    },
  ];
}
