import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSimulator } from '../../simulator/index.js';
import { CLI, engineEnv } from '../support/engine-cli.js';
import { expectSuccess, measure, median } from '../support/measure.js';
import type { Row } from '../support/results.js';

const ORGS = ['acme', 'globex'];
/** Targets of issue 11: every data request, and the page drawn whole. */
const REQUEST_TARGET_MS = 300;
const PAINT_TARGET_MS = 1_000;

/** `docker-reports serve` as users start it; resolves with the URL it prints. */
function startServe(lake: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--lake', lake, '--port', '0'], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /Dashboard: (http:\/\/[^\s]+?)\/?\n/.exec(out)?.[1];
      if (url) resolve({ url, child });
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code} before listening: ${out}`)));
  });
}

async function timed(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return performance.now() - started;
}

/**
 * The first paint of `/` in Debian's Chromium when there is one (playwright-core,
 * never a downloaded browser): navigation to every chart drawn, in a fresh page.
 */
async function paints(url: string, rounds: number): Promise<number[] | undefined> {
  if (!existsSync('/usr/bin/chromium')) return undefined;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const walls: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(`${url}/`);
      await page.waitForSelector('main#charts[aria-busy="false"]');
      walls.push(performance.now() - started);
      await context.close();
    }
    return walls;
  } finally {
    await browser.close();
  }
}

/**
 * The dashboard over a lake of 2 orgs x `days` daily reports (usage_pulls and
 * image_access): the server's first read of the lake, each chart's data
 * request (unfiltered, and by org and date range), and the page's first paint.
 */
export async function dashboard(options: { days: number; rounds: number }): Promise<Row[]> {
  const lake = await mkdtemp(join(tmpdir(), 'bench-dashboard-'));
  const sim = await createSimulator({
    orgs: ORGS,
    days: options.days,
    reportBytes: 40_000,
    reportTypes: [
      { type: 'usage_pulls', cadence: 'daily' },
      { type: 'image_access', cadence: 'daily' },
    ],
  });
  const label = `${ORGS.length} orgs x ${options.days} daily reports`;
  try {
    expectSuccess('dashboard lake sync', await measure(process.execPath, [CLI, 'sync', ...ORGS.flatMap((org) => ['--org', org]), '--dest', lake], engineEnv(sim)));
  } finally {
    await sim.close();
  }
  const { url, child } = await startServe(lake);
  try {
    const rows: Row[] = [];
    const ready = await timed(`${url}/dashboard/api/meta`);
    rows.push({ scenario: `dashboard: first read of the lake (${label})`, contestant: 'serve', wallMs: ready, note: 'once at start and after a landing: copies the charted columns into DuckDB' });
    const meta = (await (await fetch(`${url}/dashboard/api/meta`)).json()) as { charts: { id: string }[]; dates: { last: string } };
    // A different range each round: the server keeps answers per lake copy, and a filtered request must be a real query.
    const from = (round: number) => new Date(Date.parse(`${meta.dates.last}T00:00:00Z`) - (90 + round) * 86_400_000).toISOString().slice(0, 10);
    for (const chart of meta.charts) {
      const walls: number[] = [];
      for (let round = 0; round < options.rounds; round += 1) {
        walls.push(await timed(`${url}/dashboard/api/charts/${chart.id}`));
        walls.push(await timed(`${url}/dashboard/api/charts/${chart.id}?org=acme&from=${from(round)}`));
      }
      const worst = Math.max(...walls);
      rows.push({
        scenario: `dashboard data: ${chart.id} (${label})`,
        contestant: 'serve',
        wallMs: median(walls),
        verdict: `${worst < REQUEST_TARGET_MS ? 'met' : 'MISSED'}: slowest ${worst.toFixed(0)} ms < ${REQUEST_TARGET_MS} ms`,
        note: `${walls.length} requests: all orgs (answered when the lake was read), and acme over ~90 days (queried)`,
      });
    }
    const painted = await paints(url, options.rounds);
    if (painted) {
      const worst = Math.max(...painted);
      rows.push({
        scenario: `dashboard: first paint of / (${label})`,
        contestant: 'serve + Chromium',
        wallMs: median(painted),
        verdict: `${worst < PAINT_TARGET_MS ? 'met' : 'MISSED'}: slowest ${worst.toFixed(0)} ms < ${PAINT_TARGET_MS} ms`,
        note: `navigation to all ${meta.charts.length} charts drawn, fresh page each round`,
      });
    } else rows.push({ scenario: `dashboard: first paint of / (${label})`, contestant: 'serve + Chromium', wallMs: NaN, note: 'not measured: no /usr/bin/chromium' });
    return rows;
  } finally {
    child.kill('SIGTERM');
    await rm(lake, { recursive: true, force: true });
  }
}
