import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../simulator/index.js';
import { claimsOf, dvpGet, dvpJson, dvpJwt, exportsPath, login } from './dvp-helpers.js';
import { TEST_NOW, apiGet, exchange, jwtFor } from './sim-helpers.js';

describe('DVP login and tokens', () => {
  let sim: Simulator;
  let clock = TEST_NOW;

  beforeAll(async () => {
    sim = await createSimulator({
      orgs: ['acme'],
      jwtTtlSeconds: 300,
      now: () => clock,
      dvp: {
        namespaces: [
          { namespace: 'pubco' },
          { namespace: 'otherpub', username: 'otherpub-reader' },
          { namespace: 'mfa-pub', twoFactor: true },
          // One account reading two namespaces shares their PAT.
          { namespace: 'shared-a', username: 'shared-bot' },
          { namespace: 'shared-b', username: 'shared-bot' },
        ],
      },
    });
  });
  afterEach(() => {
    sim.dvp.restoreLogin();
    sim.faults.clear();
    clock = TEST_NOW;
  });
  afterAll(() => sim.close());

  it('hands out an obviously fake username and PAT per namespace, and names the namespaces it serves', () => {
    expect(sim.dvpUrl).toBe(`${sim.hubUrl}/api/publisher/analytics/v1`);
    expect(sim.namespaces).toEqual(['pubco', 'otherpub', 'mfa-pub', 'shared-a', 'shared-b']);
    const pubco = sim.dvpCredentials('pubco');
    expect(pubco.username).toBe('pubco-bot');
    expect(pubco.pat).toMatch(/^dckr_pat_sim_[0-9a-f]{24}$/);
    expect(sim.dvpCredentials('otherpub').username).toBe('otherpub-reader');
    expect(sim.dvpCredentials('shared-a')).toEqual(sim.dvpCredentials('shared-b'));
    expect(sim.dvpCredentials('otherpub').pat).not.toBe(pubco.pat);
    expect(() => sim.dvpCredentials('nobody')).toThrow(/no DVP namespace nobody/);
  });

  it('logs in with username and PAT: a JWT whose exp says its lifetime', async () => {
    const { username, pat } = sim.dvpCredentials('pubco');
    const res = await login(sim, { username, password: pat });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    expect(claimsOf(token)).toMatchObject({ sub: 'pubco-bot', namespaces: ['pubco'], iat: TEST_NOW.getTime() / 1000, exp: TEST_NOW.getTime() / 1000 + 300 });
    expect((await dvpGet(sim, '/namespaces/pubco', token)).status).toBe(200);
  });

  it.each([
    ['a wrong password', () => ({ username: 'pubco-bot', password: 'dckr_pat_sim_wrong' })],
    ["another user's PAT", () => ({ username: 'pubco-bot', password: sim.dvpCredentials('otherpub').pat })],
    ['an unknown user', () => ({ username: 'nobody', password: sim.dvpCredentials('pubco').pat })],
    ['an org and its OAT', () => ({ username: 'acme', password: sim.oatFor('acme') })],
  ])('answers 401 with a detail and no 2FA token for %s', async (_what, body) => {
    const res = await login(sim, body());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: 'Incorrect authentication credentials' });
  });

  it('answers 401 with a login_2fa_token for an account with two-factor authentication', async () => {
    const { username, pat } = sim.dvpCredentials('mfa-pub');
    const res = await login(sim, { username, password: pat });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { detail: string; login_2fa_token: string };
    expect(body.detail).toMatch(/secondary authentication/);
    expect(body.login_2fa_token).toMatch(/^sim-2fa-[0-9a-f]{32}$/);
    // Nor does the exchange let that account in: no single request passes 2FA.
    const exchanged = await exchange(sim, { identifier: username, secret: pat });
    expect(exchanged.status).toBe(401);
    expect(await exchanged.json()).not.toHaveProperty('access_token');
  });

  it('answers 400 to a body that is not {username, password} strings, 405 to a GET', async () => {
    for (const body of ['{"username":', '[]', { username: 'pubco-bot' }, { username: 'pubco-bot', password: 42 }]) {
      const res = await login(sim, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/Invalid request body/);
    }
    const get = await fetch(`${sim.hubUrl}/v2/users/login`);
    expect(get.status).toBe(405);
    await get.body?.cancel();
  });

  it.each([404, 410] as const)('retired with %i, login answers it and the PAT exchange still gives a JWT for the API', async (status) => {
    sim.dvp.retireLogin(status);
    const { username, pat } = sim.dvpCredentials('pubco');
    const res = await login(sim, { username, password: pat });
    expect(res.status).toBe(status);
    expect(await res.json()).toHaveProperty('detail');

    const exchanged = await exchange(sim, { identifier: username, secret: pat });
    expect(exchanged.status).toBe(200);
    const { access_token: token } = (await exchanged.json()) as { access_token: string };
    expect(claimsOf(token)).toMatchObject({ sub: 'pubco-bot', namespaces: ['pubco'] });
    expect((await dvpJson(sim, exportsPath('pubco'), token)).status).toBe(200);

    sim.dvp.restoreLogin();
    expect((await login(sim, { username, password: pat })).status).toBe(200);
  });

  it('the exchange refuses a username with a wrong PAT, and OATs keep working beside PATs', async () => {
    const wrong = await exchange(sim, { identifier: 'pubco-bot', secret: 'dckr_pat_sim_nope' });
    expect(wrong.status).toBe(401);
    expect((await apiGet(sim, '/orgs/acme/reports', await jwtFor(sim, 'acme'))).status).toBe(200);
  });

  it('refuses the API without a token, with a forged one, and once the JWT expired (401); a new login works', async () => {
    expect((await dvpJson(sim, '/namespaces/pubco')).status).toBe(401);
    expect((await dvpJson(sim, '/namespaces/pubco', 'not.a.jwt')).status).toBe(401);
    const jwt = await dvpJwt(sim, 'pubco');
    clock = new Date(TEST_NOW.getTime() + 299_000);
    expect((await dvpJson(sim, exportsPath('pubco'), jwt)).status).toBe(200);
    clock = new Date(TEST_NOW.getTime() + 300_000);
    const expired = await dvpGet(sim, exportsPath('pubco'), jwt);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer');
    expect(await expired.json()).toHaveProperty('detail');
    expect((await dvpJson(sim, exportsPath('pubco'), await dvpJwt(sim, 'pubco'))).status).toBe(200);
  });

  it('expireTokens revokes DVP JWTs too', async () => {
    const jwt = await dvpJwt(sim, 'pubco');
    sim.faults.expireTokens();
    expect((await dvpJson(sim, exportsPath('pubco'), jwt)).status).toBe(401);
  });

  it("answers 403 to another user's namespace, an unknown namespace, an OAT's JWT; a user's JWT reads no org's reports", async () => {
    const pubco = await dvpJwt(sim, 'pubco');
    for (const path of ['/namespaces/otherpub', exportsPath('otherpub'), exportsPath('otherpub', '/2026/weeks'), '/namespaces/nobody']) {
      const { status, body } = await dvpJson(sim, path, pubco);
      expect(status, path).toBe(403);
      expect(body).toHaveProperty('detail');
    }
    expect((await dvpJson(sim, '/namespaces/pubco', await jwtFor(sim, 'acme'))).status).toBe(403);
    expect((await apiGet(sim, '/orgs/acme/reports', pubco)).status).toBe(403);
  });

  it('a shared account reads both its namespaces with one JWT', async () => {
    const jwt = await dvpJwt(sim, 'shared-a');
    expect(claimsOf(jwt).namespaces).toEqual(['shared-a', 'shared-b']);
    expect((await dvpJson(sim, '/namespaces/shared-b', jwt)).status).toBe(200);
    expect(await dvpJson(sim, '/', jwt)).toEqual({ status: 200, body: { namespaces: ['shared-a', 'shared-b'] } });
  });

  it('login faults: 5xx, 429 as Hub sends it, 404, malformed; scoped by the namespace of the user', async () => {
    const { username, pat } = sim.dvpCredentials('pubco');
    const body = { username, password: pat };
    sim.faults.serverError(1, 503, { operations: ['dvp-login'] });
    expect((await login(sim, body)).status).toBe(503);

    sim.faults.rateLimit(1, 30, { namespace: 'otherpub', operations: ['dvp-login'] });
    expect((await login(sim, body)).status).toBe(200);
    const limited = await login(sim, { username: 'otherpub-reader', password: sim.dvpCredentials('otherpub').pat });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(Number(limited.headers.get('x-retry-after'))).toBe(TEST_NOW.getTime() / 1000 + 30);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    await limited.body?.cancel();

    sim.faults.notFound(1, { operations: ['dvp-login'] });
    expect((await login(sim, body)).status).toBe(404);

    sim.faults.malformed('dvp-login', 1, 'shape');
    const malformed = await login(sim, body);
    expect(malformed.status).toBe(200);
    expect(((await malformed.json()) as { token: unknown }).token).toBeNull();
    expect(sim.faults.pending()).toBe(0);
  });

  it('counts logins, retired and failed ones included, and exchanges of PATs as tokens', async () => {
    sim.stats.reset();
    const { username, pat } = sim.dvpCredentials('pubco');
    await (await login(sim, { username, password: pat })).body?.cancel();
    await (await login(sim, { username, password: 'nope' })).body?.cancel();
    sim.dvp.retireLogin();
    await (await login(sim, { username, password: pat })).body?.cancel();
    await (await exchange(sim, { identifier: username, secret: pat })).body?.cancel();
    expect(sim.stats).toMatchObject({ dvpLogin: 3, token: 1, dvpNamespace: 0 });
    sim.stats.reset();
    expect(sim.stats.dvpLogin).toBe(0);
  });
});
