import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reportColumnsSchema, reportListResponseSchema, reportTypesResponseSchema } from '../../shared/docker/payloads.js';
import { createSimulator, type Simulator } from '../../simulator/index.js';
import { apiGet, apiJson, digestOf, downloadUrl, drain, exchange, fixedClock, jwtFor } from './sim-helpers.js';

const TYPES = '/orgs/acme/reports';
const LIST = '/orgs/acme/reports/usage_pulls/daily';
const SCHEMA = '/orgs/acme/reports/usage_pulls/daily/2026-06-16/schema';
const DAY = ['acme', 'usage_pulls', 'daily', '2026-06-16'] as const;
const SIZE = 300_000;

describe('Faults', () => {
  let sim: Simulator;
  let jwt: string;

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme', 'globex'], reportBytes: SIZE, now: fixedClock });
    jwt = await jwtFor(sim, 'acme');
  });
  afterEach(() => {
    expect(sim.faults.pending()).toBe(0);
    sim.faults.clear();
  });
  afterAll(() => sim.close());

  it('rateLimit: the next n API calls get 429 with Retry-After, then calls pass', async () => {
    sim.faults.rateLimit(2, 7);
    for (const path of [TYPES, LIST]) {
      const res = await apiGet(sim, path, jwt);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toEqual({ error: 'too many requests' });
    }
    expect((await apiJson(sim, TYPES, jwt)).status).toBe(200);
  });

  it('rateLimit scoped to an org and to the Hub leaves the others alone', async () => {
    const globex = await jwtFor(sim, 'globex');
    sim.faults.rateLimit(1, 1, { org: 'globex', operations: ['token', 'types'] });
    expect((await apiJson(sim, TYPES, jwt)).status).toBe(200);
    expect((await exchange(sim, { identifier: 'acme', secret: sim.oatFor('acme') })).status).toBe(200);
    const refused = await exchange(sim, { identifier: 'globex', secret: sim.oatFor('globex') });
    expect(refused.status).toBe(429);
    expect((await apiJson(sim, '/orgs/globex/reports', globex)).status).toBe(200);
  });

  it('serverError: the next n API calls get the 5xx asked for, in the error envelope', async () => {
    sim.faults.serverError(1, 503).serverError(1);
    expect(await apiJson(sim, SCHEMA, jwt)).toEqual({ status: 503, body: { error: 'service unavailable' } });
    expect(await apiJson(sim, SCHEMA, jwt)).toEqual({ status: 500, body: { error: 'internal error' } });
    expect((await apiJson(sim, SCHEMA, jwt)).status).toBe(200);
  });

  it('serverError scoped to one operation waits for that operation', async () => {
    sim.faults.serverError(1, 502, { operations: ['download'] });
    expect((await apiJson(sim, TYPES, jwt)).status).toBe(200);
    expect(sim.faults.pending()).toBe(1);
    const res = await apiGet(sim, `${LIST}/2026-06-16/download`, jwt);
    expect(res.status).toBe(502);
    await res.body?.cancel();
  });

  it('resetMidBody: the body breaks off with a connection reset after some bytes; the next download is whole', async () => {
    sim.faults.resetMidBody(1, 100_000);
    const res = await fetch(await downloadUrl(sim, jwt, ...DAY));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    const broken = await drain(res.body);
    expect(broken.error).toBeDefined();
    expect(broken.bytes).toBeLessThanOrEqual(100_000);
    const whole = await fetch(await downloadUrl(sim, jwt, ...DAY));
    expect((await digestOf(whole.body)).bytes).toBe(SIZE);
  });

  it('shortBody: a clean chunked end, short by the last row, that only counting reveals', async () => {
    sim.faults.shortBody(1);
    const res = await fetch(await downloadUrl(sim, jwt, ...DAY));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBeLessThan(SIZE);
    expect(body.length).toBeGreaterThan(SIZE - 2000);
    // Still well-formed CSV ending on a row boundary: a parser alone would not notice.
    expect(body.at(-1)).toBe(0x0a);
    expect(() => parse(body)).not.toThrow();
    sim.faults.shortBody(1, 10);
    const tenShort = Buffer.from(await (await fetch(await downloadUrl(sim, jwt, ...DAY))).arrayBuffer());
    expect(tenShort.length).toBe(SIZE - 10);
  });

  it('stallMidBody: some bytes, then silence with the connection open', async () => {
    sim.faults.stallMidBody(1, 50_000);
    const controller = new AbortController();
    const res = await fetch(await downloadUrl(sim, jwt, ...DAY), { signal: controller.signal });
    const reader = res.body!.getReader();
    let bytes = 0;
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended';
        bytes += value.length;
      }
    })().catch(() => 'aborted');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bytes).toBe(50_000);
    controller.abort();
    expect(await reading).toBe('aborted');
  });

  it('expiredUrl: the next redirect hands out a URL that storage refuses as expired; the one after works', async () => {
    sim.faults.expiredUrl(1);
    const stale = await fetch(await downloadUrl(sim, jwt, ...DAY));
    expect(stale.status).toBe(403);
    expect(await stale.text()).toContain('<Message>Request has expired</Message>');
    expect((await fetch(await downloadUrl(sim, jwt, ...DAY))).status).toBe(200);
  });

  it('expireTokens: every JWT issued so far gets 401 from now on; a new exchange works', async () => {
    const old = await jwtFor(sim, 'acme');
    sim.faults.expireTokens();
    expect(await apiJson(sim, TYPES, old)).toEqual({ status: 401, body: { error: 'unauthenticated' } });
    expect(await apiJson(sim, TYPES, jwt)).toEqual({ status: 401, body: { error: 'unauthenticated' } });
    jwt = await jwtFor(sim, 'acme');
    expect((await apiJson(sim, TYPES, jwt)).status).toBe(200);
  });

  const schemas = { types: reportTypesResponseSchema, list: reportListResponseSchema, schema: reportColumnsSchema };
  const paths = { types: TYPES, list: LIST, schema: SCHEMA };

  it.each(['types', 'list', 'schema'] as const)('malformed(%s): a 200 that breaks the documented format, in each style', async (operation) => {
    const contract = schemas[operation];
    sim.faults.malformed(operation, 1).malformed(operation, 1, 'not-json').malformed(operation, 1, 'truncated');
    const shape = await apiGet(sim, paths[operation], jwt);
    expect(shape.status).toBe(200);
    expect(contract.safeParse(await shape.json()).success).toBe(false);
    for (const style of ['not-json', 'truncated']) {
      const res = await apiGet(sim, paths[operation], jwt);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(() => JSON.parse(text), style).toThrow();
    }
    const good = await apiJson(sim, paths[operation], jwt);
    expect(contract.safeParse(good.body).success).toBe(true);
  });

  it('repeatPageToken: a continued listing returns the token it was given, a cursor loop', async () => {
    sim.faults.repeatPageToken(1);
    const first = (await apiJson(sim, `${LIST}?page_size=5`, jwt)).body as { next_page_token: string };
    expect(sim.faults.pending()).toBe(1);
    const second = (await apiJson(sim, `${LIST}?page_size=5&page_token=${first.next_page_token}`, jwt)).body as {
      next_page_token: string;
      reports: unknown[];
    };
    expect(second.reports).toHaveLength(5);
    expect(second.next_page_token).toBe(first.next_page_token);
    const third = (await apiJson(sim, `${LIST}?page_size=5&page_token=${first.next_page_token}`, jwt)).body as { next_page_token: string };
    expect(third.next_page_token).not.toBe(first.next_page_token);
  });

  it('clear disarms what is pending; a bad count is refused', () => {
    sim.faults.rateLimit(3).serverError(2).shortBody(1);
    expect(sim.faults.pending()).toBe(6);
    sim.faults.clear();
    expect(sim.faults.pending()).toBe(0);
    expect(() => sim.faults.rateLimit(0)).toThrow(/whole number/);
    expect(() => sim.faults.resetMidBody(1, -5)).toThrow(/byte count/);
  });
});

describe('Rate limiting and latency options', () => {
  it('answers 429 with Retry-After once the token bucket is empty, and can be turned off', async () => {
    const sim = await createSimulator({ now: fixedClock, rateLimit: { requestsPerSecond: 0.5, burst: 2 } });
    try {
      const jwt = await jwtFor(sim, 'acme');
      expect((await apiJson(sim, TYPES, jwt)).status).toBe(200);
      expect((await apiJson(sim, TYPES, jwt)).status).toBe(200);
      const limited = await apiGet(sim, TYPES, jwt);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(2);
      await limited.body?.cancel();
      // The Hub is not rate limited.
      expect((await exchange(sim, { identifier: 'acme', secret: sim.oatFor('acme') })).status).toBe(200);
      sim.setRateLimit(undefined);
      expect((await apiJson(sim, TYPES, jwt)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('adds latencyMs to every API request', async () => {
    const sim = await createSimulator({ now: fixedClock, latencyMs: 120 });
    try {
      const jwt = await jwtFor(sim, 'acme');
      const started = performance.now();
      expect((await apiJson(sim, TYPES, jwt)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    } finally {
      await sim.close();
    }
  });
});
