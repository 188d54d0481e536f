import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DvpCredentialSource } from '../../../shared/docker/dvp-credentials.js';
import { DvpLogin } from '../../../shared/docker/dvp-login.js';
import { CredentialsRejectedError, UpstreamHttpError, UpstreamPayloadError } from '../../../shared/errors.js';
import { HttpClient, defaultHttpDeps } from '../../../shared/http/http-client.js';

const NAMESPACE = 'pubco';
const USERNAME = 'pubco-bot';
/** Generated per run, obviously not a real token. */
const PAT = `dckr_pat_test_${randomBytes(8).toString('hex')}`;
const MINUTE = 60_000;

interface HubRequest {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const makeJwt = (claims: Record<string, unknown>) => `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment(claims)}.test-signature`;

/** Hub's login and token endpoints on loopback; `answer` decides each reply. */
class FakeHub {
  readonly requests: HubRequest[] = [];
  answer: (request: HubRequest, count: number) => { status: number; body: unknown; delayMs?: number } = () => ({ status: 500, body: {} });
  private readonly server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const request = { path: req.url ?? '', body: JSON.parse(text || '{}') as Record<string, unknown> };
      this.requests.push(request);
      const reply = this.answer(request, this.requests.length);
      setTimeout(() => {
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const hub = new FakeHub();
let clock = new Date('2026-06-17T08:00:00.000Z');
const credentials: DvpCredentialSource = {
  credentialsFor: async () => ({ username: USERNAME, pat: PAT }),
  describe: (ns) => `DOCKER_HUB_USERNAME_${ns.toUpperCase()} and DOCKER_HUB_PAT_${ns.toUpperCase()}`,
};
const http = new HttpClient({ ...defaultHttpDeps, sleep: async () => undefined }, { maxAttempts: 2 });
const newLogin = () => new DvpLogin({ namespace: NAMESPACE, hubUrl: hub.url, credentials, http, now: () => clock });
/** A login that hands out a new JWT living `lifetimeMs` from the test clock. */
const loggingIn = (lifetimeMs: number) => (request: HubRequest, count: number) => ({
  status: 200,
  body: { [request.path === '/v2/users/login' ? 'token' : 'access_token']: makeJwt({ n: count, iat: Math.floor(clock.getTime() / 1000), exp: Math.floor((clock.getTime() + lifetimeMs) / 1000) }) },
});

beforeAll(() => hub.start());
afterAll(() => hub.stop());
beforeEach(() => {
  hub.requests.length = 0;
  clock = new Date('2026-06-17T08:00:00.000Z');
});

describe('Class: DvpLogin', () => {
  it('logs in at /v2/users/login with the user name and the PAT as password, and keeps the JWT until shortly before its exp', async () => {
    // Prepare
    hub.answer = loggingIn(30 * MINUTE);
    const login = newLogin();

    // Act
    const first = await login.token();
    clock = new Date(clock.getTime() + 20 * MINUTE);
    const again = await login.token();
    clock = new Date(clock.getTime() + 9.5 * MINUTE);
    const renewed = await login.token();

    // Assess
    expect(again).toBe(first);
    expect(renewed).not.toBe(first);
    expect(hub.requests).toHaveLength(2);
    expect(hub.requests[0]).toEqual({ path: '/v2/users/login', body: { username: USERNAME, password: PAT } });
    expect(login.logins).toBe(2);
  });

  it('logs in once however many requests wait for a token', async () => {
    // Prepare
    hub.answer = (request, count) => ({ ...loggingIn(30 * MINUTE)(request, count), delayMs: 50 });
    const login = newLogin();

    // Act
    const tokens = await Promise.all(Array.from({ length: 8 }, () => login.token()));

    // Assess
    expect(new Set(tokens).size).toBe(1);
    expect(hub.requests).toHaveLength(1);
  });

  it('logs in again after a request saw the token rejected', async () => {
    // Prepare
    hub.answer = loggingIn(30 * MINUTE);
    const login = newLogin();
    const first = await login.token();

    // Act
    login.invalidate(first);
    const second = await login.token();

    // Assess
    expect(second).not.toBe(first);
    expect(hub.requests).toHaveLength(2);
  });

  it('says the account has two-factor authentication and a personal access token must be used, on a 401 with login_2fa_token', async () => {
    // Prepare
    hub.answer = () => ({ status: 401, body: { detail: 'Require secondary authentication on MFA enabled account', login_2fa_token: 'fake-2fa-token' } });

    // Act
    const failure = await newLogin().token().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(CredentialsRejectedError);
    const message = (failure as Error).message;
    expect(message).toMatch(/two-factor authentication/);
    expect(message).toMatch(/personal access token/);
    expect(message).toContain('DOCKER_HUB_PAT_PUBCO');
    expect(message).not.toContain(PAT);
    expect(message).not.toContain('fake-2fa-token');
  });

  it('rejects a wrong user name or token with what to check, never the token', async () => {
    // Prepare
    hub.answer = () => ({ status: 401, body: { detail: 'Incorrect authentication credentials' } });

    // Act
    const failure = await newLogin().token().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(CredentialsRejectedError);
    expect((failure as Error).message).toMatch(/rejected the user name and token \(401\).*DOCKER_HUB_USERNAME_PUBCO/);
    expect((failure as Error).message).not.toContain(PAT);
  });

  it.each([404, 410])('exchanges the same user name and PAT at /v2/auth/token when the login answers %i, and goes there directly afterwards', async (status) => {
    // Prepare
    hub.answer = (request, count) => (request.path === '/v2/users/login' ? { status, body: { detail: 'gone' } } : loggingIn(MINUTE)(request, count));
    const login = newLogin();

    // Act
    const first = await login.token();
    login.invalidate(first);
    await login.token();

    // Assess
    expect(hub.requests.map((request) => request.path)).toEqual(['/v2/users/login', '/v2/auth/token', '/v2/auth/token']);
    expect(hub.requests[1]!.body).toEqual({ identifier: USERNAME, secret: PAT });
  });

  it('says the login may be retired when both endpoints answer 404', async () => {
    // Prepare
    hub.answer = () => ({ status: 404, body: { detail: 'Not found' } });

    // Act
    const failure = await newLogin().token().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(UpstreamHttpError);
    expect(failure).not.toBeInstanceOf(CredentialsRejectedError);
    expect((failure as Error).message).toMatch(/retired/);
  });

  it('refuses a login answer without a token as a changed format', async () => {
    // Prepare
    hub.answer = () => ({ status: 200, body: { jwt: 'x' } });

    // Act
    const failure = await newLogin().token().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(UpstreamPayloadError);
  });

  it('reports a Hub failure as Docker trouble, not as rejected credentials', async () => {
    // Prepare
    hub.answer = () => ({ status: 503, body: { detail: 'maintenance' } });

    // Act
    const failure = await newLogin().token().catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(UpstreamHttpError);
    expect(failure).not.toBeInstanceOf(CredentialsRejectedError);
    expect((failure as Error).message).toMatch(/HTTP 503: "maintenance"/);
  });
});
