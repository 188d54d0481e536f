import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { pathToFileURL } from 'node:url';

/** Git-ignored: screenshots a person can look at after a run. */
export const OUTPUT = join(process.cwd(), 'test-output', 'dashboard');

/** Errors the page logs or throws, collected for the whole test. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Waits until every chart has drawn (the page marks its charts busy while any is loading). */
export async function drawn(page: Page): Promise<void> {
  await page.waitForSelector('main#charts[aria-busy="false"]', { timeout: 30_000 });
}

/** How many of a mark's shapes a chart's SVG holds: `path`s of an area or line (one per series), `rect`s of bars. */
export function marks(page: Page, chart: string, mark: 'area' | 'line' | 'bar', shape: 'path' | 'rect'): Promise<number> {
  return page.locator(`section[data-chart="${chart}"] svg g[aria-label="${mark}"] > ${shape}`).count();
}

/** The series a chart's colour legend names (Plot writes one swatch per series), in its order. */
export function legend(page: Page, chart: string): Promise<string[]> {
  return page.locator(`section[data-chart="${chart}"] .figure [class$="-swatch"]`).evaluateAll((swatches) => swatches.map((swatch) => swatch.textContent ?? ''));
}

/** The rows of a chart's data table, as text. */
export async function tableRows(page: Page, chart: string): Promise<string[][]> {
  return page.locator(`section[data-chart="${chart}"] details.data tbody tr`).evaluateAll((rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '')),
  );
}

export const asText = (rows: unknown[][]): string[][] => rows.map((row) => row.map((value) => String(value)));

/**
 * Opens a report file from file:// in a fresh context whose every other
 * request is aborted (and recorded): what a person sees with no network.
 */
export async function openOffline(browser: Browser, file: string): Promise<{ context: BrowserContext; page: Page; refused: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const refused: string[] = [];
  await context.route('**/*', (route) => {
    if (route.request().url().startsWith('file:')) return route.continue();
    refused.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(pathToFileURL(file).href);
  await drawn(page);
  return { context, page, refused, errors };
}
