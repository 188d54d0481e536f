import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLake } from '../../../cli/local-lake-query.js';
import { createDashboard } from '../../../cli/dashboard/index.js';
import type { ChartData, DashboardMeta } from '../../../cli/dashboard/wire-types.js';
import { startLocalApi, type LocalApi } from '../../../cli/serve/local-api-server.js';
import { createSimulator } from '../../../simulator/index.js';
import { browserAvailable, type TestBrowser } from '../../support/browser.js';
import { runCliInProcess } from '../../support/cli-runner.js';
import { dvpEnv } from '../../support/dvp-engine.js';
import { simulatorEnv } from '../../support/engine.js';
import { tempDir } from '../../support/temp-dir.js';
import { openDashboard } from './dashboard-fixture.js';
import { OUTPUT, openOffline, asText, drawn, legend, marks, tableRows, watchErrors } from './page-helpers.js';

const ORGS = ['acme', 'globex'];
const NAMESPACES = ['acme-images', 'pubco'];
/** The views `npm run demo` lands: countries are only in raw rows there. */
const DEMO_VIEWS = ['raw', 'summary', 'repo-summary', 'ext-summary'];

interface Lake {
  readonly path: string;
  remove(): Promise<void>;
}

/** A lake the CLI's own sync wrote from the simulator: the orgs' pulls, and every view of each DVP namespace. */
async function syncedLake(name: string, views?: readonly string[]): Promise<Lake> {
  const sim = await createSimulator({
    orgs: ORGS,
    days: 8,
    reportBytes: 10_000,
    reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }],
    dvp: { namespaces: NAMESPACES.map((namespace) => ({ namespace, weeks: 5, months: 2, ...(views ? { views } : {}) })) },
  });
  try {
    const lake = await tempDir(name);
    const flags = [...ORGS.flatMap((org) => ['--org', org]), ...NAMESPACES.flatMap((namespace) => ['--namespace', namespace])];
    const sync = await runCliInProcess(['sync', ...flags, '--dest', lake.path], { ...simulatorEnv(sim), ...dvpEnv(sim) });
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    return lake;
  } finally {
    await sim.close();
  }
}

/** A namespace condition for the expected rows' SQL. */
const inNamespace = (namespace: string | undefined) => (namespace === undefined ? 'true' : `namespace = '${namespace}'`);

/**
 * Pulls per week and category (blank: "(unknown)") of the 8 categories with
 * the most pulls, written here from the exports' columns (pulls by tag and
 * by digest), not taken from the dashboard.
 */
const byCategory = (table: string, column: string, pulls: string, namespace?: string) => `
  WITH rows AS (SELECT period_start, coalesce(${column}, '(unknown)') AS category, ${pulls} AS n FROM ${table} WHERE ${inNamespace(namespace)}),
  top AS (SELECT category FROM rows GROUP BY category ORDER BY sum(n) DESC, category LIMIT 8)
  SELECT period_start, category, sum(n) FROM rows WHERE category IN (SELECT category FROM top) GROUP BY 1, 2 ORDER BY 1, 2`;
const SUMMED = 'pull_by_tag + pull_by_digest';

describe.skipIf(!browserAvailable('DVP dashboard browser tests'))('the dashboard of a lake with DVP namespaces, in a real browser', () => {
  let lake: Lake;
  let duck: LocalLake;
  let server: LocalApi;
  let chromium: TestBrowser;
  let context: BrowserContext;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    lake = await syncedLake('dashboard-dvp');
    ({ duck, server, chromium, context, close } = await openDashboard(lake.path, { orgs: ORGS, namespaces: NAMESPACES }));
  }, 120_000);

  afterAll(async () => {
    await close?.();
    await lake?.remove();
  });

  /** DuckDB's own answer, over the views of the lake (not the dashboard's copies). */
  const sql = async (text: string) => (await duck.query(text)).jsonRows();
  const count = async (text: string) => Number((await sql(text))[0]![0]);

  /** Every DVP chart: the table it reads, its series and marks, its rows as DuckDB counts them. */
  async function expectDvpCharts(page: import('playwright-core').Page, namespace?: string): Promise<void> {
    const where = inNamespace(namespace);

    // Cloud providers: the Title Case "Cloud Provider" of ext-summary's header, landed as cloud_provider.
    const cloud = await sql(byCategory('dvp_ext_summary_weekly', 'cloud_provider', SUMMED, namespace));
    expect(cloud.length).toBeGreaterThan(0);
    await expect(page.locator('section[data-chart="dvp-pulls-by-cloud"] .source').textContent()).resolves.toContain('dvp_ext_summary_weekly');
    expect(await tableRows(page, 'dvp-pulls-by-cloud')).toEqual(asText(cloud));
    expect(await marks(page, 'dvp-pulls-by-cloud', 'bar', 'rect')).toBe(cloud.length);
    expect(await legend(page, 'dvp-pulls-by-cloud')).toEqual([...new Set(cloud.map((row) => String(row[1])))].sort());

    // Countries: 12 and the unknown ones in the simulator, so the top 8 are drawn.
    const country = await sql(byCategory('dvp_geo_repo_summary_weekly', 'country', SUMMED, namespace));
    await expect(page.locator('section[data-chart="dvp-pulls-by-country"] .source').textContent()).resolves.toContain('dvp_geo_repo_summary_weekly');
    expect(await tableRows(page, 'dvp-pulls-by-country')).toEqual(asText(country));
    expect(await marks(page, 'dvp-pulls-by-country', 'bar', 'rect')).toBe(country.length);
    expect(await legend(page, 'dvp-pulls-by-country')).toHaveLength(Math.min(8, await count(`SELECT count(DISTINCT coalesce(country, '')) FROM dvp_geo_repo_summary_weekly WHERE ${where}`)));

    // Top repositories: the per-repository summary ("Repository", "Pull By Tag"... in its header).
    const top = await sql(`SELECT repository, sum(${SUMMED}) AS pulls FROM dvp_repo_summary_weekly WHERE ${where}
      GROUP BY repository ORDER BY pulls DESC, repository LIMIT 10`);
    expect(await tableRows(page, 'dvp-top-repositories')).toEqual(asText(top));
    expect(await marks(page, 'dvp-top-repositories', 'bar', 'rect')).toBe(top.length);
    expect(top.length).toBe(await count(`SELECT count(DISTINCT repository) FROM dvp_repo_summary_weekly WHERE ${where}`));

    // Version checks against pulls: two lines, one point a week.
    const checks = await sql(`SELECT period_start, sum(version_check), sum(${SUMMED}) FROM dvp_repo_summary_weekly WHERE ${where} GROUP BY 1 ORDER BY 1`);
    expect(await tableRows(page, 'dvp-version-checks')).toEqual(asText(checks));
    expect(await marks(page, 'dvp-version-checks', 'line', 'path')).toBe(2);
    expect(await legend(page, 'dvp-version-checks')).toEqual(['version_checks', 'pulls']);
  }

  it('draws every DVP chart from the columns the exports landed with, its numbers as DuckDB counts them, and logs no error', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await drawn(page);

    await expect(page.locator('section[data-chart^="dvp-"]').count()).resolves.toBe(4);
    // None of the DVP charts is left out: their columns are all there.
    await expect(page.locator('.left-out li[data-chart^="dvp-"]').count()).resolves.toBe(0);
    await expectDvpCharts(page);
    // The Enterprise charts are drawn beside them.
    expect(await marks(page, 'pulls-by-org', 'area', 'path')).toBe(ORGS.length);

    // The SQL a chart shows runs in DuckDB (as in Athena) to the same rows.
    await page.locator('section[data-chart="dvp-pulls-by-country"] details.sql summary').click();
    const shown = await page.locator('section[data-chart="dvp-pulls-by-country"] details.sql pre').textContent();
    expect(asText(await sql(shown!))).toEqual(await tableRows(page, 'dvp-pulls-by-country'));

    await page.screenshot({ path: join(OUTPUT, 'dashboard-dvp.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('redraws the DVP charts with one namespace when the namespace filter changes, and keeps it in the URL', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await drawn(page);
    const before = await tableRows(page, 'dvp-top-repositories');

    await page.selectOption('select[name="namespace"]', 'pubco');
    await page.waitForURL((url) => url.searchParams.get('namespace') === 'pubco');
    await drawn(page);
    await expectDvpCharts(page, 'pubco');
    expect(await tableRows(page, 'dvp-top-repositories')).not.toEqual(before);
    // The namespace filter leaves the orgs' charts whole.
    expect(await marks(page, 'pulls-by-org', 'area', 'path')).toBe(ORGS.length);

    // Opened again from the URL (a bookmark), the other namespace.
    await page.goto(`${server.url}/?namespace=acme-images`);
    await drawn(page);
    await expect(page.locator('select[name="namespace"]').inputValue()).resolves.toBe('acme-images');
    await expectDvpCharts(page, 'acme-images');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('writes a report file of one namespace that shows the DVP charts offline, from file://', async () => {
    const out = join(lake.path, '..', `report-dvp-${process.pid}.html`);
    const run = await runCliInProcess(['report', '--lake', lake.path, '--namespace', 'acme-images', '--out', out], {});
    expect(run.code, run.stderr).toBe(0);

    const { context: offline, page, refused, errors } = await openOffline(chromium.browser, out);
    await expect(page.locator('section[data-chart^="dvp-"]').count()).resolves.toBe(4);
    await expectDvpCharts(page, 'acme-images');
    expect(await page.locator('#controls').innerText()).toContain('namespace acme-images');
    await page.screenshot({ path: join(OUTPUT, 'report-dvp.png'), fullPage: true });
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
    await offline.close();
  });

  it('counts pulls, not version checks, in raw rows when the lake has only the views the demo lands', async () => {
    const demo = await syncedLake('dashboard-dvp-demo', DEMO_VIEWS);
    const other = await startLocalApi({ lake: demo.path, orgs: ORGS, namespaces: NAMESPACES, env: {}, log: () => undefined });
    const demoDuck = await LocalLake.open(demo.path);
    try {
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${other.url}/?namespace=pubco`);
      await drawn(page);
      // No geo summary: countries come from raw rows, one row per action, version checks not counted as pulls.
      await expect(page.locator('section[data-chart="dvp-pulls-by-country"] .source').textContent()).resolves.toContain('dvp_raw_weekly');
      const expected = (await demoDuck.query(byCategory('dvp_raw_weekly', 'country', "CASE WHEN action IN ('pull_by_tag', 'pull_by_digest') THEN 1 ELSE 0 END", 'pubco'))).jsonRows();
      expect(await tableRows(page, 'dvp-pulls-by-country')).toEqual(asText(expected));
      expect(await marks(page, 'dvp-pulls-by-country', 'bar', 'rect')).toBe(expected.length);
      // Cloud providers from ext-summary, the rest from the per-repository summary.
      await expect(page.locator('section[data-chart="dvp-pulls-by-cloud"] .source').textContent()).resolves.toContain('dvp_ext_summary_weekly');
      await expect(page.locator('section[data-chart="dvp-version-checks"] .source').textContent()).resolves.toContain('dvp_repo_summary_weekly');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      demoDuck.close();
      await other.close();
      await demo.remove();
    }
  });

  it('shows only the orgs and namespaces it is given, as serve --org and --namespace limit the API', async () => {
    const get = async <T>(dashboard: ReturnType<typeof createDashboard>, path: string, query: Record<string, string> = {}) => {
      const answer = await dashboard.handle('GET', path, query);
      expect(answer?.status).toBe(200);
      return JSON.parse(String(answer!.body)) as T;
    };
    const onlyAcme = createDashboard({ lake: lake.path, showUsers: false, scopes: { orgs: ['acme'], namespaces: [] } });
    try {
      const meta = await get<DashboardMeta>(onlyAcme, '/dashboard/api/meta');
      expect({ orgs: meta.orgs, namespaces: meta.namespaces }).toEqual({ orgs: ['acme'], namespaces: [] });
      // No namespace is shown: no DVP chart, and no note about one either.
      expect(meta.charts.filter((chart) => chart.source === 'dvp')).toEqual([]);
      expect(meta.leftOut.filter((chart) => chart.source === 'dvp')).toEqual([]);
      const perOrg = await get<ChartData>(onlyAcme, '/dashboard/api/charts/pulls-by-org');
      expect(perOrg.rows).toEqual(await sql("SELECT report_date, org, sum(event_count) FROM usage_pulls_daily WHERE org = 'acme' GROUP BY 1, 2 ORDER BY 1, 2"));
      // Asking for an org not shown finds nothing: its rows were never read into the dashboard.
      expect((await get<ChartData>(onlyAcme, '/dashboard/api/charts/pulls-by-org', { org: 'globex' })).rows).toEqual([]);
    } finally {
      await onlyAcme.close();
    }

    // serve passes its --org and --namespace on: its dashboard shows what its API serves.
    const served = await startLocalApi({ lake: lake.path, orgs: ['acme'], namespaces: ['pubco'], env: {}, log: () => undefined });
    try {
      const meta = (await (await fetch(`${served.url}/dashboard/api/meta`)).json()) as DashboardMeta;
      expect({ orgs: meta.orgs, namespaces: meta.namespaces }).toEqual({ orgs: ['acme'], namespaces: ['pubco'] });
    } finally {
      await served.close();
    }

    const onlyPubco = createDashboard({ lake: lake.path, showUsers: false, scopes: { orgs: [], namespaces: ['pubco'] } });
    try {
      const meta = await get<DashboardMeta>(onlyPubco, '/dashboard/api/meta');
      expect({ orgs: meta.orgs, namespaces: meta.namespaces }).toEqual({ orgs: [], namespaces: ['pubco'] });
      expect(meta.charts.map((chart) => chart.source)).toEqual(['dvp', 'dvp', 'dvp', 'dvp']);
      expect(meta.leftOut).toEqual([]);
      const top = await get<ChartData>(onlyPubco, '/dashboard/api/charts/dvp-top-repositories');
      expect(top.rows).toEqual(
        await sql(`SELECT repository, sum(${SUMMED}) AS pulls FROM dvp_repo_summary_weekly WHERE namespace = 'pubco' GROUP BY 1 ORDER BY pulls DESC, repository LIMIT 10`),
      );
    } finally {
      await onlyPubco.close();
    }
  });
});
