import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type CatalogReport, type Simulator } from '../../simulator/index.js';
import { TEST_NOW, apiJson, jwtFor } from './sim-helpers.js';

interface Page {
  reports: CatalogReport[];
  next_page_token: string;
}

async function page(sim: Simulator, jwt: string, listing: string, query = ''): Promise<Page> {
  const { status, body } = await apiJson(sim, `/orgs/acme/reports/${listing}${query}`, jwt);
  expect(status).toBe(200);
  return body as Page;
}

/** Every page of a listing, following next_page_token. */
async function allPages(sim: Simulator, jwt: string, listing: string, pageSize: number): Promise<Page[]> {
  const pages: Page[] = [];
  let token = '';
  do {
    const query = `?page_size=${pageSize}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
    const current = await page(sim, jwt, listing, query);
    pages.push(current);
    token = current.next_page_token;
  } while (token && pages.length < 100);
  return pages;
}

describe('Listing reports', () => {
  let sim: Simulator;
  let jwt: string;
  let clock = TEST_NOW;

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme', 'globex'], days: 30, now: () => clock });
    jwt = await jwtFor(sim, 'acme');
  });
  afterAll(() => sim.close());

  it('lists 30 daily reports ending yesterday, newest first, 30 to a page by default', async () => {
    const first = await page(sim, jwt, 'usage_pulls/daily');
    expect(first.next_page_token).toBe('');
    expect(first.reports).toHaveLength(30);
    expect(first.reports[0]).toEqual({
      ReportType: 'usage_pulls',
      Cadence: 'daily',
      Date: '2026-06-16',
      SizeBytes: 4096,
      Key: 'acme/usage_pulls/daily/2026-06-16.csv',
    });
    expect(first.reports.at(-1)!.Date).toBe('2026-05-18');
    const dates = first.reports.map((r) => r.Date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(first.reports).toEqual(sim.reports('acme').filter((r) => r.ReportType === 'usage_pulls' && r.Cadence === 'daily'));
  });

  it.each([1, 7, 29, 30, 100])('pages of %i concatenate to every report, newest first', async (size) => {
    const pages = await allPages(sim, jwt, 'usage_pulls/daily', size);
    expect(pages).toHaveLength(Math.ceil(30 / size));
    for (const p of pages.slice(0, -1)) {
      expect(p.reports).toHaveLength(size);
      expect(p.next_page_token).not.toBe('');
    }
    expect(pages.at(-1)!.next_page_token).toBe('');
    const listed = pages.flatMap((p) => p.reports);
    expect(listed.map((r) => r.Date)).toEqual(sim.reports('acme').filter((r) => r.Cadence === 'daily' && r.ReportType === 'usage_pulls').map((r) => r.Date));
    expect(new Set(listed.map((r) => r.Date)).size).toBe(30);
  });

  it('dates weekly reports on the Mondays of the window', async () => {
    const { reports } = await page(sim, jwt, 'usage_pulls/weekly');
    expect(reports.map((r) => r.Date)).toEqual(['2026-06-15', '2026-06-08', '2026-06-01', '2026-05-25', '2026-05-18']);
    for (const r of reports) expect(new Date(`${r.Date}T00:00:00Z`).getUTCDay()).toBe(1);
  });

  it('refuses a page token of another listing or org, or one tampered with', async () => {
    const { next_page_token: token } = await page(sim, jwt, 'usage_pulls/daily', '?page_size=5');
    expect(token).not.toBe('');
    const bad = { status: 400, body: { error: 'invalid input: invalid page token' } };
    expect(await apiJson(sim, `/orgs/acme/reports/image_access/daily?page_token=${token}`, jwt)).toEqual(bad);
    const globex = await jwtFor(sim, 'globex');
    expect(await apiJson(sim, `/orgs/globex/reports/usage_pulls/daily?page_token=${token}`, globex)).toEqual(bad);
    const [payload, signature] = token.split('.') as [string, string];
    const swapped = Buffer.from('acme/usage_pulls/daily|2026-05-20').toString('base64url');
    expect(await apiJson(sim, `/orgs/acme/reports/usage_pulls/daily?page_token=${swapped}.${signature}`, jwt)).toEqual(bad);
    expect(await apiJson(sim, `/orgs/acme/reports/usage_pulls/daily?page_token=${payload}`, jwt)).toEqual(bad);
    expect(await apiJson(sim, `/orgs/acme/reports/usage_pulls/daily?page_token=${token}x`, jwt)).toEqual(bad);
  });

  it('treats an empty page_token as the first page', async () => {
    const { reports } = await page(sim, jwt, 'usage_pulls/daily', '?page_token=&page_size=2');
    expect(reports.map((r) => r.Date)).toEqual(['2026-06-16', '2026-06-15']);
  });

  it('moves the retention window with the clock, and a cursor still resumes after its date', async () => {
    const first = await page(sim, jwt, 'usage_pulls/daily', '?page_size=10');
    clock = new Date(TEST_NOW.getTime() + 86_400_000);
    try {
      // A day later the JWT has long expired: a new one, as any client would get.
      const jwt = await jwtFor(sim, 'acme');
      const second = await page(sim, jwt, 'usage_pulls/daily', `?page_size=10&page_token=${first.next_page_token}`);
      expect(second.reports[0]!.Date).toBe('2026-06-06');
      const fresh = await page(sim, jwt, 'usage_pulls/daily');
      expect(fresh.reports[0]!.Date).toBe('2026-06-17');
      expect(fresh.reports.at(-1)!.Date).toBe('2026-05-19');
      expect((await apiJson(sim, '/orgs/acme/reports/usage_pulls/daily/2026-05-18/download', jwt)).status).toBe(404);
    } finally {
      clock = TEST_NOW;
    }
  });

  it('reports sizes from sizeFor, and follows it when it changes mid-run', async () => {
    let regenerated = false;
    const sized = await createSimulator({
      now: () => TEST_NOW,
      days: 3,
      sizeFor: (_org, type, _cadence, date) => (type === 'usage_pulls' ? 10_000 + Number(date.slice(8)) + (regenerated ? 7 : 0) : undefined),
    });
    try {
      const token = await jwtFor(sized, 'acme');
      const before = ((await apiJson(sized, '/orgs/acme/reports/usage_pulls/daily', token)).body as Page).reports;
      expect(before.map((r) => r.SizeBytes)).toEqual([10_016, 10_015, 10_014]);
      regenerated = true;
      const after = ((await apiJson(sized, '/orgs/acme/reports/usage_pulls/daily', token)).body as Page).reports;
      expect(after.map((r) => r.SizeBytes)).toEqual([10_023, 10_022, 10_021]);
      expect(sized.reportSize('acme', 'image_access', 'daily', '2026-06-16')).toBe(4096);
    } finally {
      await sized.close();
    }
  });
});
