import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalApi, type LocalApi } from '../../../cli/serve/local-api-server.js';
import { auditFileKey, manifestKey } from '../../../shared/lake/layout.js';
import type { PeriodRef } from '../../../shared/sources/index.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { engineFor, simulatorEnv } from '../../support/engine.js';
import { filesUnder, sha256OfStream } from '../../support/lake-files.js';
import { tempDir } from '../../support/temp-dir.js';

const dailyRef = (date: string): PeriodRef => ({ source: 'enterprise', scope: 'acme', name: 'usage_pulls', cadence: 'daily', period: date });

/** The stack's API served over a local lake, exercised with a real HTTP client. */
describe('docker-reports serve', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };
  let server: LocalApi;
  let clock = Date.now();
  let daily: string[];

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme'], days: 5 });
    lake = await tempDir('serve');
    daily = sim.reports('acme').filter((r) => r.ReportType === 'usage_pulls' && r.Cadence === 'daily').map((r) => r.Date);
    // Everything but the newest daily report is landed.
    const engine = engineFor(sim, new FsSink(lake.path));
    const summary = await engine.sync({ filters: { enterprise: { names: ['usage_pulls'], cadences: ['daily'] } } });
    await engine.close();
    expect(summary.failed).toEqual([]);
    await new FsSink(lake.path).delete(manifestKey(dailyRef(daily[0]!)));
    server = await startLocalApi({ lake: lake.path, orgs: ['acme'], env: simulatorEnv(sim), log: () => undefined, now: () => new Date(clock) });
  });

  afterAll(async () => {
    await server.close();
    await sim.close();
    await lake.remove();
  });

  beforeEach(() => {
    clock = Date.now();
    sim.stats.reset();
  });

  const api = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);
  /** A GET whose path goes on the wire as written: fetch would resolve `%2e%2e` before sending. */
  const rawGet = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(server.url, { path, method: 'GET' }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (text: string) => (body += text));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject).end();
    });
  const upstreamSha = (date: string) => sha256OfStream(sim.reportBody('acme', 'usage_pulls', 'daily', date));
  const sha = (bytes: ArrayBuffer) => createHash('sha256').update(Buffer.from(bytes)).digest('hex');

  it('lists report types as Docker does, with how many are landed and the newest landed date', async () => {
    const answer = (await (await api('/orgs/acme/reports')).json()) as { report_types: Record<string, unknown>[] };

    expect(answer.report_types).toContainEqual({
      ReportType: 'usage_pulls',
      Cadence: 'daily',
      LandedReports: daily.length - 1,
      NewestLandedDate: daily[1],
    });
  });

  it('pages through every report newest first, each marked landed or not', async () => {
    const seen: { Date: string; Landed: boolean }[] = [];
    let token = '';
    do {
      const response = await api(`/orgs/acme/reports/usage_pulls/daily?page_size=2${token ? `&page_token=${token}` : ''}`);
      const page = (await response.json()) as { reports: { Date: string; Landed: boolean }[]; next_page_token: string };
      expect(page.reports.length).toBeLessThanOrEqual(2);
      seen.push(...page.reports);
      token = page.next_page_token;
    } while (token);

    expect(seen.map((r) => r.Date)).toEqual(daily);
    expect(seen.map((r) => r.Landed)).toEqual(daily.map((_, i) => i !== 0));
  });

  it('redirects a download to a signed URL that returns exactly the landed bytes', async () => {
    const date = daily[2]!;

    const redirect = await api(`/orgs/acme/reports/usage_pulls/daily/${date}/download`, { redirect: 'manual' });
    const followed = await fetch(redirect.headers.get('location')!);

    expect(redirect.status).toBe(302);
    expect(followed.status).toBe(200);
    const landed = await readFile(join(lake.path, auditFileKey(dailyRef(date), 0)));
    expect(sha(await followed.arrayBuffer())).toBe(createHash('sha256').update(landed).digest('hex'));
    expect(sim.stats.storage).toBe(0);
  });

  it('lands a report that is not landed yet, then serves it', async () => {
    const newest = daily[0]!;

    const response = await api('/orgs/acme/reports/usage_pulls/daily/latest/download');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`usage_pulls_daily_${newest}.csv`);
    expect(sha(await response.arrayBuffer())).toBe(await upstreamSha(newest));
    expect(sim.stats.storage).toBe(1);
    expect(await filesUnder(lake.path)).toContain(manifestKey(dailyRef(newest)));
  });

  it('lands a report asked for by several requests at once only once: the others wait for that landing', async () => {
    // Prepare
    const date = daily[2]!;
    await new FsSink(lake.path).delete(manifestKey(dailyRef(date)));

    // Act
    const answers = await Promise.all(
      [1, 2, 3].map(() => api(`/orgs/acme/reports/usage_pulls/daily/${date}/download?redirect=false`).then((response) => response.status)),
    );

    // Assess
    expect(answers).toEqual([200, 200, 200]);
    expect(sim.stats.storage).toBe(1);
    expect(await filesUnder(lake.path)).toContain(manifestKey(dailyRef(date)));
  });

  it('answers the URL as JSON with ?redirect=false, valid at most 5 minutes', async () => {
    const answer = (await (await api(`/orgs/acme/reports/usage_pulls/daily/${daily[1]}/download?redirect=false`)).json()) as {
      url: string;
      expires_at: string;
    };

    const lifetime = Date.parse(answer.expires_at) - clock;
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(5 * 60_000);
    expect((await fetch(answer.url)).status).toBe(200);
  });

  it('refuses a signed URL once it has expired, or once it was edited', async () => {
    const { url } = (await (await api(`/orgs/acme/reports/usage_pulls/daily/${daily[1]}/download?redirect=false`)).json()) as { url: string };

    const edited = await fetch(url.replace(daily[1]!, daily[2]!));
    clock += 6 * 60_000;
    const expired = await fetch(url);

    expect(edited.status).toBe(403);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ error: 'Request has expired' });
  });

  it("answers a landed report's schema from its manifest, without asking Docker", async () => {
    const date = daily[3]!;

    const schema = await (await api(`/orgs/acme/reports/usage_pulls/daily/${date}/schema`)).json();

    expect(schema).toEqual(sim.reportSchema('usage_pulls', 'daily', date));
    expect(sim.stats.schema).toBe(0);
  });

  it('starts a sync on POST /orgs/{org}/sync and answers 202 at once', async () => {
    const response = await api('/orgs/acme/sync', { method: 'POST' });

    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'accepted', org: 'acme' });
    await expect.poll(async () => (await filesUnder(lake.path)).filter((f) => f.includes('image_access') && f.endsWith('_manifest.json')).length, {
      timeout: 20_000,
    }).toBe(sim.reports('acme').filter((r) => r.ReportType === 'image_access').length);
  });

  describe('bad input gets Docker\'s error envelope and reaches neither the lake nor Docker', () => {
    it.each([
      ['/orgs/acme/reports/usage_pulls/daily/%2e%2e/download', 400],
      ['/orgs/acme/reports/usage_pulls/daily/..%2f..%2fetc/download', 400],
      ['/orgs/acme/reports/usage_pulls%2Fdaily', 400],
      ['/orgs/acme/reports/Usage/daily', 400],
      ['/orgs/acme/reports/usage_pulls/daily/2026-13-01/download', 400],
      [`/orgs/acme/reports/usage_pulls/daily?page_size=1000`, 400],
      ['/orgs/acme/reports/usage_pulls/daily?page_token=bm9wZQ', 400],
      ['/orgs/someone-else/reports', 404],
      ['/orgs/acme/reports/usage_pulls/daily/2020-01-01/download', 404],
    ])('%s -> %i', async (path, status) => {
      const before = await filesUnder(lake.path);

      const response = await rawGet(path);

      expect(response.status).toBe(status);
      expect(Object.keys(JSON.parse(response.body) as object)).toEqual(['error']);
      expect(await filesUnder(lake.path)).toEqual(before);
      if (status === 400 || path.includes('someone-else')) {
        expect(sim.stats.token + sim.stats.types + sim.stats.list + sim.stats.download).toBe(0);
      }
    });
  });

  it('serves the lake alone when it has no OAT', async () => {
    const lakeOnly = await startLocalApi({ lake: lake.path, orgs: ['acme'], env: {}, log: () => undefined });
    try {
      const listing = (await (await fetch(`${lakeOnly.url}/orgs/acme/reports/usage_pulls/daily?page_size=100`)).json()) as {
        reports: { Landed: boolean }[];
      };
      const sync = await fetch(`${lakeOnly.url}/orgs/acme/sync`, { method: 'POST' });

      expect(listing.reports.every((r) => r.Landed)).toBe(true);
      expect(sync.status).toBe(503);
      expect(((await sync.json()) as { error: string }).error).toMatch(/no OAT for org acme/);
    } finally {
      await lakeOnly.close();
    }
  });
});
