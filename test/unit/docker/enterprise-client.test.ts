import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialSource } from '../../../shared/docker/credentials.js';
import { EnterpriseClient } from '../../../shared/docker/enterprise-client.js';
import type { Report } from '../../../shared/docker/payloads.js';
import { TokenProvider } from '../../../shared/docker/token-provider.js';
import {
  CredentialsRejectedError,
  LocationRefusedError,
  NotFoundError,
  PagingError,
  PermissionDeniedError,
  UpstreamHttpError,
  UpstreamPayloadError,
} from '../../../shared/errors.js';
import { HttpClient, defaultHttpDeps } from '../../../shared/http/http-client.js';

const ORG = 'acme';
const API_PATH = '/enterprise-data/v1';
const REPORTS = `${API_PATH}/orgs/${ORG}/reports`;
const CSV = 'day,hub_username,event_count\n2026-06-16,"doe, jane",3\n';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
}

interface Reply {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

type Route = (request: Seen, server: FakeDocker) => Reply;

const json = (status: number, value: unknown): Reply => ({
  status,
  body: typeof value === 'string' ? value : JSON.stringify(value),
  headers: { 'content-type': 'application/json' },
});

const report = (date: string): Report => ({
  ReportType: 'usage_pulls',
  Cadence: 'daily',
  Date: date,
  SizeBytes: 100,
  Key: `${ORG}/usage_pulls/daily/${date}.csv`,
});

/**
 * Docker on loopback: the Hub's token endpoint (numbered JWTs), the Enterprise
 * Data API under /enterprise-data/v1 and a pre-signed storage under /storage,
 * each answered by a route the test sets.
 */
class FakeDocker {
  readonly seen: Seen[] = [];
  api: Route = () => json(500, { error: 'no route' });
  storage: Route = () => ({ status: 200, body: CSV });
  private readonly server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const request: Seen = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers };
    this.seen.push(request);
    req.resume();
    req.on('end', () => {
      const reply = this.route(request);
      const body = reply.body ?? '';
      res.writeHead(reply.status, { 'content-length': String(Buffer.byteLength(body)), ...reply.headers });
      res.end(body);
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Fixed once, so the JWT a test expects is the one the fake issued, whenever the second turns. */
  private readonly issuedAt = Math.floor(Date.now() / 1000);

  jwt(n: number): string {
    const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${segment({ alg: 'HS256' })}.${segment({ sub: ORG, n, exp: this.issuedAt + 600 })}.sig`;
  }

  exchanges(): Seen[] {
    return this.seen.filter((request) => request.path === '/v2/auth/token');
  }

  apiCalls(): Seen[] {
    return this.seen.filter((request) => request.path.startsWith(API_PATH));
  }

  storageCalls(): Seen[] {
    return this.seen.filter((request) => request.path.startsWith('/storage/'));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(request: Seen): Reply {
    if (request.path === '/v2/auth/token') return json(200, { access_token: this.jwt(this.exchanges().length) });
    if (request.path.startsWith('/storage/')) return this.storage(request, this);
    return this.api(request, this);
  }
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function allPages(pages: AsyncGenerator<Report[]>, into: Report[][] = []): Promise<Report[][]> {
  for await (const page of pages) into.push(page);
  return into;
}

describe('Class: EnterpriseClient', () => {
  const docker = new FakeDocker();
  const http = new HttpClient(defaultHttpDeps, { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 5_000 });
  let oat: string;
  let tokens: TokenProvider;
  let client: EnterpriseClient;
  const bearer = (n: number) => `Bearer ${docker.jwt(n)}`;

  beforeAll(async () => {
    await docker.start();
  });

  afterAll(async () => {
    await docker.stop();
  });

  beforeEach(() => {
    docker.seen.length = 0;
    docker.api = () => json(500, { error: 'no route' });
    docker.storage = () => ({ status: 200, body: CSV, headers: { 'content-type': 'text/csv' } });
    oat = `test-oat-${randomUUID()}`;
    const credentials: CredentialSource = { oat: async () => oat, describe: (org) => `the secret docker-reports/${org}` };
    tokens = new TokenProvider({ org: ORG, hubUrl: docker.url, credentials, http, now: () => new Date() });
    client = new EnterpriseClient({ org: ORG, apiUrl: `${docker.url}${API_PATH}`, tokens, credentials, http });
  });

  describe('Method: listReportTypes', () => {
    it('returns the report types, asked with the exchanged JWT', async () => {
      // Prepare
      const types = [
        { ReportType: 'usage_pulls', Cadence: 'daily' },
        { ReportType: 'image_access', Cadence: 'weekly' },
      ];
      docker.api = () => json(200, { report_types: types });

      // Act
      const listed = await client.listReportTypes();

      // Assess
      expect(listed).toEqual(types);
      const [call] = docker.apiCalls();
      expect(call!.path).toBe(REPORTS);
      expect(call!.headers.authorization).toBe(bearer(1));
      expect(call!.headers.accept).toBe('application/json');
      expect(client.calls.types).toBe(1);
    });

    it('throws UpstreamPayloadError naming the endpoint when the body is not JSON', async () => {
      // Prepare
      docker.api = () => ({ status: 200, body: '<html>maintenance</html>', headers: { 'content-type': 'text/html' } });

      // Act
      const error = await caught(client.listReportTypes());

      // Assess
      expect(error).toBeInstanceOf(UpstreamPayloadError);
      expect((error as UpstreamPayloadError).endpoint).toBe(`list report types for org ${ORG}`);
      expect((error as Error).message).toContain(`list report types for org ${ORG}`);
      expect((error as Error).message).toContain('not JSON');
    });

    it('throws UpstreamPayloadError naming the endpoint and the field when the JSON has the wrong shape', async () => {
      // Prepare
      docker.api = () => json(200, { report_types: [{ ReportType: 'Usage Pulls!', Cadence: 'daily' }] });

      // Act
      const error = await caught(client.listReportTypes());

      // Assess
      expect(error).toBeInstanceOf(UpstreamPayloadError);
      expect((error as UpstreamPayloadError).endpoint).toBe(`list report types for org ${ORG}`);
      expect((error as Error).message).toContain('report_types.0.ReportType');
    });

    it('exchanges once more after a 401 and succeeds with the fresh JWT (exactly 2 exchanges)', async () => {
      // Prepare
      docker.api = (request) =>
        request.headers.authorization === bearer(1)
          ? json(401, { error: 'token expired' })
          : json(200, { report_types: [] });

      // Act
      const listed = await client.listReportTypes();

      // Assess
      expect(listed).toEqual([]);
      expect(docker.exchanges()).toHaveLength(2);
      expect(tokens.exchanges).toBe(2);
      expect(docker.apiCalls().map((call) => call.headers.authorization)).toEqual([bearer(1), bearer(2)]);
    });

    it('throws CredentialsRejectedError after a 401 with a fresh JWT too', async () => {
      // Prepare
      docker.api = () => json(401, { error: 'invalid token' });

      // Act
      const error = await caught(client.listReportTypes());

      // Assess
      expect(error).toBeInstanceOf(CredentialsRejectedError);
      expect((error as Error).message).toContain('the secret docker-reports/acme');
      expect((error as Error).message).toContain('"invalid token"');
      expect((error as Error).message).not.toContain(oat);
      expect(docker.exchanges()).toHaveLength(2);
      expect(docker.apiCalls()).toHaveLength(2);
    });

    it('throws PermissionDeniedError on 403, without a second exchange', async () => {
      // Prepare
      docker.api = () => json(403, { error: 'missing scope' });

      // Act
      const error = await caught(client.listReportTypes());

      // Assess
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect((error as PermissionDeniedError).status).toBe(403);
      expect((error as Error).message).toContain('the secret docker-reports/acme');
      expect((error as Error).message).toContain('Report read');
      expect(docker.exchanges()).toHaveLength(1);
    });

    it('throws NotFoundError on 404', async () => {
      // Prepare
      docker.api = () => json(404, { error: 'org has no reports' });

      // Act
      const listing = client.listReportTypes();

      // Assess
      await expect(listing).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('Method: listReports', () => {
    it('follows next_page_token to the last page, sending page_size and the token', async () => {
      // Prepare
      const pages: Record<string, { reports: Report[]; next_page_token: string }> = {
        '': { reports: [report('2026-06-16'), report('2026-06-15')], next_page_token: 'p2' },
        p2: { reports: [report('2026-06-14')], next_page_token: 'p3' },
        p3: { reports: [], next_page_token: '' },
      };
      docker.api = (request) => json(200, pages[request.query.get('page_token') ?? '']);

      // Act
      const listed = await allPages(client.listReports('usage_pulls', 'daily', { pageSize: 2 }));

      // Assess
      expect(listed.map((page) => page.map((r) => r.Date))).toEqual([['2026-06-16', '2026-06-15'], ['2026-06-14'], []]);
      const calls = docker.apiCalls();
      expect(calls.map((call) => call.path)).toEqual([`${REPORTS}/usage_pulls/daily`, `${REPORTS}/usage_pulls/daily`, `${REPORTS}/usage_pulls/daily`]);
      expect(calls.map((call) => call.query.get('page_size'))).toEqual(['2', '2', '2']);
      expect(calls.map((call) => call.query.get('page_token'))).toEqual([null, 'p2', 'p3']);
    });

    it('throws PagingError when Docker repeats a page token', async () => {
      // Prepare
      const next: Record<string, string> = { '': 'a', a: 'b', b: 'a' };
      docker.api = (request) =>
        json(200, { reports: [report('2026-06-16')], next_page_token: next[request.query.get('page_token') ?? ''] });
      const received: Report[][] = [];

      // Act
      const error = await caught(allPages(client.listReports('usage_pulls', 'daily'), received));

      // Assess
      expect(error).toBeInstanceOf(PagingError);
      expect((error as Error).message).toContain('already returned');
      expect(received).toHaveLength(3);
      expect(docker.apiCalls()).toHaveLength(3);
    });

    it('throws PagingError after maxPages pages, without asking for one more', async () => {
      // Prepare
      docker.api = (request) =>
        json(200, { reports: [], next_page_token: `t${Number(request.query.get('page_token')?.slice(1) ?? 0) + 1}` });

      // Act
      const error = await caught(allPages(client.listReports('usage_pulls', 'daily', { maxPages: 4 })));

      // Assess
      expect(error).toBeInstanceOf(PagingError);
      expect((error as Error).message).toContain('more than 4 pages');
      expect(docker.apiCalls()).toHaveLength(4);
    });

    it('throws UpstreamPayloadError naming the endpoint when a listed report is malformed', async () => {
      // Prepare
      docker.api = () => json(200, { reports: [{ ...report('2026-06-16'), Date: '2026-02-30' }], next_page_token: '' });

      // Act
      const error = await caught(allPages(client.listReports('usage_pulls', 'daily')));

      // Assess
      expect(error).toBeInstanceOf(UpstreamPayloadError);
      expect((error as UpstreamPayloadError).endpoint).toBe(`list reports for ${ORG}/usage_pulls/daily (page 1)`);
      expect((error as Error).message).toContain('reports.0.Date');
    });

    it('throws UpstreamPayloadError when next_page_token is missing', async () => {
      // Prepare
      docker.api = () => json(200, { reports: [] });

      // Act
      const error = await caught(allPages(client.listReports('usage_pulls', 'daily')));

      // Assess
      expect(error).toBeInstanceOf(UpstreamPayloadError);
      expect((error as Error).message).toContain('next_page_token');
    });
  });

  describe('Method: getSchema', () => {
    it('returns the ordered fields of a report date', async () => {
      // Prepare
      const fields = [
        { name: 'day', type: 'date', description: 'UTC day' },
        { name: 'event_count', type: 'integer', description: 'events' },
      ];
      docker.api = () => json(200, { category: 'usage_pulls', fields });

      // Act
      const schema = await client.getSchema('usage_pulls', 'daily', '2026-06-16');

      // Assess
      expect(schema.fields).toEqual(fields);
      expect(docker.apiCalls()[0]!.path).toBe(`${REPORTS}/usage_pulls/daily/2026-06-16/schema`);
    });

    it('throws UpstreamPayloadError naming the endpoint when fields is empty', async () => {
      // Prepare
      docker.api = () => json(200, { category: 'usage_pulls', fields: [] });

      // Act
      const error = await caught(client.getSchema('usage_pulls', 'daily', '2026-06-16'));

      // Assess
      expect(error).toBeInstanceOf(UpstreamPayloadError);
      expect((error as UpstreamPayloadError).endpoint).toBe(`get schema of ${ORG}/usage_pulls/daily/2026-06-16`);
    });
  });

  describe('redirects of calls that carry the JWT', () => {
    const elsewhere = new FakeDocker();

    beforeAll(async () => {
      await elsewhere.start();
    });

    afterAll(async () => {
      await elsewhere.stop();
    });

    it.each([
      ['listReportTypes', (c: EnterpriseClient) => c.listReportTypes(), `list report types for org ${ORG}`],
      ['listReports', (c: EnterpriseClient) => allPages(c.listReports('usage_pulls', 'daily')), `list reports for ${ORG}/usage_pulls/daily (page 1)`],
      ['getSchema', (c: EnterpriseClient) => c.getSchema('usage_pulls', 'daily', '2026-06-16'), `get schema of ${ORG}/usage_pulls/daily/2026-06-16`],
    ])('%s never follows a 307: the other origin sees no request, the error names origins only', async (_name, call, label) => {
      // Prepare
      elsewhere.seen.length = 0;
      elsewhere.api = () => json(200, { report_types: [], reports: [], next_page_token: '', fields: [] });
      const query = `token=test-${randomUUID()}`;
      docker.api = () => ({ status: 307, headers: { location: `${elsewhere.url}${API_PATH}/moved?${query}` } });

      // Act
      const error = await caught(call(client));

      // Assess
      expect(elsewhere.seen).toEqual([]);
      expect(docker.apiCalls()).toHaveLength(1);
      expect(error).toBeInstanceOf(UpstreamHttpError);
      expect((error as UpstreamHttpError).status).toBe(307);
      const { message } = error as Error;
      expect(message).toContain(`${label}: ${docker.url} answered HTTP 307, a redirect to ${elsewhere.url};`);
      expect(message).not.toContain(API_PATH);
      expect(message).not.toContain(query);
      expect(message).not.toContain(docker.jwt(1));
    });
  });

  describe('Method: openDownload', () => {
    const redirectTo = (location: string): Route => () => ({ status: 302, headers: { location } });

    it('follows the 302 itself and fetches the storage without the Authorization header', async () => {
      // Prepare
      docker.api = (_request, server) =>
        ({ status: 302, headers: { location: `${server.url}/storage/acme/2026-06-16.csv?X-Amz-Signature=s1g` } });

      // Act
      const download = await client.openDownload('usage_pulls', 'daily', '2026-06-16');
      const body = Buffer.concat(await download.body.toArray()).toString('utf8');

      // Assess
      expect(body).toBe(CSV);
      expect(download.contentLength).toBe(Buffer.byteLength(CSV));
      const [asked] = docker.apiCalls();
      expect(asked!.path).toBe(`${REPORTS}/usage_pulls/daily/2026-06-16/download`);
      expect(asked!.headers.authorization).toBe(bearer(1));
      const [fetched] = docker.storageCalls();
      expect(fetched!.query.get('X-Amz-Signature')).toBe('s1g');
      expect(fetched!.headers).not.toHaveProperty('authorization');
      expect(client.calls).toMatchObject({ download: 1, storage: 1 });
    });

    it.each([
      ['not on loopback', 'http://reports.example.test/r.csv'],
      ['ftp', 'ftp://127.0.0.1/r.csv'],
      ['relative', '/storage/r.csv'],
    ])('refuses a Location that is %s, before contacting it', async (_case, location) => {
      // Prepare
      docker.api = redirectTo(location);

      // Act
      const error = await caught(client.openDownload('usage_pulls', 'daily', '2026-06-16'));

      // Assess
      expect(error).toBeInstanceOf(LocationRefusedError);
      expect(docker.storageCalls()).toHaveLength(0);
    });

    it('asks for a fresh pre-signed URL when the storage answers 403', async () => {
      // Prepare
      let issued = 0;
      docker.api = (_request, server) => {
        issued += 1;
        return { status: 302, headers: { location: `${server.url}/storage/r.csv?X-Amz-Signature=url${issued}` } };
      };
      docker.storage = (request) =>
        request.query.get('X-Amz-Signature') === 'url1'
          ? { status: 403, body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>' }
          : { status: 200, body: CSV };

      // Act
      const download = await client.openDownload('usage_pulls', 'daily', '2026-06-16');
      const body = Buffer.concat(await download.body.toArray()).toString('utf8');

      // Assess
      expect(body).toBe(CSV);
      expect(docker.apiCalls()).toHaveLength(2);
      expect(docker.storageCalls().map((call) => call.query.get('X-Amz-Signature'))).toEqual(['url1', 'url2']);
    });

    it('gives up with a 403 UpstreamHttpError, without the signature, when every fresh URL is refused', async () => {
      // Prepare
      docker.api = (_request, server) => ({ status: 302, headers: { location: `${server.url}/storage/r.csv?X-Amz-Signature=s1g` } });
      docker.storage = () => ({ status: 403, body: 'expired' });

      // Act
      const error = await caught(client.openDownload('usage_pulls', 'daily', '2026-06-16'));

      // Assess
      expect(error).toBeInstanceOf(UpstreamHttpError);
      expect((error as UpstreamHttpError).status).toBe(403);
      expect((error as Error).message).not.toContain('s1g');
      expect(docker.apiCalls()).toHaveLength(3);
      expect(docker.storageCalls()).toHaveLength(3);
    });

    it('throws UpstreamHttpError when the download endpoint answers without a redirect', async () => {
      // Prepare
      docker.api = () => ({ status: 200, body: CSV });

      // Act
      const error = await caught(client.openDownload('usage_pulls', 'daily', '2026-06-16'));

      // Assess
      expect(error).toBeInstanceOf(UpstreamHttpError);
      expect((error as Error).message).toContain('expected a redirect');
      expect(docker.storageCalls()).toHaveLength(0);
    });
  });
});
