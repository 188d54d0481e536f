import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialSource } from '../../../shared/docker/credentials.js';
import { DEFAULT_TOKEN_LIFETIME_MS, TokenProvider } from '../../../shared/docker/token-provider.js';
import { CredentialsRejectedError, UpstreamHttpError, UpstreamPayloadError } from '../../../shared/errors.js';
import { HttpClient, defaultHttpDeps } from '../../../shared/http/http-client.js';

const ORG = 'acme';
const START = new Date('2026-06-17T08:00:00.000Z');
const MINUTE = 60_000;

interface HubRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface HubAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly delayMs?: number;
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT made here, numbered so each exchange hands out a different one. */
const makeJwt = (claims: Record<string, unknown>) => `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment(claims)}.test-signature`;

/** The Hub's token endpoint, on loopback; `answer` decides each reply. */
class FakeHub {
  readonly requests: HubRequest[] = [];
  answer: (request: HubRequest, count: number) => HubAnswer = () => ({ status: 500, body: '' });
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      this.requests.push(request);
      const reply = this.answer(request, this.requests.length);
      setTimeout(() => {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body);
      }, reply.delayMs ?? 0);
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get posts(): number {
    return this.requests.filter((request) => request.method === 'POST').length;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Hands out a new JWT per exchange, expiring `lifetimeMs` after the test clock (none when undefined). */
const issuing = (clock: () => Date, lifetimeMs: number | undefined) => (_request: HubRequest, count: number) => ({
  status: 200,
  body: JSON.stringify({
    access_token: makeJwt({
      sub: ORG,
      n: count,
      ...(lifetimeMs === undefined ? {} : { exp: Math.floor((clock().getTime() + lifetimeMs) / 1000) }),
    }),
  }),
});

describe('Class: TokenProvider', () => {
  const hub = new FakeHub();
  const http = new HttpClient(defaultHttpDeps, { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 5_000 });
  let oat: string;
  let now: Date;
  const clock = () => now;
  let credentials: CredentialSource;
  let provider: TokenProvider;

  beforeAll(async () => {
    await hub.start();
  });

  afterAll(async () => {
    await hub.stop();
  });

  beforeEach(() => {
    hub.requests.length = 0;
    hub.answer = issuing(clock, 10 * MINUTE);
    oat = `test-oat-${randomUUID()}`;
    now = START;
    credentials = {
      oat: async () => oat,
      describe: (org) => `the environment variable DOCKER_OAT_${org.toUpperCase()}`,
    };
    provider = new TokenProvider({ org: ORG, hubUrl: hub.url, credentials, http, now: clock });
  });

  describe('Method: token', () => {
    it('posts {"identifier": org, "secret": oat} as JSON to /v2/auth/token and returns the access token', async () => {
      // Act
      const jwt = await provider.token();

      // Assess
      expect(hub.requests).toHaveLength(1);
      const [request] = hub.requests;
      expect(request!.method).toBe('POST');
      expect(request!.path).toBe('/v2/auth/token');
      expect(request!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request!.body)).toStrictEqual({ identifier: ORG, secret: oat });
      expect(jwt.split('.')).toHaveLength(3);
      expect(JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString())).toMatchObject({ n: 1 });
    });

    it('accepts a hub URL with a trailing slash', async () => {
      // Prepare
      const slashed = new TokenProvider({ org: ORG, hubUrl: `${hub.url}/`, credentials, http, now: clock });

      // Act
      await slashed.token();

      // Assess
      expect(hub.requests[0]!.path).toBe('/v2/auth/token');
    });

    it('reuses the JWT until shortly before its exp, then exchanges again', async () => {
      // Prepare
      const exp = START.getTime() + 10 * MINUTE;
      const first = await provider.token();

      // Act
      now = new Date(START.getTime() + 5 * MINUTE);
      const midway = await provider.token();
      now = new Date(exp - 2 * MINUTE);
      const late = await provider.token();
      now = new Date(exp - 1_000);
      const renewed = await provider.token();

      // Assess
      expect(midway).toBe(first);
      expect(late).toBe(first);
      expect(renewed).not.toBe(first);
      expect(hub.posts).toBe(2);
      expect(provider.exchanges).toBe(2);
    });

    it('assumes a 10-minute lifetime when the JWT has no exp', async () => {
      // Prepare
      hub.answer = issuing(clock, undefined);
      const first = await provider.token();

      // Act
      now = new Date(START.getTime() + 5 * MINUTE);
      const midway = await provider.token();
      now = new Date(START.getTime() + DEFAULT_TOKEN_LIFETIME_MS);
      const renewed = await provider.token();

      // Assess
      expect(DEFAULT_TOKEN_LIFETIME_MS).toBe(10 * MINUTE);
      expect(midway).toBe(first);
      expect(renewed).not.toBe(first);
      expect(hub.posts).toBe(2);
    });

    it('runs one exchange for 20 concurrent callers', async () => {
      // Prepare
      const answer = issuing(clock, 10 * MINUTE);
      hub.answer = (request, count) => ({ ...answer(request, count), delayMs: 30 });

      // Act
      const jwts = await Promise.all(Array.from({ length: 20 }, () => provider.token()));

      // Assess
      expect(hub.posts).toBe(1);
      expect(new Set(jwts).size).toBe(1);
    });

    it('throws CredentialsRejectedError naming the credential source, never the OAT, on 401', async () => {
      // Prepare
      hub.answer = () => ({ status: 401, body: JSON.stringify({ error: 'invalid credentials' }) });

      // Act
      const error = await provider.token().catch((caught: unknown) => caught);

      // Assess
      expect(error).toBeInstanceOf(CredentialsRejectedError);
      const rejected = error as CredentialsRejectedError;
      expect(rejected.status).toBe(401);
      expect(rejected.message).toContain('the environment variable DOCKER_OAT_ACME');
      expect(rejected.message).toContain(ORG);
      expect(rejected.message).not.toContain(oat);
      expect(String(rejected.stack)).not.toContain(oat);
      expect(hub.posts).toBe(1);
    });

    it('throws CredentialsRejectedError on 403 too', async () => {
      // Prepare
      hub.answer = () => ({ status: 403, body: '{"error":"forbidden"}' });

      // Act
      const token = provider.token();

      // Assess
      await expect(token).rejects.toBeInstanceOf(CredentialsRejectedError);
    });

    it('does not cache a failed exchange: the next call exchanges again', async () => {
      // Prepare
      const issue = issuing(clock, 10 * MINUTE);
      hub.answer = (request, count) => (count === 1 ? { status: 401, body: '' } : issue(request, count));
      await provider.token().catch(() => undefined);

      // Act
      const jwt = await provider.token();

      // Assess
      expect(jwt).toContain('.');
      expect(hub.posts).toBe(2);
    });

    it('throws UpstreamHttpError with the Hub message on a 5xx that outlasts the retries', async () => {
      // Prepare
      hub.answer = () => ({ status: 503, body: '{"error":"maintenance"}' });

      // Act
      const error = await provider.token().catch((caught: unknown) => caught);

      // Assess
      expect(error).toBeInstanceOf(UpstreamHttpError);
      expect(error).not.toBeInstanceOf(CredentialsRejectedError);
      expect((error as UpstreamHttpError).status).toBe(503);
      expect((error as Error).message).toContain('"maintenance"');
      expect(hub.posts).toBe(2);
    });

    it.each([307, 308, 302, 301])(
      'never follows a %i: the OAT does not reach the origin it names, and the error names origins only',
      async (status) => {
        // Prepare: a second Hub, on another loopback origin, that would hand out a token.
        const elsewhere = new FakeHub();
        await elsewhere.start();
        try {
          elsewhere.answer = issuing(clock, 10 * MINUTE);
          const secretQuery = `sig=test-sig-${randomUUID()}`;
          hub.answer = () => ({ status, body: '', headers: { location: `${elsewhere.url}/v2/auth/token?${secretQuery}` } });

          // Act
          const error = await provider.token().catch((caught: unknown) => caught);

          // Assess
          expect(elsewhere.requests).toEqual([]);
          expect(hub.posts).toBe(1);
          expect(error).toBeInstanceOf(UpstreamHttpError);
          expect((error as UpstreamHttpError).status).toBe(status);
          const { message } = error as Error;
          expect(message).toContain(`token exchange for org ${ORG}`);
          expect(message).toContain(`${hub.url} answered HTTP ${status}, a redirect to ${elsewhere.url};`);
          expect(message).toMatch(/not followed/);
          expect(message).not.toContain('/v2/auth/token');
          expect(message).not.toContain(secretQuery);
          expect(message).not.toContain(oat);
        } finally {
          await elsewhere.stop();
        }
      },
    );

    it('throws UpstreamPayloadError when the answer has no access_token', async () => {
      // Prepare
      hub.answer = () => ({ status: 200, body: '{"token":"legacy-shape"}' });

      // Act
      const token = provider.token();

      // Assess
      await expect(token).rejects.toBeInstanceOf(UpstreamPayloadError);
    });
  });

  describe('Method: invalidate', () => {
    it('makes the next callers share exactly one fresh exchange', async () => {
      // Prepare
      const rejected = await provider.token();

      // Act
      provider.invalidate(rejected);
      const fresh = await Promise.all(Array.from({ length: 5 }, () => provider.token()));

      // Assess
      expect(hub.posts).toBe(2);
      expect(new Set(fresh)).toEqual(new Set([fresh[0]]));
      expect(fresh[0]).not.toBe(rejected);
    });

    it('keeps the cached JWT when another one is invalidated', async () => {
      // Prepare
      const current = await provider.token();

      // Act
      provider.invalidate(makeJwt({ sub: ORG, n: 'stale' }));
      const again = await provider.token();

      // Assess
      expect(again).toBe(current);
      expect(hub.posts).toBe(1);
    });
  });
});
