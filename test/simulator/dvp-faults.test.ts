import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../simulator/index.js';
import { download, dvpGet, dvpJson, dvpJwt, exportFiles, exportsPath } from './dvp-helpers.js';
import { drain } from './sim-helpers.js';

const START = new Date('2026-01-14T10:00:00Z');
/** ISO week 2 of 2026: the last complete week before START. */
const RAW = '/2026/weeks/2/raw';

describe('DVP faults, signed URLs and stats', () => {
  let sim: Simulator;
  let jwt: string;
  let clock = START;

  beforeAll(async () => {
    sim = await createSimulator({
      now: () => clock,
      urlTtlSeconds: 600,
      jwtTtlSeconds: 3600,
      dvp: {
        namespaces: [
          { namespace: 'pubco', rowsPerFile: 400 },
          { namespace: 'plain', username: 'pubco-bot', gzip: false, views: ['raw'] },
        ],
      },
    });
    jwt = await dvpJwt(sim, 'pubco');
  });
  afterEach(() => {
    expect(sim.faults.pending()).toBe(0);
    sim.faults.clear();
    sim.setRateLimit(undefined);
    clock = START;
  });
  afterAll(() => sim.close());

  it('signs URLs for urlTtlSeconds on another origin; they expire, refuse our token, and a re-list gives fresh ones', async () => {
    const [file] = await exportFiles(sim, jwt, 'pubco', RAW);
    const url = new URL(file!.url);
    expect(url.origin).toBe(sim.storageUrl);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');

    const withToken = await fetch(file!.url, { headers: { authorization: `Bearer ${jwt}` } });
    expect(withToken.status).toBe(400);
    expect(await withToken.text()).toContain('<Code>InvalidArgument</Code>');

    url.searchParams.set('X-Amz-Expires', '999999');
    const tampered = await fetch(url);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('SignatureDoesNotMatch');

    clock = new Date(START.getTime() + 600_000);
    expect((await download(file!.url)).status).toBe(200);
    clock = new Date(START.getTime() + 601_000);
    const expired = await download(file!.url);
    expect(expired.status).toBe(403);
    expect(expired.body.toString()).toContain('<Message>Request has expired</Message>');

    const [fresh] = await exportFiles(sim, jwt, 'pubco', RAW);
    const again = await download(fresh!.url);
    expect(again.status).toBe(200);
    expect(again.body.length).toBe(fresh!.size);
  });

  it('expiredUrl hands out already expired URLs, one use per URL, scoped to a namespace and a file', async () => {
    sim.faults.expiredUrl(1, { namespace: 'pubco', fileIndex: 1 });
    const files = await exportFiles(sim, jwt, 'pubco', RAW);
    const statuses = await Promise.all(files.map(async (f) => (await download(f.url)).status));
    expect(statuses).toEqual([200, 403, 200]);
    const relisted = await exportFiles(sim, jwt, 'pubco', RAW);
    expect((await download(relisted[1]!.url)).status).toBe(200);

    sim.faults.expiredUrl(2, { org: 'pubco' });
    const both = await exportFiles(sim, jwt, 'pubco', RAW);
    expect(await Promise.all(both.map(async (f) => (await download(f.url)).status))).toEqual([403, 403, 200]);
  });

  it('a URL that outlives its period, as the window moves on, is NoSuchKey', async () => {
    clock = new Date('2026-01-18T23:59:00Z');
    const [oldest] = await exportFiles(sim, await dvpJwt(sim, 'pubco'), 'pubco', '/2025/weeks/49/raw');
    // Monday: a week more is complete, and week 49 of 2025 has left the six-week window; the URL is still in date.
    clock = new Date('2026-01-19T00:01:00Z');
    const gone = await download(oldest!.url);
    expect(gone.status).toBe(404);
    expect(gone.body.toString()).toContain('<Code>NoSuchKey</Code>');
  });

  it('resetMidBody breaks a DVP download with a reset, only for the namespace and file scoped', async () => {
    sim.faults.resetMidBody(1, 1000, { namespace: 'pubco', fileIndex: 1 });
    const files = await exportFiles(sim, jwt, 'pubco', RAW);
    expect(files[1]!.size).toBeGreaterThan(4000);
    const first = await fetch(files[0]!.url);
    expect((await drain(first.body)).error).toBeUndefined();
    const second = await fetch(files[1]!.url);
    expect(second.headers.get('content-length')).toBe(String(files[1]!.size));
    const broken = await drain(second.body);
    expect(broken.error).toBeDefined();
    expect(broken.bytes).toBeLessThanOrEqual(1000);
    expect((await download(files[1]!.url)).body.length).toBe(files[1]!.size);
  });

  it('resetMidBody scoped to another namespace leaves this one alone', async () => {
    sim.faults.resetMidBody(1, 10, { org: 'plain' });
    const [file] = await exportFiles(sim, jwt, 'pubco', RAW);
    expect((await download(file!.url)).body.length).toBe(file!.size);
    const [plain] = await exportFiles(sim, jwt, 'plain', RAW);
    expect((await drain((await fetch(plain!.url)).body)).error).toBeDefined();
  });

  it('shortBody on a gzip file ends cleanly, chunked, without the gzip trailer: it inflates to the last row, then fails', async () => {
    sim.faults.shortBody(1, undefined, { namespace: 'pubco' });
    const [file] = await exportFiles(sim, jwt, 'pubco', RAW);
    const short = await fetch(file!.url);
    expect(short.status).toBe(200);
    expect(short.headers.get('content-length')).toBeNull();
    const body = Buffer.from(await short.arrayBuffer());
    expect(body.length).toBe(file!.size - 8);
    expect(() => gunzipSync(body)).toThrow(/unexpected end of file/);
  });

  it('shortBody on a plain CSV file drops the whole last row: the CSV still looks complete', async () => {
    sim.faults.shortBody(1, undefined, { namespace: 'plain' });
    const [file] = await exportFiles(sim, jwt, 'plain', RAW);
    const whole = sim.dvp.fileBody('plain', 'raw', 'weeks', 2026, 2, 0).toString('utf8');
    const short = (await download(file!.url)).body.toString('utf8');
    expect(short.length).toBeLessThan(whole.length);
    expect(short.endsWith('\n')).toBe(true);
    expect(whole.startsWith(short)).toBe(true);
    expect(whole.slice(short.length).split('\n')).toHaveLength(2);
  });

  it('stallMidBody sends some bytes, then nothing with the connection open', async () => {
    sim.faults.stallMidBody(1, 500, { namespace: 'pubco' });
    const [file] = await exportFiles(sim, jwt, 'pubco', RAW);
    const res = await fetch(file!.url, { signal: AbortSignal.timeout(400) });
    const stalled = await drain(res.body);
    expect(stalled.error?.name).toMatch(/TimeoutError|AbortError/);
    expect(stalled.bytes).toBeLessThanOrEqual(500);
  });

  it('serverError, rateLimit and notFound apply to DVP calls by default and by operation', async () => {
    sim.faults.serverError(1, 502);
    expect(await dvpJson(sim, exportsPath('pubco'), jwt)).toEqual({ status: 502, body: { detail: 'Bad Gateway' } });

    sim.faults.serverError(1, 503, { operations: ['dvp-files'] });
    expect((await dvpJson(sim, exportsPath('pubco', '/2026/weeks'), jwt)).status).toBe(200);
    expect((await dvpJson(sim, exportsPath('pubco', RAW), jwt)).status).toBe(503);

    sim.faults.rateLimit(1, 12, { namespace: 'pubco', operations: ['dvp-years'] });
    const limited = await dvpGet(sim, exportsPath('pubco'), jwt);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-retry-after')).toBe(String(START.getTime() / 1000 + 12));
    expect(limited.headers.get('retry-after')).toBeNull();
    await limited.body?.cancel();

    sim.faults.notFound(1, { operations: ['dvp-timespans'] });
    expect((await dvpJson(sim, exportsPath('pubco', '/2026/weeks/2'), jwt)).status).toBe(404);
    expect((await dvpJson(sim, exportsPath('pubco', '/2026/weeks/2'), jwt)).status).toBe(200);

    sim.faults.notFound(1, { operations: ['dvp-namespace'] });
    expect((await dvpJson(sim, '/namespaces/pubco', jwt)).status).toBe(404);
  });

  it.each([
    ['dvp-namespace', '/namespaces/pubco'],
    ['dvp-years', exportsPath('pubco')],
    ['dvp-timespans', exportsPath('pubco', '/2026/weeks')],
    ['dvp-files', exportsPath('pubco', RAW)],
  ] as const)('malformed %s: a 200 of the wrong shape, not JSON, or cut off', async (operation, path) => {
    const good = (await dvpJson(sim, path, jwt)).body;
    sim.faults.malformed(operation, 1, 'shape').malformed(operation, 1, 'not-json').malformed(operation, 1, 'truncated');
    const shape = await dvpJson(sim, path, jwt);
    expect(shape.status).toBe(200);
    expect(shape.body).not.toEqual(good);
    const html = await dvpGet(sim, path, jwt);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toMatch(/^<html>/);
    const cut = await (await dvpGet(sim, path, jwt)).text();
    expect(() => JSON.parse(cut) as unknown).toThrow();
    expect((await dvpJson(sim, path, jwt)).body).toEqual(good);
  });

  it('the rate limit applies to the DVP API, answered as Hub does', async () => {
    sim.stats.reset();
    sim.setRateLimit({ requestsPerSecond: 0.001, burst: 1 });
    expect((await dvpJson(sim, exportsPath('pubco'), jwt)).status).toBe(200);
    const limited = await dvpGet(sim, exportsPath('pubco'), jwt);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('x-retry-after'))).toBeGreaterThan(START.getTime() / 1000);
    await limited.body?.cancel();
    expect(sim.stats.throttled).toBe(1);
  });

  it('counts DVP downloads and their bytes, in storage and bytesServed too; reset clears them', async () => {
    sim.stats.reset();
    const files = await exportFiles(sim, jwt, 'pubco', RAW);
    for (const f of files) await download(f.url);
    const total = files.reduce((sum, f) => sum + f.size, 0);
    expect(sim.stats).toMatchObject({ dvpFiles: 1, dvpDownloads: 3, dvpBytesServed: total, storage: 3, bytesServed: total, download: 0 });
    sim.stats.reset();
    expect(sim.stats).toMatchObject({ dvpFiles: 0, dvpDownloads: 0, dvpBytesServed: 0, storage: 0, bytesServed: 0 });
  });
});
