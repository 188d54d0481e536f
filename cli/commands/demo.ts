import { Command } from 'commander';
import { dvpVariables, oatVariable } from '../../shared/config.js';
import { dayOneQueries, pullColumns, type DayOneQuery } from '../../shared/lake/day-one-queries.js';
import type { TableColumn } from '../../shared/lake/table-columns.js';
import { datasetOfTable, lakeTables } from '../../shared/lake/table-catalog.js';
import { FsSink } from '../../shared/sinks/fs-sink.js';
import { tableName, type ScopeRef } from '../../shared/sources/index.js';
import { createSimulator } from '../../simulator/index.js';
import type { CliIo } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { formatTable } from '../format.js';
import { integer } from '../option-parsers.js';
import { runSync } from '../run-sync.js';

const DEMO_ORGS = ['acme', 'globex'];
/** About 40 kB a report: large enough for real rows, small enough to land 540 reports in seconds. */
const DEMO_REPORT_BYTES = 40_000;

/** The table the demo queries. */
const DEMO_TABLE = 'usage_pulls_daily';

/** A Verified Publisher's namespace: its weekly and monthly pull analytics land beside the orgs' reports. */
const DEMO_NAMESPACE = 'acme-images';
/** The views the demo lands: the raw pulls, and three summaries (the simulator serves all eight). */
const DEMO_VIEWS = ['raw', 'summary', 'repo-summary', 'ext-summary'];
const DEMO_WEEKS = 8;
/** The DVP table the demo queries: one row per pull (or version check), with the puller's cloud provider. */
const DVP_TABLE = 'dvp_raw_weekly';

/**
 * What the demo prints: the first of the stack's day-one queries, and pulls
 * per day, both formed from the columns the table has (as the stack forms them).
 */
async function demoQueries(lake: string): Promise<DayOneQuery[]> {
  const table = (await lakeTables(new FsSink(lake))).find((candidate) => tableName(datasetOfTable(candidate)) === DEMO_TABLE);
  const columns = table?.columns ?? [];
  const pulls = pullColumns(columns)?.pulls;
  const queries = dayOneQueries({ name: DEMO_TABLE, columns }).slice(0, 1);
  if (pulls) {
    queries.push({
      name: 'pulls-per-day-last-7-days',
      description: 'Pulls per day and org, the last 7 days',
      sql: `SELECT report_date, org, sum(${pulls}) AS pulls
FROM ${DEMO_TABLE}
WHERE report_date >= current_date - INTERVAL '7' DAY
GROUP BY report_date, org
ORDER BY report_date DESC, org`,
    });
  }
  return queries;
}

/**
 * Pulls by week and cloud provider over the raw weekly exports, formed from
 * the columns the table has: Docker never published the exact header
 * spelling, and the manual calls the provider column "host".
 */
export function dvpDemoQuery(columns: readonly TableColumn[]): DayOneQuery | undefined {
  const has = (name: string) => columns.some((column) => column.name === name);
  const provider = ['cloud_provider', 'host'].find(has);
  if (!provider) return undefined;
  // Raw rows are actions; version checks are not pulls.
  const pulls = has('action') ? `count(*) FILTER (WHERE action LIKE 'pull%')` : 'count(*)';
  return {
    name: 'dvp-pulls-per-week-and-cloud-provider',
    description: `Pulls of namespace ${DEMO_NAMESPACE} by week and cloud provider (DVP raw exports)`,
    sql: `SELECT period_start AS week, coalesce(${provider}, '(unknown)') AS cloud_provider, ${pulls} AS pulls
FROM ${DVP_TABLE}
GROUP BY 1, 2
ORDER BY week DESC, pulls DESC, cloud_provider
LIMIT 12`,
  };
}

async function dvpQueries(lake: string): Promise<DayOneQuery[]> {
  const table = (await lakeTables(new FsSink(lake))).find((candidate) => tableName(datasetOfTable(candidate)) === DVP_TABLE);
  const query = dvpDemoQuery(table?.columns ?? []);
  return query ? [query] : [];
}

export function demoCommand(io: CliIo, exit: (code: number) => void): Command {
  return new Command('demo')
    .description("The whole job on an embedded default: simulate Docker's APIs, sync two orgs and a publisher namespace, query the lake.")
    .option('--lake <dir>', 'where the demo lake goes', 'demo-lake')
    .option('--days <n>', 'days of daily reports', integer(1, 3660), 90)
    .action(async (flags: { lake: string; days: number }) => {
      const out = (text = '') => io.stdout.write(`${text}\n`);
      const sim = await createSimulator({
        orgs: DEMO_ORGS,
        days: flags.days,
        reportBytes: DEMO_REPORT_BYTES,
        dvp: { namespaces: [{ namespace: DEMO_NAMESPACE, weeks: DEMO_WEEKS, months: 3, views: DEMO_VIEWS }] },
      });
      try {
        out(`Simulating Docker's Enterprise Data API at ${sim.apiUrl} and DVP Data API at ${sim.dvpUrl} (fake data, nothing leaves this machine).`);
        out(
          `Syncing orgs ${DEMO_ORGS.join(' and ')} (${flags.days} days of reports) and the Verified Publisher namespace ` +
            `${DEMO_NAMESPACE} (${DEMO_WEEKS} weeks, 3 months of pull analytics) into ${flags.lake}/ ...`,
        );
        out();
        const login = sim.dvpCredentials(DEMO_NAMESPACE);
        const variables = dvpVariables(DEMO_NAMESPACE);
        const env = {
          ...io.env,
          DOCKER_API_URL: sim.apiUrl,
          DOCKER_HUB_URL: sim.hubUrl,
          DOCKER_DVP_API_URL: sim.dvpUrl,
          ...Object.fromEntries(DEMO_ORGS.map((org) => [oatVariable(org), sim.oatFor(org)])),
          [variables.username]: login.username,
          [variables.pat]: login.pat,
        };
        const scopes: ScopeRef[] = [
          ...DEMO_ORGS.map((org): ScopeRef => ({ source: 'enterprise', scope: org })),
          { source: 'dvp', scope: DEMO_NAMESPACE },
        ];
        const { exitCode } = await runSync({ scopes, dest: flags.lake, concurrency: 8 }, { ...io, env }, 'summary');
        if (exitCode !== EXIT.ok) {
          exit(exitCode);
          return;
        }
        // DuckDB is loaded only by the commands that query.
        const { LocalLake } = await import('../local-lake-query.js');
        const lake = await LocalLake.open(flags.lake);
        try {
          out();
          out(`Tables: ${lake.views.map((view) => view.name).join(', ')} (the same names and columns as in Athena)`);
          for (const query of [...(await demoQueries(flags.lake)), ...(await dvpQueries(flags.lake))]) {
            const result = await lake.query(query.sql);
            out();
            out(`${query.description}:`);
            out(formatTable(result.columns, result.rows));
          }
        } finally {
          lake.close();
        }
        out();
        out(nextSteps(flags.lake));
        exit(EXIT.ok);
      } finally {
        await sim.close();
      }
    });
}

function nextSteps(lake: string): string {
  return `Next:
  Your own SQL:   npx docker-reports query "SELECT * FROM usage_pulls_daily LIMIT 5" --lake ${lake}
  Its HTTP API:   npx docker-reports serve --lake ${lake}
                  curl -L -o latest.csv localhost:8080/orgs/acme/reports/usage_pulls/daily/latest/download
  The real API:   export DOCKER_OAT=<an OAT with the "Report read" scope>
                  npx docker-reports sync --org <your-org> --dest ./lake
  Publishers:     export DOCKER_HUB_USERNAME=<Hub user> DOCKER_HUB_PAT=<a personal access token, read access>
                  npx docker-reports sync --namespace <your-namespace> --dest ./lake
  Into S3:        npx docker-reports sync --org <your-org> --dest s3://<bucket>/docker-reports
  On AWS:         npx cdk deploy -c orgs=<your-org>   (see "Deploy on AWS" in README.md)
  The dashboard:  npx docker-reports serve --lake ${lake}, then open http://127.0.0.1:8080/
  As one file:    npx docker-reports report --lake ${lake} --out usage.html   (opens offline)`;
}
