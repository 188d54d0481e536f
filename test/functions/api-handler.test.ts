import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { REPORT_EVENT_SOURCE, REPORT_LANDED_DETAIL_TYPE } from '../../shared/aws/report-events.js';
import { SYNC_REQUESTED_DETAIL_TYPE } from '../../shared/aws/sync-requests.js';
import { auditFileKey, manifestKey, queryObjectKey, queryPartitionFolder } from '../../shared/lake/layout.js';
import type { PeriodRef } from '../../shared/sources/index.js';
import { ApiHarness, type ApiHarnessOptions } from './support/api-harness.js';
import { BUCKET, PREFIX } from './support/lambda-harness.js';

/** Obviously fake, and new on every run. */
const REVOKED_OAT = `test-revoked-oat-${randomUUID()}`;

const DAILY = { type: 'usage_pulls', cadence: 'daily' } as const;
const REPORTS = '/orgs/acme/reports/usage_pulls/daily';

let harness: ApiHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** One org, one type, `days` daily reports ending the day before the test's clock. */
async function start(days = 3, options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  harness = await ApiHarness.start({ ...options, sim: { orgs: ['acme'], days, reportTypes: [{ ...DAILY }], ...options.sim } });
  return harness;
}

/** A report of acme's daily usage_pulls, as the lake names it. */
const refOn = (date: string): PeriodRef => ({ source: 'enterprise', scope: 'acme', name: DAILY.type, cadence: DAILY.cadence, period: date });
const csvKey = (ref: PeriodRef) => auditFileKey(ref, 0);

/** The dates the simulator lists, newest first. */
const datesOf = (h: ApiHarness) => h.sim.reports('acme').map((r) => r.Date);

describe('Handler: api', () => {
  describe('GET /orgs/{org}/reports', () => {
    it('lists the report types Docker offers, with what the lake holds of each', async () => {
      // Prepare
      const h = await start(2);
      const handler = h.handler();
      await h.request('GET', `${REPORTS}/latest/download`, {}, handler);

      // Act
      const answer = await h.request('GET', '/orgs/acme/reports', {}, handler);

      // Assess
      expect(answer.statusCode).toBe(200);
      expect(answer.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
      expect(answer.json()).toEqual({
        report_types: [{ ReportType: 'usage_pulls', Cadence: 'daily', LandedReports: 1, NewestLandedDate: datesOf(h)[0] }],
      });
    });
  });

  describe('GET /orgs/{org}/reports/{type}/{cadence}', () => {
    it('lists the reports newest first, page by page, as Docker does', async () => {
      // Prepare
      const h = await start(3);
      const handler = h.handler();

      // Act
      const first = await h.request('GET', REPORTS, { query: { page_size: '2' } }, handler);
      const token = (first.json() as { next_page_token: string }).next_page_token;
      const second = await h.request('GET', REPORTS, { query: { page_size: '2', page_token: token } }, handler);

      // Assess
      expect(first.statusCode).toBe(200);
      const dates = [first, second].flatMap((answer) => (answer.json() as { reports: { Date: string }[] }).reports.map((r) => r.Date));
      expect(dates).toEqual(datesOf(h));
      expect(token).not.toBe('');
      expect(second.json()).toMatchObject({ next_page_token: '' });
      expect((first.json() as { reports: unknown[] }).reports[0]).toEqual({
        ReportType: 'usage_pulls',
        Cadence: 'daily',
        Date: datesOf(h)[0],
        SizeBytes: h.sim.reports('acme')[0]!.SizeBytes,
        Key: h.sim.reports('acme')[0]!.Key,
        Landed: false,
      });
    });

    it('answers 404 for a type neither Docker nor the lake has', async () => {
      // Prepare
      const h = await start(1);

      // Act
      const answer = await h.request('GET', '/orgs/acme/reports/image_access/weekly');

      // Assess
      expect(answer.statusCode).toBe(404);
      expect(answer.json()).toEqual({ error: 'not found' });
    });
  });

  describe('GET .../{date}/download', () => {
    it('lands a report the lake does not hold yet, then redirects to a 5-minute pre-signed URL of the lake\'s own copy', async () => {
      // Prepare
      const h = await start(2);
      const [latest] = datesOf(h);
      const ref = refOn(latest!);

      // Act
      const answer = await h.request('GET', `${REPORTS}/latest/download`);

      // Assess
      expect(answer.statusCode).toBe(302);
      expect(answer.body).toBe('');
      const url = new URL(answer.headers.location!);
      expect(`${url.origin}${decodeURIComponent(url.pathname)}`).toBe(`https://${BUCKET}.s3.us-east-1.amazonaws.com/${PREFIX}/${csvKey(ref)}`);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
      // Signed with the function's own credentials (those of its S3 client): the caller needs no access to the bucket.
      expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^test\/\d{8}\/us-east-1\/s3\/aws4_request$/);
      expect(url.searchParams.get('response-content-disposition')).toBe(`attachment; filename="usage_pulls_daily_${latest}.csv"`);
      expect(h.bucket.keys(`${PREFIX}/${manifestKey(ref)}`)).toHaveLength(1);
      expect(h.bucket.objects.get(`${PREFIX}/${csvKey(ref)}`)!.length).toBe(h.sim.reports('acme')[0]!.SizeBytes);
      expect(h.putEvents.map((e) => [e.Source, e.DetailType])).toEqual([[REPORT_EVENT_SOURCE, REPORT_LANDED_DETAIL_TYPE]]);
      // Landed like a sync lands it: one Parquet copy at its fixed key, a Parquet table.
      expect(h.bucket.keys(`${PREFIX}/${queryPartitionFolder(ref)}`)).toEqual([`${PREFIX}/${queryObjectKey(ref, '.parquet')}`]);
      expect(h.lambda.catalog.table('usage_pulls_daily').StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(
        'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      );
    });

    it('redirects at once when the report is landed: no second download from Docker, no second event', async () => {
      // Prepare
      const h = await start(2);
      const handler = h.handler();
      await h.request('GET', `${REPORTS}/latest/download`, {}, handler);
      const downloads = h.sim.stats.download;

      // Act
      const answer = await h.request('GET', `${REPORTS}/latest/download`, {}, handler);

      // Assess
      expect(answer.statusCode).toBe(302);
      expect(h.sim.stats.download).toBe(downloads);
      expect(h.putEvents).toHaveLength(1);
    });

    it('answers {url, expires_at} instead with ?redirect=false', async () => {
      // Prepare
      const h = await start(1);

      // Act
      const answer = await h.request('GET', `${REPORTS}/latest/download`, { query: { redirect: 'false' } });

      // Assess
      expect(answer.statusCode).toBe(200);
      const body = answer.json() as { url: string; expires_at: string };
      expect(Object.keys(body).sort()).toEqual(['expires_at', 'url']);
      expect(new URL(body.url).searchParams.get('X-Amz-Expires')).toBe('300');
      expect(body.expires_at).toBe(new Date(h.sim.now().getTime() + 300_000).toISOString());
    });

    it('serves a report by its date', async () => {
      // Prepare
      const h = await start(3);
      const oldest = datesOf(h).at(-1)!;

      // Act
      const answer = await h.request('GET', `${REPORTS}/${oldest}/download`);

      // Assess
      expect(answer.statusCode).toBe(302);
      expect(decodeURIComponent(new URL(answer.headers.location!).pathname)).toBe(`/${PREFIX}/${csvKey(refOn(oldest))}`);
    });

    it('answers 404 for a date neither Docker nor the lake has, without landing anything', async () => {
      // Prepare
      const h = await start(2);

      // Act
      const answer = await h.request('GET', `${REPORTS}/2025-01-01/download`);

      // Assess
      expect(answer.statusCode).toBe(404);
      expect(answer.json()).toEqual({ error: 'not found' });
      expect(h.sim.stats.download).toBe(0);
    });

    it('answers 502 when Docker refuses the org\'s OAT, telling an operator what to do, never the OAT', async () => {
      // Prepare
      const h = await start(1, { secretValue: () => REVOKED_OAT });

      // Act
      const answer = await h.request('GET', `${REPORTS}/latest/download`);

      // Assess
      expect(answer.statusCode).toBe(502);
      expect(answer.json()).toEqual({ error: "Docker refused this lake's credentials for the org; an operator must rotate its OAT" });
      expect(h.lambda.rawOutput.join('\n')).not.toContain(REVOKED_OAT);
    });

    it('answers 502 when Docker keeps failing, and logs the failure with its path', async () => {
      // Prepare
      const h = await start(1);
      h.sim.faults.serverError(50, 503);

      // Act
      const answer = await h.request('GET', `${REPORTS}/latest/download`);

      // Assess
      expect(answer.statusCode).toBe(502);
      expect(answer.json()).toEqual({ error: 'Docker is unavailable; try again later' });
      expect(h.lambda.printed.some((line) => line.message === 'request failed' && line.path === `${REPORTS}/latest/download`)).toBe(true);
    });
  });

  describe('GET .../{date}/schema', () => {
    it('answers a report\'s schema from Docker before it is landed, and from its manifest after', async () => {
      // Prepare
      const h = await start(1);
      const handler = h.handler();
      const [date] = datesOf(h);
      const fromDocker = await h.request('GET', `${REPORTS}/${date}/schema`, {}, handler);
      await h.request('GET', `${REPORTS}/${date}/download`, {}, handler);
      const asked = h.sim.stats.schema;

      // Act
      const fromLake = await h.request('GET', `${REPORTS}/latest/schema`, {}, handler);

      // Assess
      expect(fromDocker.statusCode).toBe(200);
      expect(fromLake.statusCode).toBe(200);
      expect(fromLake.json()).toEqual(fromDocker.json());
      expect((fromLake.json() as { fields: { name: string }[] }).fields.map((f) => f.name)).toEqual(h.sim.reportSchema(DAILY.type, DAILY.cadence, date!).fields.map((f) => f.name));
      expect(h.sim.stats.schema).toBe(asked);
    });
  });

  describe('POST /orgs/{org}/sync', () => {
    it('puts a sync request on the bus and answers 202 at once, touching neither the lake nor Docker', async () => {
      // Prepare
      const h = await start(1);

      // Act
      const answer = await h.request('POST', '/orgs/acme/sync');

      // Assess
      expect(answer.statusCode).toBe(202);
      expect(answer.json()).toEqual({ status: 'accepted', org: 'acme', message: expect.stringContaining('GET /orgs/acme/reports') });
      expect(h.putEvents).toEqual([{ EventBusName: 'default', Source: REPORT_EVENT_SOURCE, DetailType: SYNC_REQUESTED_DETAIL_TYPE, Detail: '{"org":"acme"}' }]);
      expect(h.outboundCalls()).toEqual({ s3: 0, glue: 0, athena: 0, secretsManager: 0, docker: 0, eventBridge: 1 });
    });

    it('answers 502 when EventBridge refuses the request', async () => {
      // Prepare
      const h = await start(1);
      h.failEventBridge();

      // Act
      const answer = await h.request('POST', '/orgs/acme/sync');

      // Assess
      expect(answer.statusCode).toBe(502);
      expect(answer.json()).toEqual({ error: expect.any(String) });
    });
  });

  describe('methods', () => {
    it.each([
      ['GET', '/orgs/acme/sync', 'POST'],
      ['POST', '/orgs/acme/reports', 'GET'],
      ['DELETE', `${REPORTS}/latest/download`, 'GET'],
    ])('answers %s %s with 405 and the method allowed', async (method, path, allow) => {
      // Prepare
      const h = await start(1);

      // Act
      const answer = await h.request(method, path);

      // Assess
      expect(answer.statusCode).toBe(405);
      expect(answer.headers.allow).toBe(allow);
      expect(answer.json()).toEqual({ error: 'method not allowed' });
    });
  });

  describe('CORS', () => {
    it('sends no CORS header unless origins are configured', async () => {
      // Prepare
      const h = await start(1);

      // Act
      const answer = await h.request('GET', '/orgs/acme/reports', { headers: { Origin: 'https://reports.example.com' } });

      // Assess
      expect(Object.keys(answer.headers).filter((name) => /^access-control-|^vary$/i.test(name))).toEqual([]);
    });

    it('lets a configured origin read every answer, errors included, and no other origin', async () => {
      // Prepare
      const h = await start(1, { corsAllowOrigins: ['https://reports.example.com'] });
      const handler = h.handler();

      // Act
      const allowed = await h.request('GET', '/orgs/acme/reports', { headers: { origin: 'https://reports.example.com' } }, handler);
      const error = await h.request('GET', '/orgs/initech/reports', { headers: { Origin: 'https://reports.example.com' } }, handler);
      const other = await h.request('GET', '/orgs/acme/reports', { headers: { Origin: 'https://evil.example.net' } }, handler);

      // Assess
      expect(allowed.headers).toMatchObject({ 'access-control-allow-origin': 'https://reports.example.com', vary: 'Origin' });
      expect(error.statusCode).toBe(404);
      expect(error.headers).toMatchObject({ 'access-control-allow-origin': 'https://reports.example.com' });
      expect(other.headers).not.toHaveProperty('access-control-allow-origin');
      expect(other.headers).toMatchObject({ vary: 'Origin' });
    });
  });
});
