/**
 * The queries users want on day one, written once in SQL that both Athena
 * (Trino) and DuckDB run unchanged: the stack saves them as Athena named
 * queries, the demo runs them locally. Column names follow Docker's daily
 * usage_pulls schema (`image_repository`, `event_count`, `hub_username`).
 */
export interface DayOneQuery {
  readonly name: string;
  readonly description: string;
  readonly sql: string;
}

export const DAY_ONE_QUERIES: readonly DayOneQuery[] = [
  {
    name: 'top-repositories-last-30-days',
    description: 'The 10 most pulled repositories of the last 30 days, with how many users pulled them',
    sql: `SELECT image_repository, sum(event_count) AS pulls, count(DISTINCT hub_username) AS users
FROM usage_pulls_daily
WHERE report_date >= current_date - INTERVAL '30' DAY
GROUP BY image_repository
ORDER BY pulls DESC
LIMIT 10`,
  },
  {
    name: 'pulls-per-repository-per-day',
    description: 'Pulls of each repository on each day, newest first',
    sql: `SELECT report_date, org, image_repository, sum(event_count) AS pulls
FROM usage_pulls_daily
GROUP BY report_date, org, image_repository
ORDER BY report_date DESC, pulls DESC`,
  },
  {
    name: 'week-over-week-change',
    description: 'Pulls per repository per week and the change from the week before',
    sql: `WITH weekly AS (
  SELECT date_trunc('week', report_date) AS week, image_repository, sum(event_count) AS pulls
  FROM usage_pulls_daily
  GROUP BY date_trunc('week', report_date), image_repository
)
SELECT week, image_repository, pulls,
       pulls - lag(pulls) OVER (PARTITION BY image_repository ORDER BY week) AS change
FROM weekly
ORDER BY week DESC, pulls DESC`,
  },
];
