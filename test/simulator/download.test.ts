import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET, createSimulator, type Simulator } from '../../simulator/index.js';
import { TEST_NOW, apiGet, digestOf, downloadUrl, jwtFor } from './sim-helpers.js';

const REPORT = ['acme', 'usage_pulls', 'daily', '2026-06-16'] as const;

async function s3Error(res: Response): Promise<{ status: number; code: string; message: string; text: string }> {
  const text = await res.text();
  expect(res.headers.get('content-type')).toBe('application/xml');
  return {
    status: res.status,
    code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? '',
    message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '',
    text,
  };
}

describe('Download redirect and pre-signed storage', () => {
  let sim: Simulator;
  let jwt: string;
  let clock = TEST_NOW;

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme'], reportBytes: 200_000, urlTtlSeconds: 900, now: () => clock });
    jwt = await jwtFor(sim, 'acme');
  });
  afterAll(() => sim.close());

  it('redirects (302) to a SigV4-style pre-signed URL on another host', async () => {
    const res = await apiGet(sim, '/orgs/acme/reports/usage_pulls/daily/2026-06-16/download', jwt);
    expect(res.status).toBe(302);
    await res.body?.cancel();
    const location = new URL(res.headers.get('location')!);
    expect(`${location.protocol}//${location.host}`).toBe(sim.storageUrl);
    expect(location.hostname).not.toBe(new URL(sim.apiUrl).hostname);
    expect(location.pathname).toBe(`/${BUCKET}/acme/usage_pulls/daily/2026-06-16.csv`);
    expect(location.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(location.searchParams.get('X-Amz-Date')).toBe('20260617T100000Z');
    expect(location.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('streams the report as text/csv with its exact Content-Length, without an Authorization header', async () => {
    const url = await downloadUrl(sim, jwt, ...REPORT);
    sim.stats.reset();
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv');
    expect(res.headers.get('content-length')).toBe('200000');
    const listed = sim.reports('acme').find((r) => r.Date === REPORT[3] && r.ReportType === REPORT[1] && r.Cadence === REPORT[2])!;
    const got = await digestOf(res.body);
    expect(got.bytes).toBe(listed.SizeBytes);
    expect(got).toEqual(await digestOf(sim.reportBody(...REPORT)));
    expect(sim.stats).toMatchObject({ storage: 1, bytesServed: 200_000 });
  });

  it('serves the same bytes on every download, and in another process', async () => {
    const first = await digestOf((await fetch(await downloadUrl(sim, jwt, ...REPORT))).body);
    const second = await digestOf((await fetch(await downloadUrl(sim, jwt, ...REPORT))).body);
    expect(second).toEqual(first);
    const script = fileURLToPath(new URL('./fixtures/report-digest.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...REPORT, '200000']);
    expect(JSON.parse(stdout)).toEqual({ sha256: first.sha256, size: first.bytes });
    const otherDay = await digestOf(sim.reportBody('acme', 'usage_pulls', 'daily', '2026-06-15'));
    expect(otherDay.sha256).not.toBe(first.sha256);
  });

  it('is reached by a fetch that follows the redirect: the Authorization header stays behind, cross-origin', async () => {
    const res = await fetch(`${sim.apiUrl}/orgs/acme/reports/usage_pulls/daily/2026-06-16/download`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(res.status).toBe(200);
    expect((await digestOf(res.body)).bytes).toBe(200_000);
  });

  it('answers HEAD with the length and no body', async () => {
    const res = await fetch(await downloadUrl(sim, jwt, ...REPORT), { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('200000');
    expect(await res.text()).toBe('');
  });

  it('refuses an Authorization header next to the query signature, as S3 does (400 InvalidArgument)', async () => {
    const res = await fetch(await downloadUrl(sim, jwt, ...REPORT), { headers: { authorization: `Bearer ${jwt}` } });
    const error = await s3Error(res);
    expect(error).toMatchObject({ status: 400, code: 'InvalidArgument' });
    expect(error.message).toMatch(/^Only one auth mechanism allowed/);
    expect(error.text).not.toContain(jwt);
  });

  it('refuses the URL once expired (403 AccessDenied "Request has expired")', async () => {
    const url = await downloadUrl(sim, jwt, ...REPORT);
    clock = new Date(TEST_NOW.getTime() + 900_000);
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
    clock = new Date(TEST_NOW.getTime() + 901_000);
    try {
      const error = await s3Error(await fetch(url));
      expect(error).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Request has expired' });
      expect(error.text).toContain('<Expires>2026-06-17T10:15:00.000Z</Expires>');
    } finally {
      clock = TEST_NOW;
    }
  });

  it('refuses a tampered URL (403 SignatureDoesNotMatch) and an unsigned one (403 AccessDenied)', async () => {
    const url = new URL(await downloadUrl(sim, jwt, ...REPORT));
    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    expect(await s3Error(await fetch(longer))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const otherKey = new URL(url.href.replace('2026-06-16.csv', '2026-06-15.csv'));
    expect(await s3Error(await fetch(otherKey))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const unsigned = `${url.origin}${url.pathname}`;
    expect(await s3Error(await fetch(unsigned))).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Access Denied' });
  });

  it('answers NoSuchKey when the report left the retention window after the URL was issued', async () => {
    const late = await createSimulator({ orgs: ['acme'], now: () => new Date('2026-06-17T23:55:00Z') });
    try {
      const url = await downloadUrl(late, await jwtFor(late, 'acme'), 'acme', 'usage_pulls', 'daily', '2026-05-18');
      // Ten minutes later, on the next UTC day: the URL is still valid, the report is gone.
      late.setClock(() => new Date('2026-06-18T00:05:00Z'));
      expect(await s3Error(await fetch(url))).toMatchObject({ status: 404, code: 'NoSuchKey' });
    } finally {
      await late.close();
    }
  });
});
