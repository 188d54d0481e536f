import type { BrowserContext } from 'playwright-core';
import { LocalLake } from '../../../cli/local-lake-query.js';
import { startLocalApi, type LocalApi } from '../../../cli/serve/local-api-server.js';
import { launchBrowser, type TestBrowser } from '../../support/browser.js';

/** A lake served as `serve` serves it, DuckDB over the same lake for the expected numbers, and a browser to look. */
export interface DashboardFixture {
  readonly duck: LocalLake;
  readonly server: LocalApi;
  readonly chromium: TestBrowser;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function openDashboard(lake: string, scopes: { readonly orgs: readonly string[]; readonly namespaces?: readonly string[] }): Promise<DashboardFixture> {
  const duck = await LocalLake.open(lake);
  const server = await startLocalApi({ lake, orgs: scopes.orgs, ...(scopes.namespaces ? { namespaces: scopes.namespaces } : {}), env: {}, log: () => undefined });
  const chromium = await launchBrowser();
  const context = await chromium.browser.newContext({ viewport: { width: 1400, height: 1000 } });
  return {
    duck,
    server,
    chromium,
    context,
    async close() {
      await context.close();
      await chromium.close();
      await server.close();
      duck.close();
    },
  };
}
