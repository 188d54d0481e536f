import { setMaxListeners } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { API_BASE_PATH, apiHandler } from './api-routes.js';
import { layoutStream } from './csv-generator.js';
import { DvpCatalog } from './dvp/dvp-catalog.js';
import { dvpControls, type DvpControls } from './dvp/dvp-controls.js';
import { DVP_BASE_PATH, LOGIN_PATH } from './dvp/dvp-paths.js';
import { dvpHandler } from './dvp/dvp-routes.js';
import { loginHandler } from './dvp/login-route.js';
import { FaultBoard, type FaultControls } from './faults.js';
import { sendError, sendJson } from './http-answers.js';
import { TOKEN_PATH, hubHandler } from './hub-routes.js';
import { JwtIssuer } from './jwt.js';
import { PageTokens } from './page-token.js';
import { storageHandler } from './presigned-storage.js';
import { UrlSigner } from './presigned-url.js';
import { RateLimiter } from './rate-limiter.js';
import { ReportCatalog, type CatalogReport } from './report-catalog.js';
import type { SchemaField } from './report-definitions.js';
import { resolveOptions, type RateLimitOptions, type SimulatorOptions } from './simulator-options.js';
import { RequestStats, type SimulatorStats } from './stats.js';

/** A report's schema, as the schema endpoint answers it. */
export interface ReportSchema {
  readonly category: string;
  readonly fields: readonly SchemaField[];
}

/** A running simulator of Docker's Hub, Enterprise Data API, DVP Data API and pre-signed storage. */
export interface Simulator {
  /** The Enterprise Data API's base URL, e.g. `http://127.0.0.1:PORT/enterprise-data/v1`. */
  readonly apiUrl: string;
  /** The Hub's base URL (the token exchange is `POST {hubUrl}/v2/auth/token`), e.g. `http://127.0.0.1:PORT`. */
  readonly hubUrl: string;
  /** The pre-signed storage's origin, another host than the API, e.g. `http://127.0.0.2:PORT`. */
  readonly storageUrl: string;
  readonly orgs: readonly string[];
  /** The OAT the Hub accepts for `org`. */
  oatFor(org: string): string;
  /**
   * The DVP Data API's base URL on the Hub's server, e.g.
   * `http://127.0.0.1:PORT/api/publisher/analytics/v1`; login is `POST {hubUrl}/v2/users/login`.
   */
  readonly dvpUrl: string;
  /** The DVP namespaces served (options `dvp.namespaces`), in order. */
  readonly namespaces: readonly string[];
  /** The Hub user and PAT that read `namespace` (login, or `/v2/auth/token` as identifier and secret). */
  dvpCredentials(namespace: string): { readonly username: string; readonly pat: string };
  /** DVP switches and what the DVP API serves, for tests. */
  readonly dvp: DvpControls;
  /** Failures to switch on at run time. */
  readonly faults: FaultControls;
  /** Requests answered so far, by operation. */
  readonly stats: SimulatorStats;
  /** The reports `org` has now, type by type, newest first: what the listing shows. */
  reports(org: string): CatalogReport[];
  /** A report's schema (any date of a configured type and cadence). */
  reportSchema(type: string, cadence: string, date: string): ReportSchema;
  /** The exact bytes the storage serves for a report, as a stream. */
  reportBody(org: string, type: string, cadence: string, date: string): Readable;
  /** The exact size of a report's body, in bytes. */
  reportSize(org: string, type: string, cadence: string, date: string): number;
  /** The simulator's clock. */
  now(): Date;
  /** Replaces the clock: report dates, JWT expiry and URL expiry follow it. */
  setClock(now: () => Date): void;
  /** Turns rate limiting on, changes it, or (undefined) turns it off. */
  setRateLimit(limits: RateLimitOptions | undefined): void;
  /** Stops both servers and drops every connection, streaming ones included. */
  close(): Promise<void>;
}

const API_HOST = '127.0.0.1';
/** S3 is another host than the API: a client must not carry the API's Authorization there. */
const STORAGE_HOST = '127.0.0.2';

/**
 * Starts the simulator: the API and Hub on 127.0.0.1, the pre-signed storage
 * on 127.0.0.2 (on systems without that address, such as macOS by default, on
 * `localhost`: still another origin than the API's).
 *
 * @example
 * const sim = await createSimulator({ orgs: ['acme'], days: 7 });
 * const res = await fetch(`${sim.hubUrl}/v2/auth/token`, {
 *   method: 'POST',
 *   body: JSON.stringify({ identifier: 'acme', secret: sim.oatFor('acme') }),
 * });
 * await sim.close();
 */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = resolveOptions(options);
  let clock = resolved.now;
  const now = () => clock();
  let rateLimiter = resolved.rateLimit ? new RateLimiter(resolved.rateLimit) : undefined;
  const catalog = new ReportCatalog(resolved, now);
  const jwt = new JwtIssuer(resolved.jwtTtlSeconds, now);
  const faults = new FaultBoard(() => jwt.revokeAll());
  const stats = new RequestStats();
  const signer = new UrlSigner();
  const closing = new AbortController();
  // Every request waiting out its latency listens for the close: there may be many at once.
  setMaxListeners(0, closing.signal);
  let storageUrl = '';

  // What both APIs share: tokens, signed storage URLs, faults, counts, the clock and the rate limit.
  const apiParts = {
    jwt,
    signer,
    faults,
    stats,
    now,
    storageUrl: () => storageUrl,
    urlTtlSeconds: resolved.urlTtlSeconds,
    rateLimiter: () => rateLimiter,
  };
  const api = apiHandler({ ...apiParts, catalog, pageTokens: new PageTokens() });
  const hub = hubHandler({ oats: resolved.oats, users: resolved.dvp.users, jwt, faults, stats });
  const dvpCatalog = new DvpCatalog(resolved.dvp, now);
  let loginRetired: 404 | 410 | undefined;
  const dvpApi = dvpHandler({ ...apiParts, catalog: dvpCatalog });
  const login = loginHandler({ users: resolved.dvp.users, jwt, faults, stats, now, retired: () => loginRetired });
  const storage = storageHandler({ catalog, dvp: dvpCatalog, signer, faults, stats, now });

  const apiServer = createServer((req, res) => {
    void guarded(res, async () => {
      if (resolved.latencyMs > 0) await delay(resolved.latencyMs, closing.signal);
      const url = new URL(req.url ?? '/', 'http://api.invalid');
      if (url.pathname === TOKEN_PATH) return hub(req, res);
      if (url.pathname === LOGIN_PATH) return login(req, res);
      if (url.pathname === DVP_BASE_PATH || url.pathname.startsWith(`${DVP_BASE_PATH}/`)) return dvpApi(req, res, url.pathname);
      if (url.pathname.startsWith(`${API_BASE_PATH}/`)) return api(req, res, url.pathname, url.searchParams);
      sendJson(res, 404, { detail: 'Not found' });
    });
  });
  const storageServer = createServer((req, res) => void guarded(res, () => storage(req, res)));

  try {
    await listen(apiServer, API_HOST, resolved.port);
    const storageHost = await listenStorage(storageServer, resolved.storagePort);
    storageUrl = `http://${storageHost}:${port(storageServer)}`;
  } catch (error) {
    await Promise.all([stop(apiServer), stop(storageServer)]);
    throw error;
  }
  const hubUrl = `http://${API_HOST}:${port(apiServer)}`;

  const reportOf = (org: string, type: string, cadence: string, date: string) => catalog.layout(org, type, cadence, date);
  return {
    apiUrl: `${hubUrl}${API_BASE_PATH}`,
    hubUrl,
    storageUrl,
    orgs: resolved.orgs,
    oatFor(org) {
      const oat = resolved.oats.get(org);
      if (oat === undefined) throw new Error(`simulator: no org ${org}; it simulates ${resolved.orgs.join(', ')}.`);
      return oat;
    },
    dvpUrl: `${hubUrl}${DVP_BASE_PATH}`,
    namespaces: resolved.dvp.namespaces.map((ns) => ns.namespace),
    dvpCredentials(namespace) {
      const ns = resolved.dvp.namespaces.find((candidate) => candidate.namespace === namespace);
      const user = ns && resolved.dvp.users.get(ns.username);
      if (!user) throw new Error(`simulator: no DVP namespace ${namespace}; it simulates ${namesOf(resolved.dvp.namespaces)}.`);
      return { username: user.username, pat: user.pat };
    },
    dvp: dvpControls(dvpCatalog, (status) => {
      loginRetired = status;
    }),
    faults,
    stats,
    reports: (org) => catalog.all(org),
    reportSchema: (type, cadence, date) => ({ category: type, fields: catalog.schema(type, cadence, date) }),
    reportBody: (org, type, cadence, date) => layoutStream(reportOf(org, type, cadence, date)),
    reportSize: (org, type, cadence, date) => reportOf(org, type, cadence, date).size,
    now,
    setClock(next) {
      clock = next;
    },
    setRateLimit(limits) {
      rateLimiter = limits ? new RateLimiter(limits) : undefined;
    },
    async close() {
      closing.abort();
      await Promise.all([stop(apiServer), stop(storageServer)]);
    },
  };
}

function namesOf(namespaces: readonly { namespace: string }[]): string {
  return namespaces.length === 0 ? 'none' : namespaces.map((ns) => ns.namespace).join(', ');
}

/** Runs a handler; an unexpected failure is a 500 in the API's envelope, never a crash. */
async function guarded(res: ServerResponse, handle: () => Promise<void> | void): Promise<void> {
  try {
    await handle();
  } catch (error) {
    if ((error as Error).name === 'AbortError') return;
    console.error(`docker-api-simulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (!res.headersSent) sendError(res, 500, 'internal error');
    else res.destroy();
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(Object.assign(new Error('simulator closed'), { name: 'AbortError' }));
      },
      { once: true },
    );
  });
}

function listen(server: Server, host: string, portNumber: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(portNumber, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Listens on 127.0.0.2, or on `localhost` where that address does not exist (a name is another origin too). */
async function listenStorage(server: Server, portNumber: number): Promise<string> {
  try {
    await listen(server, STORAGE_HOST, portNumber);
    return STORAGE_HOST;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw error;
    await listen(server, 'localhost', portNumber);
    return 'localhost';
  }
}

function port(server: Server): number {
  return (server.address() as AddressInfo).port;
}

async function stop(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
