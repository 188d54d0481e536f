import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tableName } from '../../../shared/sources/index.js';
import { CADENCE_OF } from '../../../shared/sources/dvp/index.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { runCliInProcess } from '../../support/cli-runner.js';
import { dvpEnv } from '../../support/dvp-engine.js';
import { simulatorEnv } from '../../support/engine.js';
import { filesUnder } from '../../support/lake-files.js';
import { tempDir } from '../../support/temp-dir.js';

/** The last week is ISO week 1 of 2026, whatever the day the tests run. */
const LAST_WEEK = '2026-01-04';

interface LandedJson {
  source: string;
  namespace: string;
  view: string;
  timespan: string;
  period_start: string;
  rows: number;
  files: { uri: string }[];
}

describe('docker-reports sync --namespace', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    sim = await createSimulator({
      orgs: ['acme'],
      days: 1,
      dvp: {
        namespaces: [
          { namespace: 'pubco', lastWeekEnding: LAST_WEEK, weeks: 2, months: 1, views: ['raw', 'summary', 'repo-summary'] },
          { namespace: 'guarded-pub', username: 'guarded-bot', twoFactor: true, lastWeekEnding: LAST_WEEK, weeks: 1, months: 0 },
          { namespace: 'quiet-pub', empty: true },
        ],
      },
    });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(async (context) => {
    sim.faults.clear();
    sim.stats.reset();
    lake = await tempDir('cli-dvp-sync');
    context.onTestFinished(() => lake.remove());
  });

  const sync = (flags: readonly string[], env: Record<string, string> = dvpEnv(sim)) => runCliInProcess(['sync', ...flags, '--dest', lake.path], env);
  const query = async (sql: string) => {
    const run = await runCliInProcess(['query', sql, '--lake', lake.path, '--format', 'json'], {});
    expect({ sql, stderr: run.stderr.split('\n')[0], code: run.code }).toEqual({ sql, stderr: '', code: 0 });
    return JSON.parse(run.stdout) as Record<string, unknown>[];
  };

  describe('exit 0', () => {
    it('lands every export of a namespace, named in its own words in --json, and query counts the rows served', async () => {
      // Act
      const run = await sync(['--namespace', 'pubco', '--json']);

      // Assess
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as { landed: LandedJson[]; failed: unknown[] };
      const exports = sim.dvp.exports('pubco');
      expect(summary.failed).toEqual([]);
      expect(summary.landed).toHaveLength(exports.length);
      expect(summary.landed).toContainEqual(
        expect.objectContaining({ source: 'dvp', namespace: 'pubco', view: 'raw', timespan: 'weekly', period_start: '2025-12-29' }),
      );
      for (const item of exports) {
        const table = tableName({ source: 'dvp', name: item.view, cadence: CADENCE_OF[item.timespan] });
        const [counted] = await query(`SELECT count(*) AS n FROM ${table} WHERE namespace = 'pubco' AND period_start = DATE '${item.periodStart}'`);
        expect({ table, period: item.periodStart, rows: counted!.n }).toEqual({
          table,
          period: item.periodStart,
          rows: sim.dvp.rows('pubco', item.view, item.timespan, item.year, item.n),
        });
      }
    });

    it('shows the DVP tables beside the Enterprise ones when --org and --namespace are given together', async () => {
      // Act
      const run = await sync(['--org', 'acme', '--namespace', 'pubco'], { ...simulatorEnv(sim), ...dvpEnv(sim) });
      const tables = (await query('SHOW TABLES')).map((row) => row.name);

      // Assess
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Landed \d+ reports and \d+ exports /);
      expect(tables).toEqual(expect.arrayContaining(['usage_pulls_daily', 'dvp_raw_weekly', 'dvp_raw_monthly', 'dvp_summary_weekly', 'dvp_repo_summary_monthly']));
    });

    it('lands only the newest export of the views and timespans asked for', async () => {
      // Act
      const run = await sync(['--namespace', 'pubco', '--view', 'raw', '--timespan', 'weeks', '--latest', '--json']);

      // Assess
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as { landed: LandedJson[] };
      expect(summary.landed.map((landed) => [landed.view, landed.timespan, landed.period_start])).toEqual([['raw', 'weekly', '2025-12-29']]);
      expect(summary.landed[0]!.files.map((file) => file.uri.slice(lake.path.length))).toEqual([
        '/dvp/raw/weekly/namespace=pubco/period_start=2025-12-29/part-000.csv.gz',
        '/dvp/raw/weekly/namespace=pubco/period_start=2025-12-29/part-001.csv.gz',
        '/dvp/raw/weekly/namespace=pubco/period_start=2025-12-29/part-002.csv.gz',
      ]);
    });

    it('says a namespace with no exports has nothing to land yet', async () => {
      // Act
      const run = await sync(['--namespace', 'quiet-pub']);

      // Assess
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('namespace quiet-pub has nothing to land yet.');
      expect(run.stdout).toMatch(/^Landed 0 exports /);
    });

    it('downloads nothing when run again with nothing new', async () => {
      // Prepare
      await sync(['--namespace', 'pubco']);
      const downloads = sim.stats.dvpDownloads;

      // Act
      const again = await sync(['--namespace', 'pubco']);

      // Assess
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^Landed 0 exports \(0 B\) .*; \d+ already landed; 0 failed/);
      expect(sim.stats.dvpDownloads).toBe(downloads);
    });
  });

  describe('exit 1', () => {
    it('when exports failed, none of them visible; the same command then lands them', async () => {
      // Prepare
      sim.faults.shortBody(1000, undefined, { namespace: 'pubco' });

      // Act
      const failed = await sync(['--namespace', 'pubco', '--view', 'raw', '--timespan', 'weeks']);
      const afterFailure = await filesUnder(lake.path);
      sim.faults.clear();
      const again = await sync(['--namespace', 'pubco', '--view', 'raw', '--timespan', 'weeks']);

      // Assess
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(/pubco\/raw\/weekly\/2025-12-29 \(file 1 of 3\)/);
      expect(afterFailure.filter((file) => file.startsWith('dvp/') || file.startsWith('query/dvp/raw/weekly/namespace='))).toEqual([]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^Landed 2 exports /);
    });
  });

  describe('exit 1, naming what Docker answered', () => {
    it('when the API has no such namespace (404), saying it may have been retired', async () => {
      // Prepare
      sim.faults.notFound(1, { namespace: 'pubco', operations: ['dvp-namespace'] });

      // Act
      const run = await sync(['--namespace', 'pubco']);

      // Assess
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/the DVP Data API has no namespace pubco \(404\).*may have retired the API/);
    });

    it('when an export listing breaks its documented format, landing every other view', async () => {
      // Prepare
      sim.faults.malformed('dvp-files', 1, 'shape', { namespace: 'pubco' });

      // Act
      const run = await sync(['--namespace', 'pubco', '--timespan', 'weeks', '--json']);

      // Assess
      expect(run.code).toBe(1);
      const summary = JSON.parse(run.stdout) as { landed: LandedJson[]; failed: { view?: string; reason: string }[] };
      expect(summary.failed).toHaveLength(1);
      expect(summary.failed[0]!.reason).toMatch(/does not match its documented format/);
      expect(new Set(summary.landed.map((landed) => landed.view)).size).toBe(2);
    });
  });

  describe('exit 2, before any request', () => {
    it('names the variables a namespace lacks', async () => {
      // Act
      const run = await sync(['--namespace', 'pubco'], { DOCKER_HUB_URL: sim.hubUrl, DOCKER_DVP_API_URL: sim.dvpUrl, DOCKER_HUB_USERNAME: 'someone' });

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/No Docker Hub login for DVP namespace pubco: set DOCKER_HUB_PAT_PUBCO \(or DOCKER_HUB_PAT for every namespace\)/);
      expect(sim.stats.dvpLogin + sim.stats.dvpNamespace + sim.stats.token).toBe(0);
    });

    it.each([
      [[], /name what to sync: --org <org> .* and\/or --namespace <ns>/],
      [['--namespace', 'PubCo'], /namespace "PubCo" must be lowercase/],
      [['--namespace', 'pubco', '--timespan', 'days'], /timespan "days" is not weeks or months/],
      [['--namespace', 'pubco', '--view', '../raw'], /view "\.\.\/raw" must be lowercase/],
      [['--org', 'acme', '--view', 'raw'], /--view and --timespan choose among the exports of --namespace/],
      [['--namespace', 'pubco', '--type', 'usage_pulls'], /--type and --cadence choose among the reports of --org/],
    ])('for %j', async (flags, message) => {
      // Act
      const run = await sync(flags);

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(sim.stats.dvpLogin + sim.stats.dvpNamespace).toBe(0);
    });

    it('refuses a plain-http DVP URL beyond loopback', async () => {
      // Act
      const run = await sync(['--namespace', 'pubco'], { ...dvpEnv(sim), DOCKER_DVP_API_URL: 'http://hub.example.test/api/publisher/analytics/v1' });

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/DOCKER_DVP_API_URL must be an https URL/);
    });
  });

  describe('exit 3', () => {
    it('when the account has two-factor authentication and the token is its password, saying to use a personal access token', async () => {
      // Act
      const run = await sync(['--namespace', 'guarded-pub']);

      // Assess
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/guarded-bot has two-factor authentication/);
      expect(run.stdout).toMatch(/a personal access token must be used, not the account's password/);
      expect(run.stdout).toMatch(/give it in DOCKER_HUB_USERNAME_GUARDED_PUB and DOCKER_HUB_PAT_GUARDED_PUB/);
      expect(run.stdout).not.toContain(sim.dvpCredentials('guarded-pub').pat);
    });

    it('when the user cannot see the namespace (403)', async () => {
      // Prepare
      const pubco = sim.dvpCredentials('pubco');

      // Act
      const run = await sync(['--namespace', 'quiet-pub'], {
        ...dvpEnv(sim, []),
        DOCKER_HUB_USERNAME_QUIET_PUB: pubco.username,
        DOCKER_HUB_PAT_QUIET_PUB: pubco.pat,
      });

      // Assess
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/refused access to namespace quiet-pub \(403/);
    });

    it('when Hub rejects the user name and token', async () => {
      // Prepare
      const wrong = `dckr_pat_test_${randomBytes(6).toString('hex')}`;

      // Act
      const run = await sync(['--namespace', 'pubco', '--json'], { ...dvpEnv(sim), DOCKER_HUB_PAT_PUBCO: wrong });

      // Assess
      expect(run.code).toBe(3);
      const summary = JSON.parse(run.stdout) as { failed: { namespace: string; auth: boolean; reason: string }[] };
      expect(summary.failed).toEqual([expect.objectContaining({ source: 'dvp', namespace: 'pubco', auth: true })]);
      expect(summary.failed[0]!.reason).toMatch(/rejected the user name and token \(401\)/);
      expect(run.stdout).not.toContain(wrong);
    });
  });
});
