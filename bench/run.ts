import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { backfill } from './scenarios/backfill.js';
import { coldStarts } from './scenarios/cold-start.js';
import { dashboard } from './scenarios/dashboard.js';
import { largeReport, largeReportMemory } from './scenarios/large-report.js';
import { noopSync } from './scenarios/noop-sync.js';
import { markdownTable, type Row } from './support/results.js';

/**
 * `npm run bench`: the engine against Docker's own curl workflow, on loopback
 * against the simulator, contestants interleaved round by round. A script, not
 * a test: machines here are shared and noisy, so it prints medians and ratios
 * from one run, never pass/fail on absolute times. `--quick` for a smaller run.
 */
const quick = process.argv.includes('--quick');
const rounds = quick ? 1 : 3;

function hasCommand(name: string): boolean {
  try {
    execFileSync('bash', ['-c', `command -v ${name} && ${name} --version`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

for (const tool of ['curl', 'jq']) {
  if (!hasCommand(tool)) throw new Error(`npm run bench needs ${tool} (the guide's workflow uses it): apt-get install ${tool}`);
}
// The engine runs as users run it: from the bundle npm ci builds.
execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });

const rows: Row[] = [];
const megabytes = quick ? 100 : 300;
log(`one ${megabytes} MB report, ${rounds} round(s)...`);
rows.push(...(await largeReport({ megabytes, rounds, awsCli: hasCommand('aws') })));
const memoryMegabytes = quick ? 200 : 600;
log(`one ${memoryMegabytes} MB report, memory...`);
rows.push(...(await largeReportMemory(memoryMegabytes)));

const backfillOptions = {
  reports: quick ? 60 : 365,
  reportBytes: 1_000_000,
  latencyMs: 50,
  rateLimit: { requestsPerSecond: 100, burst: 100 },
  rounds,
};
log(`backfill of ${backfillOptions.reports} reports, ${rounds} round(s)...`);
const filled = await backfill(backfillOptions);
rows.push(...filled.rows);

log('no-op sync...');
rows.push(
  await noopSync(
    filled.fullLake,
    { orgs: ['acme'], days: backfillOptions.reports, reportBytes: backfillOptions.reportBytes, latencyMs: backfillOptions.latencyMs, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] },
    rounds,
    `${backfillOptions.reports} daily reports`,
  ),
);
await rm(filled.fullLake, { recursive: true, force: true });

log('Lambda cold starts...');
rows.push(...(await coldStarts(quick ? 3 : 7)));

const dashboardDays = quick ? 90 : 365;
log(`dashboard over 2 orgs x ${dashboardDays} daily reports...`);
rows.push(...(await dashboard({ days: dashboardDays, rounds })));

process.stdout.write(`\n${markdownTable(rows)}\n\nnode ${process.version}, ${rounds} round(s) each; command: npm run bench${quick ? ' -- --quick' : ''}\n`);
