import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { ReportsApi } from '../../shared/api/reports-api.js';
import { HmacUrlSigner, LOCAL_LAKE_PATH } from '../../shared/api/hmac-url-signer.js';
import type { Environment } from '../../shared/config.js';
import { FsSink } from '../../shared/sinks/fs-sink.js';
import { runItem, syncLake } from '../../shared/sync/index.js';
import { ConfigError, messageOf } from '../../shared/errors.js';
import { ApiError, errorResponse, type ApiResponse } from '../../shared/api/api-types.js';
import { createCliRuntime } from '../cli-runtime.js';
import { createDashboard } from '../dashboard/index.js';

export interface LocalApiOptions {
  readonly lake: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** The orgs served. */
  readonly orgs: readonly string[];
  /** The DVP namespaces served. @default none */
  readonly namespaces?: readonly string[];
  /**
   * Where OATs and DVP logins (and DOCKER_API_URL / DOCKER_HUB_URL / DOCKER_DVP_API_URL) come from; an org or
   * namespace without one is served from the lake alone.
   */
  readonly env: Environment;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
  /** Show user names on the dashboard (counts are shown either way). @default false */
  readonly showUsers?: boolean;
}

export interface LocalApi {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The stack's API over a local lake: the same handler behind a plain Node
 * HTTP server on loopback, redirecting downloads to local URLs that are signed
 * and expire like S3's pre-signed ones (and are served here too).
 */
export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const runtime = createCliRuntime({ env: options.env, stdout: process.stdout, stderr: process.stderr, now: options.now });
  const { credentials, now } = runtime;
  const sink = new FsSink(options.lake);
  const lake = runtime.lake(sink);
  const enterprise = (org: string) => runtime.sourceFor({ source: 'enterprise', scope: org });
  const hasOat = (org: string) => credentials.has(org);
  const hasDvpLogin = (namespace: string) => {
    try {
      runtime.dvpCredentials.requireAll([namespace]);
      return true;
    } catch {
      return false;
    }
  };
  const server = createServer();
  try {
    await listen(server, options.port ?? 0);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signer = new HmacUrlSigner(url, now);
  // The dashboard shows what the API serves: the orgs and namespaces of this server, no others of the lake.
  const dashboard = createDashboard({ lake: options.lake, showUsers: options.showUsers ?? false, scopes: { orgs: options.orgs, namespaces: options.namespaces ?? [] } });

  const api = new ReportsApi({
    orgs: options.orgs,
    sink,
    upstream: (org) => (hasOat(org) ? enterprise(org) : undefined),
    namespaces: options.namespaces ?? [],
    dvpUpstream: (namespace) => (hasDvpLogin(namespace) ? runtime.sourceFor({ source: 'dvp', scope: namespace }) : undefined),
    land: (item) => runItem(item, runtime.sourceFor(item.action === 'rebuild' ? item.ref : item.period.ref), { ...lake, idleTimeoutMs: 60_000 }),
    signer,
    requestSync: async (org) => {
      if (!hasOat(org)) throw new ApiError(503, `no OAT for org ${org} in this server's environment: set ${credentials.describe(org)}`);
      void syncLake({ scopes: [{ source: 'enterprise', scope: org }] }, lake).then(
        (summary) => options.log(`sync of ${org}: ${summary.landed.length} landed, ${summary.failed.length} failed`),
        (error: unknown) => options.log(`sync of ${org} failed: ${messageOf(error)}`),
      );
      return `syncing ${org} in the background; GET /orgs/${org}/reports shows reports as they land`;
    },
    now,
    onServerError: (error) => options.log(`error: ${messageOf(error)}`),
  });

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void serve(request, response).catch((error: unknown) => {
      options.log(`error: ${messageOf(error)}`);
      if (!response.headersSent) write(response, errorResponse(new ApiError(500, 'internal error')));
      else response.destroy();
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = new URL(request.url ?? '/', url);
    const rawPath = (request.url ?? '/').split('?')[0]!;
    if (rawPath.startsWith(LOCAL_LAKE_PATH)) {
      await serveSignedFile(target, response);
      return;
    }
    const query = Object.fromEntries(target.searchParams);
    const page = await dashboard.handle(request.method ?? 'GET', rawPath, query);
    if (page) {
      write(response, page);
      return;
    }
    const answer = await api.handle({ method: request.method ?? 'GET', path: rawPath, query });
    options.log(`${request.method} ${rawPath} ${answer.status}`);
    write(response, answer);
  }

  async function serveSignedFile(target: URL, response: ServerResponse): Promise<void> {
    const granted = signer.verify(target);
    if ('refused' in granted) {
      const message = granted.refused === 'expired' ? 'Request has expired' : 'signature does not match';
      write(response, errorResponse(new ApiError(403, message)));
      return;
    }
    const path = sink.uri(granted.key);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      write(response, errorResponse(new ApiError(404, 'not found')));
      return;
    }
    response.writeHead(200, {
      // DVP exports are kept as served, gzip-compressed CSV most often.
      'content-type': granted.filename.endsWith('.gz') ? 'application/gzip' : 'text/csv; charset=utf-8',
      'content-length': String(info.size),
      'content-disposition': `attachment; filename="${granted.filename}"`,
    });
    await pipeline(createReadStream(path), response);
  }

  return {
    url,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await dashboard.close();
      await runtime.close();
    },
  };
}

/**
 * Listens on loopback. A port that cannot be had (in use, privileged) is a
 * setting to change, so it becomes a {@link ConfigError} saying which: without
 * a listener, the server's 'error' event would end the process with a stack trace.
 */
function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(listenError(error, port));
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      resolve();
    });
  });
}

function listenError(error: NodeJS.ErrnoException, port: number): Error {
  const where = `port ${port} on 127.0.0.1`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new ConfigError(`${where} is in use (EADDRINUSE): stop what listens there, or choose another with --port (0 picks a free one).`, { cause: error });
    case 'EACCES':
      return new ConfigError(`${where} needs privileges this user lacks (EACCES): choose a port above 1023 with --port.`, { cause: error });
    default:
      return new ConfigError(`cannot listen on ${where} (${error.code ?? messageOf(error)}): choose another with --port.`, { cause: error });
  }
}

function write(response: ServerResponse, answer: ApiResponse): void {
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

