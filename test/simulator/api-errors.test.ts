import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../simulator/index.js';
import { apiGet, apiJson, fixedClock, jwtFor } from './sim-helpers.js';

/** Every path of the four operations, for one existing report. */
const OPERATIONS = {
  types: '/orgs/acme/reports',
  list: '/orgs/acme/reports/usage_pulls/daily',
  schema: '/orgs/acme/reports/usage_pulls/daily/2026-06-16/schema',
  download: '/orgs/acme/reports/usage_pulls/daily/2026-06-16/download',
};

describe('Enterprise Data API: authentication, validation and error envelopes', () => {
  let sim: Simulator;
  let acme: string;
  let globex: string;

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme', 'globex'], now: fixedClock });
    acme = await jwtFor(sim, 'acme');
    globex = await jwtFor(sim, 'globex');
  });
  afterAll(() => sim.close());

  it.each(Object.entries(OPERATIONS))('%s: 401 without a token, with a malformed one, or with an OAT', async (_op, path) => {
    for (const jwt of [undefined, 'not-a-jwt', 'a.b.c', sim.oatFor('acme')]) {
      const res = await apiGet(sim, path, jwt);
      expect(res.status, String(jwt)).toBe(401);
      expect(await res.json()).toEqual({ error: 'unauthenticated' });
    }
  });

  it.each(Object.entries(OPERATIONS))("%s: 403 with a valid JWT of another org", async (_op, path) => {
    expect(await apiJson(sim, path, globex)).toEqual({ status: 403, body: { error: 'permission denied' } });
  });

  it.each(Object.entries(OPERATIONS))('%s: succeeds with the org\'s JWT', async (_op, path) => {
    const res = await apiGet(sim, path, acme);
    expect(res.status).toBe(path.endsWith('/download') ? 302 : 200);
    await res.body?.cancel();
  });

  it.each([
    ['/orgs/ACME/reports', 'org contains invalid characters'],
    ['/orgs/_acme/reports', 'org contains invalid characters'],
    ['/orgs/acme/reports/Usage_Pulls/daily', 'type contains invalid characters'],
    ['/orgs/acme/reports/usage%20pulls/daily', 'type contains invalid characters'],
    ['/orgs/acme/reports/usage_pulls/-daily', 'cadence contains invalid characters'],
    ['/orgs/acme/reports/usage_pulls/daily/2026-02-30/schema', 'date must be a valid YYYY-MM-DD date'],
    ['/orgs/acme/reports/usage_pulls/daily/2026-6-16/download', 'date must be a valid YYYY-MM-DD date'],
    ['/orgs/acme/reports/usage_pulls/daily/20260616/schema', 'date must be a valid YYYY-MM-DD date'],
    ['/orgs/acme/reports/usage_pulls/daily?page_size=0', 'page_size must be an integer between 1 and 100'],
    ['/orgs/acme/reports/usage_pulls/daily?page_size=101', 'page_size must be an integer between 1 and 100'],
    ['/orgs/acme/reports/usage_pulls/daily?page_size=2.5', 'page_size must be an integer between 1 and 100'],
    ['/orgs/acme/reports/usage_pulls/daily?page_size=ten', 'page_size must be an integer between 1 and 100'],
    ['/orgs/acme/reports/usage_pulls/daily?page_token=garbage', 'invalid page token'],
  ])('400 for %s', async (path, message) => {
    expect(await apiJson(sim, path, acme)).toEqual({ status: 400, body: { error: `invalid input: ${message}` } });
  });

  it('checks the token before the input: a bad segment without a token is a 401', async () => {
    expect((await apiJson(sim, '/orgs/ACME/reports', undefined)).status).toBe(401);
  });

  it.each([
    '/orgs/acme/reports/usage_pulls/monthly',
    '/orgs/acme/reports/audit_log/daily',
    '/orgs/acme/reports/usage_pulls/daily/2026-06-17/schema',
    '/orgs/acme/reports/usage_pulls/daily/2026-06-17/download',
    '/orgs/acme/reports/usage_pulls/daily/2026-05-17/download',
    '/orgs/acme/reports/usage_pulls/weekly/2026-06-16/schema',
  ])('404 not found for %s', async (path) => {
    expect(await apiJson(sim, path, acme)).toEqual({ status: 404, body: { error: 'not found' } });
  });

  it('404 for paths outside the four operations, in the same envelope', async () => {
    for (const path of ['/orgs/acme', '/orgs/acme/reports/', '/orgs/acme/reports/usage_pulls/daily/2026-06-16', '/orgs/acme/reports/usage_pulls/daily/2026-06-16/csv']) {
      expect(await apiJson(sim, path, acme), path).toEqual({ status: 404, body: { error: 'not found' } });
    }
  });

  it('only answers GET', async () => {
    const res = await fetch(`${sim.apiUrl}${OPERATIONS.types}`, { method: 'POST', headers: { authorization: `Bearer ${acme}` } });
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ error: 'method not allowed' });
  });

  it('lists the configured report types and cadences', async () => {
    expect(await apiJson(sim, OPERATIONS.types, acme)).toEqual({
      status: 200,
      body: {
        report_types: [
          { ReportType: 'usage_pulls', Cadence: 'daily' },
          { ReportType: 'usage_pulls', Cadence: 'weekly' },
          { ReportType: 'image_access', Cadence: 'daily' },
        ],
      },
    });
  });

  it('answers 404 to the report types of an org that has no report', async () => {
    const empty = await createSimulator({ orgs: ['acme'], days: 0, now: fixedClock });
    try {
      expect(await apiJson(empty, '/orgs/acme/reports', await jwtFor(empty, 'acme'))).toEqual({ status: 404, body: { error: 'not found' } });
    } finally {
      await empty.close();
    }
  });

  it("serves each date's schema with name, type and description", async () => {
    const { status, body } = await apiJson(sim, OPERATIONS.schema, acme);
    expect(status).toBe(200);
    const schema = body as { category: string; fields: { name: string; type: string; description: string }[] };
    expect(schema.category).toBe('usage_pulls');
    expect(schema.fields.map((f) => f.name)).toEqual([
      'day', 'hub_username', 'image_repository', 'namespace', 'tag', 'image_digest', 'privacy', 'billing_entity',
      'auth_name', 'ip_address', 'os', 'user_agent', 'version_checks', 'data_downloads', 'event_count', 'egress_size_bytes',
    ]);
    expect(schema.fields.every((f) => f.description.length > 0)).toBe(true);
    expect(schema).toEqual(sim.reportSchema('usage_pulls', 'daily', '2026-06-16'));
  });

  it('uses the documented types across the report types (timestamp, boolean and float included)', async () => {
    const { body } = await apiJson(sim, '/orgs/acme/reports/image_access/daily/2026-06-16/schema', acme);
    const types = new Set((body as { fields: { type: string }[] }).fields.map((f) => f.type));
    expect([...types].sort()).toEqual(['boolean', 'date', 'float', 'integer', 'string', 'timestamp']);
  });
});
