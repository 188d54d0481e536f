import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLake } from '../../../cli/local-lake-query.js';
import { startLocalApi, type LocalApi } from '../../../cli/serve/local-api-server.js';
import { createSimulator, type SchemaField } from '../../../simulator/index.js';
import { browserAvailable, type TestBrowser } from '../../support/browser.js';
import { runCliInProcess } from '../../support/cli-runner.js';
import { simulatorEnv } from '../../support/engine.js';
import { tempDir } from '../../support/temp-dir.js';
import { openDashboard } from './dashboard-fixture.js';
import { OUTPUT, openOffline, asText, drawn, marks, tableRows, watchErrors } from './page-helpers.js';

const ORGS = ['acme', 'globex'];
const DAYS = 20;

const field = (name: string, type: string): SchemaField => ({ name, type, description: '' });
/** usage_pulls without a tag column (nor an IP one): the top tags chart must give way to its note. */
const NO_TAG_FIELDS = [field('day', 'date'), field('hub_username', 'string'), field('image_repository', 'string'), field('event_count', 'integer')];

interface Lake {
  readonly path: string;
  remove(): Promise<void>;
}

/** A lake the CLI's own sync wrote from the simulator. */
async function syncedLake(name: string, reportTypes: { type: string; cadence: string; fields?: SchemaField[] }[]): Promise<Lake> {
  const sim = await createSimulator({ orgs: ORGS, days: DAYS, reportBytes: 20_000, reportTypes });
  try {
    const lake = await tempDir(name);
    const sync = await runCliInProcess(['sync', ...ORGS.flatMap((org) => ['--org', org]), '--dest', lake.path], simulatorEnv(sim));
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    return lake;
  } finally {
    await sim.close();
  }
}

describe.skipIf(!browserAvailable('dashboard browser tests'))('the dashboard in a real browser', () => {
  let lake: Lake;
  let duck: LocalLake;
  let server: LocalApi;
  let chromium: TestBrowser;
  let context: BrowserContext;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    lake = await syncedLake('dashboard', [
      { type: 'usage_pulls', cadence: 'daily' },
      { type: 'image_access', cadence: 'daily' },
    ]);
    ({ duck, server, chromium, context, close } = await openDashboard(lake.path, { orgs: ORGS }));
  }, 120_000);

  afterAll(async () => {
    await close?.();
    await lake?.remove();
  });

  /** DuckDB's own answer, over the views of the lake (not the dashboard's copies). */
  const sql = async (text: string) => (await duck.query(text)).jsonRows();

  it('draws every chart with its series and marks, hides user names, and logs no error', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await drawn(page);

    const repositories = Number((await sql('SELECT count(DISTINCT image_repository) FROM usage_pulls_daily'))[0]![0]);
    const tags = Number((await sql('SELECT count(*) FROM (SELECT DISTINCT image_repository, tag FROM usage_pulls_daily)'))[0]![0]);
    expect(await marks(page, 'pulls-by-org', 'area', 'path')).toBe(ORGS.length);
    expect(await marks(page, 'pulls-by-repository', 'area', 'path')).toBe(Math.min(5, repositories));
    expect(await marks(page, 'top-repositories', 'bar', 'rect')).toBe(Math.min(10, repositories));
    expect(await marks(page, 'top-tags', 'bar', 'rect')).toBe(Math.min(10, tags));
    expect(await marks(page, 'distinct-users-ips', 'line', 'path')).toBe(2);
    expect(await marks(page, 'automated-share', 'line', 'path')).toBe(1);

    const top = await sql(`SELECT image_repository, sum(event_count) AS pulls FROM usage_pulls_daily
      GROUP BY image_repository ORDER BY pulls DESC, image_repository LIMIT 10`);
    expect(await tableRows(page, 'top-repositories')).toEqual(asText(top));
    const perDay = await sql('SELECT report_date, org, sum(event_count) FROM usage_pulls_daily GROUP BY 1, 2 ORDER BY 1, 2');
    expect(await tableRows(page, 'pulls-by-org')).toEqual(asText(perDay));
    const people = await sql(`SELECT report_date, count(DISTINCT nullif(hub_username, '')), count(DISTINCT nullif(ip_address, ''))
      FROM usage_pulls_daily GROUP BY 1 ORDER BY 1`);
    expect(await tableRows(page, 'distinct-users-ips')).toEqual(asText(people));

    // Each chart says what it reads and shows SQL that DuckDB runs to the same rows.
    const source = await page.locator('section[data-chart="top-repositories"] .source').textContent();
    expect(source).toContain('usage_pulls_daily');
    expect(source).toContain('image_repository');
    await page.locator('section[data-chart="top-repositories"] details.sql summary').click();
    const shown = await page.locator('section[data-chart="top-repositories"] details.sql pre').textContent();
    expect(await sql(shown!)).toEqual(top);

    // User names stay hidden (the top users chart is left out, saying why); counts are shown.
    await expect(page.locator('.left-out li[data-chart="top-users"]').textContent()).resolves.toContain('--show-users');
    const names = (await sql("SELECT DISTINCT hub_username FROM usage_pulls_daily WHERE hub_username <> ''")).map((row) => String(row[0]));
    const text = await page.locator('body').innerText();
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(text).not.toContain(name);

    await page.screenshot({ path: join(OUTPUT, 'dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('redraws with the filtered numbers when a filter changes, and keeps the filters in the URL', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await drawn(page);
    const from = String((await sql('SELECT min(report_date) + INTERVAL 10 DAY FROM usage_pulls_daily'))[0]![0]).slice(0, 10);

    await page.selectOption('select[name="org"]', 'acme');
    await drawn(page);
    await page.fill('input[name="from"]', from);
    await page.locator('input[name="from"]').dispatchEvent('change');
    await page.waitForURL((url) => url.searchParams.get('org') === 'acme' && url.searchParams.get('from') === from);
    await drawn(page);

    const expected = await sql(`SELECT image_repository, sum(event_count) AS pulls FROM usage_pulls_daily
      WHERE org = 'acme' AND report_date >= DATE '${from}' GROUP BY image_repository ORDER BY pulls DESC, image_repository LIMIT 10`);
    expect(await tableRows(page, 'top-repositories')).toEqual(asText(expected));
    expect(await marks(page, 'pulls-by-org', 'area', 'path')).toBe(1);
    const days = await sql(`SELECT report_date, org, sum(event_count) FROM usage_pulls_daily
      WHERE org = 'acme' AND report_date >= DATE '${from}' GROUP BY 1, 2 ORDER BY 1`);
    expect(await tableRows(page, 'pulls-by-org')).toEqual(asText(days));

    // The URL is the view: opened again (a bookmark), it shows the same numbers, and so does the repository filter.
    const repo = String(expected[0]![0]);
    await page.goto(`${page.url()}&repo=${encodeURIComponent(repo)}`);
    await drawn(page);
    await expect(page.locator('select[name="org"]').inputValue()).resolves.toBe('acme');
    const one = await sql(`SELECT image_repository, sum(event_count) FROM usage_pulls_daily
      WHERE org = 'acme' AND report_date >= DATE '${from}' AND image_repository = '${repo}' GROUP BY 1`);
    expect(await tableRows(page, 'top-repositories')).toEqual(asText(one));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('writes a report file that opens offline from file:// with the same numbers', async () => {
    const out = join(lake.path, '..', `report-${process.pid}.html`);
    const run = await runCliInProcess(['report', '--lake', lake.path, '--org', 'globex', '--out', out], {});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('no network needed');
    const html = await readFile(out, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/);

    const { context: offline, page, refused, errors } = await openOffline(chromium.browser, out);
    const top = await sql(`SELECT image_repository, sum(event_count) AS pulls FROM usage_pulls_daily WHERE org = 'globex'
      GROUP BY image_repository ORDER BY pulls DESC, image_repository LIMIT 10`);
    expect(await tableRows(page, 'top-repositories')).toEqual(asText(top));
    expect(await marks(page, 'pulls-by-org', 'area', 'path')).toBe(1);
    expect(await marks(page, 'distinct-users-ips', 'line', 'path')).toBe(2);
    expect(await page.locator('#controls').innerText()).toContain('org globex');
    await page.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true });
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
    await offline.close();
  });

  it('leaves out a chart whose columns the lake lacks, with its note', async () => {
    const bare = await syncedLake('dashboard-bare', [{ type: 'usage_pulls', cadence: 'daily', fields: NO_TAG_FIELDS }]);
    const other = await startLocalApi({ lake: bare.path, orgs: ORGS, env: {}, log: () => undefined });
    try {
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${other.url}/`);
      await drawn(page);
      await expect(page.locator('section[data-chart="top-tags"]').count()).resolves.toBe(0);
      await expect(page.locator('.left-out li[data-chart="top-tags"]').textContent()).resolves.toContain('no tag column');
      await expect(page.locator('.left-out li[data-chart="automated-share"]').count()).resolves.toBe(1);
      // What it can still draw, it draws: users only, said under the chart.
      expect(await marks(page, 'distinct-users-ips', 'line', 'path')).toBe(1);
      await expect(page.locator('section[data-chart="distinct-users-ips"] .note').textContent()).resolves.toContain('no IP column');
      expect(await marks(page, 'pulls-by-org', 'area', 'path')).toBe(ORGS.length);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await other.close();
      await bare.remove();
    }
  });
});
