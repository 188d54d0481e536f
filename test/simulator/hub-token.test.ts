import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../simulator/index.js';
import { TEST_NOW, apiGet, exchange, jwtFor } from './sim-helpers.js';

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('Hub token exchange', () => {
  let sim: Simulator;
  let clock = TEST_NOW;

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme', 'globex-eu'], days: 3, jwtTtlSeconds: 600, now: () => clock });
  });
  afterAll(() => sim.close());

  it('generates an obviously fake OAT per org', () => {
    expect(sim.oatFor('acme')).toMatch(/^sim-oat-acme-[0-9a-f]{24}$/);
    expect(sim.oatFor('globex-eu')).toMatch(/^sim-oat-globex-eu-[0-9a-f]{24}$/);
    expect(() => sim.oatFor('nobody')).toThrow(/no org nobody/);
  });

  it('issues an HS256 JWT for the org, expiring after the TTL', async () => {
    const res = await exchange(sim, { identifier: 'acme', secret: sim.oatFor('acme') });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    const [header, , signature] = body.access_token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const claims = claimsOf(body.access_token);
    expect(claims).toMatchObject({ sub: 'acme', org: 'acme', iat: TEST_NOW.getTime() / 1000 });
    expect(claims.exp).toBe(TEST_NOW.getTime() / 1000 + 600);
  });

  it.each([
    ['a wrong secret', () => ({ identifier: 'acme', secret: 'sim-oat-acme-wrong' })],
    ["another org's secret", () => ({ identifier: 'acme', secret: sim.oatFor('globex-eu') })],
    ['no secret', () => ({ identifier: 'acme' })],
    ['an unknown org', () => ({ identifier: 'nobody', secret: sim.oatFor('acme') })],
    ['a secret that is not a string', () => ({ identifier: 'acme', secret: 42 })],
  ])('answers 401 with a detail for %s', async (_what, body) => {
    const res = await exchange(sim, body());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: 'Incorrect authentication credentials' });
  });

  it('answers 400 to a body that is not a JSON object', async () => {
    for (const body of ['{"identifier": "acme",', '"acme"', '[1]']) {
      const res = await exchange(sim, body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/Invalid request body/);
    }
  });

  it('only accepts POST', async () => {
    const res = await fetch(`${sim.hubUrl}/v2/auth/token`);
    expect(res.status).toBe(405);
    await res.body?.cancel();
  });

  it('refuses a JWT once the clock passes its exp, and a fresh exchange works again', async () => {
    const jwt = await jwtFor(sim, 'acme');
    expect((await apiGet(sim, '/orgs/acme/reports', jwt)).status).toBe(200);
    clock = new Date(TEST_NOW.getTime() + 599_000);
    expect((await apiGet(sim, '/orgs/acme/reports', jwt)).status).toBe(200);
    clock = new Date(TEST_NOW.getTime() + 600_000);
    const expired = await apiGet(sim, '/orgs/acme/reports', jwt);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ error: 'unauthenticated' });
    expect((await apiGet(sim, '/orgs/acme/reports', await jwtFor(sim, 'acme'))).status).toBe(200);
    clock = TEST_NOW;
  });

  it('refuses a token with a tampered payload or from another simulator', async () => {
    const jwt = await jwtFor(sim, 'acme');
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(jwt), org: 'globex-eu', sub: 'globex-eu' })).toString('base64url');
    expect(payload).not.toBe(forged);
    expect((await apiGet(sim, '/orgs/globex-eu/reports', `${header}.${forged}.${signature}`)).status).toBe(401);

    const other = await createSimulator({ orgs: ['acme'], now: () => TEST_NOW });
    try {
      const foreign = await jwtFor(other, 'acme');
      expect((await apiGet(sim, '/orgs/acme/reports', foreign)).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('counts exchanges, failed ones included', async () => {
    sim.stats.reset();
    await jwtFor(sim, 'acme');
    await (await exchange(sim, { identifier: 'acme', secret: 'nope' })).body?.cancel();
    expect(sim.stats.token).toBe(2);
    expect(sim.stats.types).toBe(0);
  });
});
