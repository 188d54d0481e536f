import type { IncomingMessage, ServerResponse } from 'node:http';
import { SEGMENT_PATTERN, isReportDate } from '../shared/names.js';
import type { ApiOperation, FaultBoard, MalformedStyle } from './faults.js';
import { sendError, sendJson, sendText } from './http-answers.js';
import type { JwtIssuer } from './jwt.js';
import type { PageTokens } from './page-token.js';
import type { UrlSigner } from './presigned-url.js';
import type { RateLimiter } from './rate-limiter.js';
import type { CatalogReport, ReportCatalog } from './report-catalog.js';
import type { RequestStats } from './stats.js';

/** Where the Enterprise Data API lives on the simulator's server. */
export const API_BASE_PATH = '/enterprise-data/v1';

export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 100;

export interface ApiDeps {
  readonly catalog: ReportCatalog;
  readonly jwt: JwtIssuer;
  readonly pageTokens: PageTokens;
  readonly signer: UrlSigner;
  readonly faults: FaultBoard;
  readonly stats: RequestStats;
  readonly now: () => Date;
  readonly storageUrl: () => string;
  readonly urlTtlSeconds: number;
  readonly rateLimiter: () => RateLimiter | undefined;
}

interface Route {
  readonly operation: ApiOperation;
  readonly org: string;
  readonly type?: string;
  readonly cadence?: string;
  readonly date?: string;
}

/**
 * The Enterprise Data API's four operations, answering like the upstream:
 * errors first by kind (429/5xx, 401, 400, 403, 404), every non-2xx as
 * `{"error": "..."}` with the OpenAPI description's messages.
 */
export function apiHandler(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => void {
  return (req, res, path, query) => {
    const { faults, stats } = deps;
    const route = matchRoute(path);
    if (route === undefined) return sendError(res, 404, 'not found');
    if (route === 'bad-encoding') return sendError(res, 400, 'invalid input: path contains invalid characters');
    stats.count(route.operation);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method not allowed', { allow: 'GET' });

    const target = { org: route.org, operation: route.operation };
    const limited = deps.rateLimiter()?.take();
    if (limited && !limited.allowed) {
      stats.throttled += 1;
      return sendError(res, 429, 'too many requests', { 'retry-after': String(limited.retryAfterSeconds) });
    }
    const rateFault = faults.take('rateLimit', target);
    if (rateFault) return sendError(res, 429, 'too many requests', { 'retry-after': String(rateFault.retryAfterSeconds) });
    const serverFault = faults.take('serverError', target);
    if (serverFault) return sendError(res, serverFault.status, SERVER_ERRORS[serverFault.status] ?? 'internal error');
    if (faults.take('notFound', target)) return sendError(res, 404, 'not found');

    const claims = deps.jwt.verify(bearerToken(req) ?? '');
    if (!claims) return sendError(res, 401, 'unauthenticated', { 'www-authenticate': 'Bearer' });

    const invalid = validate(route, query);
    if (invalid) return sendError(res, 400, `invalid input: ${invalid}`);
    if (claims.org !== route.org) return sendError(res, 403, 'permission denied');

    switch (route.operation) {
      case 'types':
        return listTypes(deps, res, route);
      case 'list':
        return listReports(deps, res, route, query);
      case 'schema':
        return getSchema(deps, res, route);
      case 'download':
        return redirectToDownload(deps, res, route);
    }
  };
}

const SERVER_ERRORS: Readonly<Record<number, string>> = {
  500: 'internal error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

function listTypes(deps: ApiDeps, res: ServerResponse, route: Route): void {
  const types = deps.catalog.types(route.org);
  if (types.length === 0) return sendError(res, 404, 'not found');
  const body = { report_types: types.map((spec) => ({ ReportType: spec.type, Cadence: spec.cadence })) };
  answer(deps, res, route, body, { report_types: [{ ReportType: types[0]!.type }] });
}

function listReports(deps: ApiDeps, res: ServerResponse, route: Route, query: URLSearchParams): void {
  const { catalog, pageTokens, faults } = deps;
  const { org, type, cadence } = route as Required<Route>;
  const listing = `${org}/${type}/${cadence}`;
  const token = query.get('page_token') ?? '';
  const after = token === '' ? undefined : pageTokens.decode(listing, token);
  if (token !== '' && after === undefined) return sendError(res, 400, 'invalid input: invalid page token');
  if (!catalog.spec(type, cadence) || !catalog.hasOrg(org)) return sendError(res, 404, 'not found');

  const pageSize = query.has('page_size') ? Number(query.get('page_size')) : DEFAULT_PAGE_SIZE;
  const all = catalog.list(org, type, cadence);
  const start = after === undefined ? 0 : firstOlderThan(all, after);
  const reports = all.slice(start, start + pageSize);
  let next = start + pageSize < all.length ? pageTokens.encode(listing, reports.at(-1)!.Date) : '';
  if (token !== '' && faults.take('repeatPageToken', { org, operation: 'list' })) next = token;
  const body = { reports, next_page_token: next };
  answer(deps, res, route, body, {
    reports: reports.map((report) => ({ ...report, SizeBytes: String(report.SizeBytes) })),
    next_page_token: null,
  });
}

function getSchema(deps: ApiDeps, res: ServerResponse, route: Route): void {
  const { org, type, cadence, date } = route as Required<Route>;
  if (!deps.catalog.find(org, type, cadence, date)) return sendError(res, 404, 'not found');
  const fields = deps.catalog.schema(type, cadence, date);
  answer(deps, res, route, { category: type, fields }, {
    category: type,
    fields: fields.map(({ type: fieldType, description }) => ({ type: fieldType, description })),
  });
}

function redirectToDownload(deps: ApiDeps, res: ServerResponse, route: Route): void {
  const { catalog, faults, signer, now, urlTtlSeconds } = deps;
  const { org, type, cadence, date } = route as Required<Route>;
  const report = catalog.find(org, type, cadence, date);
  if (!report) return sendError(res, 404, 'not found');
  const expired = faults.take('expiredUrl', { org, operation: 'download' });
  // An expired URL is one issued long enough ago; its signature is still good, as S3's would be.
  const issuedAt = expired ? new Date(now().getTime() - (urlTtlSeconds + 60) * 1000) : now();
  const location = signer.sign(deps.storageUrl(), report.Key, issuedAt, urlTtlSeconds);
  sendText(res, 302, 'text/html; charset=utf-8', `<a href="${location.replace(/&/g, '&amp;')}">Found</a>.\n`, {
    location,
    'cache-control': 'no-store',
  });
}

/** Sends `body`, or, when a malformed fault is armed for the operation, something that breaks the format. */
function answer(deps: ApiDeps, res: ServerResponse, route: Route, body: unknown, wrongShape: unknown): void {
  const fault = deps.faults.take('malformed', { org: route.org, operation: route.operation });
  if (!fault) return sendJson(res, 200, body);
  const style: MalformedStyle = fault.style;
  if (style === 'not-json') {
    return sendText(res, 200, 'text/html', '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n');
  }
  if (style === 'truncated') {
    const text = JSON.stringify(body);
    return sendText(res, 200, 'application/json', text.slice(0, Math.max(1, Math.floor(text.length / 2))));
  }
  sendJson(res, 200, wrongShape);
}

/** Index of the first report dated before `date` (the list is newest first). */
function firstOlderThan(reports: readonly CatalogReport[], date: string): number {
  const index = reports.findIndex((report) => report.Date < date);
  return index < 0 ? reports.length : index;
}

function matchRoute(path: string): Route | 'bad-encoding' | undefined {
  if (!path.startsWith(`${API_BASE_PATH}/`)) return undefined;
  let parts: string[];
  try {
    parts = path.slice(API_BASE_PATH.length + 1).split('/').map(decodeURIComponent);
  } catch {
    return 'bad-encoding';
  }
  const [orgs, org, reports, type, cadence, date, action, ...rest] = parts;
  if (orgs !== 'orgs' || org === undefined || reports !== 'reports' || rest.length > 0) return undefined;
  if (type === undefined) return { operation: 'types', org };
  if (cadence === undefined) return undefined;
  if (date === undefined) return { operation: 'list', org, type, cadence };
  if (action === 'download' || action === 'schema') return { operation: action, org, type, cadence, date };
  return undefined;
}

/** Upstream's 400s: segments, date and paging parameters, in that order. */
function validate(route: Route, query: URLSearchParams): string | undefined {
  for (const name of ['org', 'type', 'cadence'] as const) {
    const value = route[name];
    if (value !== undefined && !SEGMENT_PATTERN.test(value)) return `${name} contains invalid characters`;
  }
  if (route.date !== undefined && !isReportDate(route.date)) return 'date must be a valid YYYY-MM-DD date';
  if (route.operation === 'list' && query.has('page_size')) {
    const text = query.get('page_size')!;
    const size = Number(text);
    if (!/^\d+$/.test(text) || size < 1 || size > MAX_PAGE_SIZE) return `page_size must be an integer between 1 and ${MAX_PAGE_SIZE}`;
  }
  return undefined;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
