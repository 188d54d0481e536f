import * as z from 'zod';
import { json, type ApiResponse } from '../../shared/api/api-types.js';
import { clientBundle } from './client-bundle.js';
import type { DashboardData, DashboardScopes } from './dashboard-data.js';
import { parseFilters, type DashboardFilters } from './filters.js';
import { dashboardPage } from './page.js';

export type { DashboardFilters } from './filters.js';
export type { DashboardScopes } from './dashboard-data.js';
export { parseFilters } from './filters.js';

export interface DashboardOptions {
  readonly lake: string;
  /** Show user names (the top users chart); counts are shown either way. */
  readonly showUsers: boolean;
  /** The orgs and namespaces shown, as `serve --org/--namespace` limits its API. @default every one the lake holds */
  readonly scopes?: DashboardScopes;
}

export interface Dashboard {
  /** The answer to a request for the dashboard, or undefined when the path is not the dashboard's. */
  handle(method: string, path: string, query: Readonly<Record<string, string>>): Promise<ApiResponse | undefined>;
  close(): Promise<void>;
}

const TITLE = 'Docker usage';
const SCRIPT_PATH = '/dashboard/app.js';
const CHART_PATH = /^\/dashboard\/api\/charts\/([a-z0-9-]{1,64})$/;

/** DuckDB is loaded only when the dashboard is first asked for data. */
async function openData(options: DashboardOptions): Promise<DashboardData> {
  const { DashboardData } = await import('./dashboard-data.js');
  return new DashboardData(options.lake, { showUsers: options.showUsers, ...(options.scopes ? { scopes: options.scopes } : {}) });
}

/**
 * The dashboard of `serve`: the page at `/`, its script, and one JSON route
 * per chart that runs the chart's fixed statement with the filters bound.
 * The lake is read (and its charted columns copied into DuckDB) as soon as
 * it starts, so the first page finds it ready.
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const data = openData(options);
  // Started now, awaited by the requests: a failure is answered then, not thrown here.
  void data.then((ready) => ready.meta()).catch(() => undefined);
  void clientBundle().catch(() => undefined);

  async function answer(path: string, query: Readonly<Record<string, string>>): Promise<ApiResponse | undefined> {
    if (path === '/' || path === '/index.html') return html(dashboardPage({ title: TITLE, script: { src: SCRIPT_PATH } }));
    if (path === SCRIPT_PATH) return { status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }, body: await clientBundle() };
    if (path === '/dashboard/api/meta') return json(200, await (await data).meta());
    const chart = CHART_PATH.exec(path);
    if (!chart) return path.startsWith('/dashboard/') ? json(404, { error: `no such dashboard path: ${path}` }) : undefined;
    let filters: DashboardFilters;
    try {
      filters = parseFilters(query);
    } catch (error) {
      if (error instanceof z.ZodError) return json(400, { error: `bad filter: ${error.issues.map((issue) => `${issue.path.join('.') || 'query'} ${issue.message}`).join('; ')}` });
      throw error;
    }
    const result = await (await data).chart(chart[1]!, filters);
    return result ? json(200, result) : json(404, { error: `no chart ${chart[1]} over this lake` });
  }

  return {
    async handle(method, path, query) {
      if (path !== '/' && path !== '/index.html' && !path.startsWith('/dashboard/')) return undefined;
      if (method !== 'GET' && method !== 'HEAD') return json(405, { error: `${method} is not allowed here: the dashboard is read-only` }, { allow: 'GET, HEAD' });
      return answer(path, query);
    },
    async close() {
      await (await data.catch(() => undefined))?.close();
    },
  };
}

function html(body: string): ApiResponse {
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }, body };
}

/**
 * One HTML file with the dashboard's charts for `filters`, their data and
 * the chart library written into it: it opens from disk, offline, anywhere.
 */
export async function dashboardReport(options: DashboardOptions & { filters: DashboardFilters; now: Date }): Promise<{ html: string; charts: number; leftOut: number }> {
  const data = await openData(options);
  try {
    const meta = await data.meta();
    const charts = await data.charts(options.filters);
    const report = { meta, filters: options.filters, charts, generatedAt: options.now.toISOString().replace(/\.\d+Z$/, 'Z') };
    return { html: dashboardPage({ title: TITLE, script: { inline: await clientBundle() }, report }), charts: charts.length, leftOut: meta.leftOut.length };
  } finally {
    await data.close();
  }
}
