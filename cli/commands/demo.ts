import { Command } from 'commander';
import { oatVariable } from '../../shared/config.js';
import { dayOneQueries, pullColumns, type DayOneQuery } from '../../shared/lake/day-one-queries.js';
import { datasetOfTable, lakeTables } from '../../shared/lake/table-catalog.js';
import { FsSink } from '../../shared/sinks/fs-sink.js';
import { tableName } from '../../shared/sources/index.js';
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

export function demoCommand(io: CliIo, exit: (code: number) => void): Command {
  return new Command('demo')
    .description("The whole job on an embedded default: simulate Docker's API, sync two orgs, query the lake.")
    .option('--lake <dir>', 'where the demo lake goes', 'demo-lake')
    .option('--days <n>', 'days of daily reports', integer(1, 3660), 90)
    .action(async (flags: { lake: string; days: number }) => {
      const out = (text = '') => io.stdout.write(`${text}\n`);
      const sim = await createSimulator({ orgs: DEMO_ORGS, days: flags.days, reportBytes: DEMO_REPORT_BYTES });
      try {
        out(`Simulating Docker's Enterprise Data API at ${sim.apiUrl} (fake data, nothing leaves this machine).`);
        out(`Syncing orgs ${DEMO_ORGS.join(' and ')} (${flags.days} days of reports) into ${flags.lake}/ ...`);
        out();
        const env = {
          ...io.env,
          DOCKER_API_URL: sim.apiUrl,
          DOCKER_HUB_URL: sim.hubUrl,
          ...Object.fromEntries(DEMO_ORGS.map((org) => [oatVariable(org), sim.oatFor(org)])),
        };
        const scopes = DEMO_ORGS.map((org) => ({ source: 'enterprise' as const, scope: org }));
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
          for (const query of await demoQueries(flags.lake)) {
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
  Into S3:        npx docker-reports sync --org <your-org> --dest s3://<bucket>/docker-reports
  On AWS:         npx cdk deploy -c orgs=<your-org>   (see "Deploy on AWS" in README.md)
  The dashboard:  npx docker-reports serve --lake ${lake}, then open http://127.0.0.1:8080/
  As one file:    npx docker-reports report --lake ${lake} --out usage.html   (opens offline)`;
}
