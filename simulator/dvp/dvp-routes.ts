import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultBoard } from '../faults.js';
import type { JwtClaims, JwtIssuer } from '../jwt.js';
import type { UrlSigner } from '../presigned-url.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { RequestStats } from '../stats.js';
import { answerJson, answeredByFault, sendDetail, sendTooMany } from './dvp-answers.js';
import { isDvpView, type DvpCatalog } from './dvp-catalog.js';
import { DVP_TIMESPANS, type DvpTimespan } from './dvp-options.js';
import { DVP_BASE_PATH } from './dvp-paths.js';

export interface DvpApiDeps {
  readonly catalog: DvpCatalog;
  readonly jwt: JwtIssuer;
  readonly signer: UrlSigner;
  readonly faults: FaultBoard;
  readonly stats: RequestStats;
  readonly now: () => Date;
  readonly storageUrl: () => string;
  readonly urlTtlSeconds: number;
  readonly rateLimiter: () => RateLimiter | undefined;
}

type Route =
  | { readonly operation: 'dvp-namespace'; readonly kind: 'with-data' | 'all'; readonly namespace?: undefined }
  | { readonly operation: 'dvp-namespace'; readonly kind: 'one'; readonly namespace: string }
  | { readonly operation: 'dvp-years'; readonly namespace: string }
  | {
      readonly operation: 'dvp-timespans' | 'dvp-files';
      readonly namespace: string;
      readonly year: string;
      readonly timespan: string;
      readonly n?: string;
      readonly view?: string;
    };

/** What a week or month entry is called in the API's JSON: `{"week": n}`, `{"month": n}`. */
const SINGULAR: Readonly<Record<DvpTimespan, 'week' | 'month'>> = { weeks: 'week', months: 'month' };

/**
 * The DVP Data API's export paths over the catalog, answering like Hub: a
 * bearer JWT from login or a PAT exchange, `{"detail"}` errors, 403 for a
 * namespace the token's user does not publish, `null` for a list with
 * nothing in it (the spec's lists may be null), 404 for a period or view
 * that has no export, and signed storage URLs for every file.
 */
export function dvpHandler(deps: DvpApiDeps): (req: IncomingMessage, res: ServerResponse, path: string) => void {
  return (req, res, path) => {
    const { faults, stats, now } = deps;
    const route = matchRoute(path);
    if (route === undefined) return sendDetail(res, 404, 'Not Found');
    if (route === 'bad-encoding') return sendDetail(res, 400, 'Invalid path');
    stats.count(route.operation);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendDetail(res, 405, 'Method Not Allowed', { allow: 'GET' });

    const limited = deps.rateLimiter()?.take();
    if (limited && !limited.allowed) {
      stats.throttled += 1;
      return sendTooMany(res, now(), limited.retryAfterSeconds);
    }
    const target = { org: route.namespace, operation: route.operation };
    if (answeredByFault(res, faults, target, now())) return;

    const claims = deps.jwt.verify(bearerToken(req) ?? '');
    if (!claims) return sendDetail(res, 401, 'Authentication credentials were not provided or are invalid', { 'www-authenticate': 'Bearer' });
    const invalid = validate(route);
    if (invalid) return sendDetail(res, 400, invalid);
    if (route.namespace !== undefined && !readable(claims, route.namespace, deps.catalog)) {
      return sendDetail(res, 403, 'You do not have permission to access this namespace');
    }

    switch (route.operation) {
      case 'dvp-namespace':
        return namespaces(deps, res, claims, route);
      case 'dvp-years':
        return years(deps, res, route.namespace);
      case 'dvp-timespans':
      case 'dvp-files':
        return route.n === undefined ? timespans(deps, res, route) : route.view === undefined ? oneTimespan(deps, res, route) : files(deps, res, route);
    }
  };
}

function namespaces(deps: DvpApiDeps, res: ServerResponse, claims: JwtClaims, route: Extract<Route, { operation: 'dvp-namespace' }>): void {
  const { catalog, faults } = deps;
  const metadata = (name: string) => {
    const ns = catalog.namespace(name)!;
    return {
      namespace: name,
      extraRepos: null,
      publisherType: 'verified',
      extensionPublisher: false,
      datasets: [{ name: 'pulls', views: [...ns.views], timespans: ['months', 'weeks'] }],
    };
  };
  const target = { org: route.namespace, operation: 'dvp-namespace' as const };
  const own = (claims.namespaces ?? []).filter((name) => catalog.namespace(name) !== undefined);
  if (route.kind === 'one') {
    return answerJson(res, faults, target, metadata(route.namespace), { namespace: route.namespace, datasets: 'pulls' });
  }
  if (route.kind === 'all') return answerJson(res, faults, target, { namespaces: own.map(metadata) }, { namespaces: own });
  const withData = own.filter((name) => catalog.years(name).length > 0);
  answerJson(res, faults, target, { namespaces: withData.length === 0 ? null : withData }, { namespaces: withData.join(',') });
}

function years(deps: DvpApiDeps, res: ServerResponse, namespace: string): void {
  const list = deps.catalog.years(namespace);
  const body = { years: list.length === 0 ? null : list.map((year) => ({ year })) };
  answerJson(res, deps.faults, { org: namespace, operation: 'dvp-years' }, body, { years: list.map((year) => ({ year: String(year) })) });
}

type PeriodRoute = Extract<Route, { operation: 'dvp-timespans' | 'dvp-files' }>;

function timespans(deps: DvpApiDeps, res: ServerResponse, route: PeriodRoute): void {
  const timespan = route.timespan as DvpTimespan;
  const singular = SINGULAR[timespan];
  const list = deps.catalog.periods(route.namespace, timespan).filter((period) => period.year === Number(route.year));
  const body = { [timespan]: list.length === 0 ? null : list.map((period) => ({ [singular]: period.n })) };
  answerJson(res, deps.faults, { org: route.namespace, operation: 'dvp-timespans' }, body, {
    [timespan]: list.map((period) => ({ [singular]: String(period.n) })),
  });
}

function oneTimespan(deps: DvpApiDeps, res: ServerResponse, route: PeriodRoute): void {
  const timespan = route.timespan as DvpTimespan;
  const period = deps.catalog.find(route.namespace, timespan, Number(route.year), Number(route.n));
  if (!period) return sendDetail(res, 404, 'Not Found');
  const singular = SINGULAR[timespan];
  answerJson(res, deps.faults, { org: route.namespace, operation: 'dvp-timespans' }, { [singular]: period.n }, { [singular]: String(period.n) });
}

function files(deps: DvpApiDeps, res: ServerResponse, route: PeriodRoute): void {
  const { catalog, faults, signer, now, urlTtlSeconds } = deps;
  const view = route.view!;
  const ns = catalog.namespace(route.namespace)!;
  const period = catalog.find(route.namespace, route.timespan as DvpTimespan, Number(route.year), Number(route.n));
  if (!period || !isDvpView(view) || !ns.views.includes(view)) return sendDetail(res, 404, 'Not Found');
  const built = catalog.build(route.namespace, view, period);
  const data = built.files.map((file, index) => {
    const expired = faults.take('expiredUrl', { org: route.namespace, operation: 'dvp-files', fileIndex: index });
    // An expired URL is one issued long enough ago; its signature is still good, as S3's would be.
    const issuedAt = expired ? new Date(now().getTime() - (urlTtlSeconds + 60) * 1000) : now();
    const key = catalog.objectKey(route.namespace, view, period, index, file.gzip);
    return { url: signer.sign(deps.storageUrl(), key, issuedAt, urlTtlSeconds), size: file.body.length };
  });
  answerJson(res, faults, { org: route.namespace, operation: 'dvp-files' }, { data }, {
    data: data.map(({ url, size }) => ({ href: url, size: String(size) })),
  });
}

/** The token's user publishes the namespace, and the simulator serves it. */
function readable(claims: JwtClaims, namespace: string, catalog: DvpCatalog): boolean {
  return (claims.namespaces ?? []).includes(namespace) && catalog.namespace(namespace) !== undefined;
}

function matchRoute(path: string): Route | 'bad-encoding' | undefined {
  if (path === DVP_BASE_PATH || path === `${DVP_BASE_PATH}/`) return { operation: 'dvp-namespace', kind: 'with-data' };
  let parts: string[];
  try {
    parts = path.slice(DVP_BASE_PATH.length + 1).split('/').map(decodeURIComponent);
  } catch {
    return 'bad-encoding';
  }
  const [namespacesPart, namespace, pulls, exportsPart, yearsPart, year, timespan, n, view, ...rest] = parts;
  if (namespacesPart !== 'namespaces' || rest.length > 0) return undefined;
  if (namespace === undefined) return { operation: 'dvp-namespace', kind: 'all' };
  if (namespace === '') return undefined;
  if (pulls === undefined) return { operation: 'dvp-namespace', kind: 'one', namespace };
  if (pulls !== 'pulls' || exportsPart !== 'exports' || yearsPart !== 'years') return undefined;
  if (year === undefined) return { operation: 'dvp-years', namespace };
  if (timespan === undefined || !(DVP_TIMESPANS as readonly string[]).includes(timespan)) return undefined;
  return { operation: view === undefined ? 'dvp-timespans' : 'dvp-files', namespace, year, timespan, n, view };
}

/** 400s for path values that cannot be a year or a period number; a well-formed one that has no export is a 404 later. */
function validate(route: Route): string | undefined {
  if (route.operation !== 'dvp-timespans' && route.operation !== 'dvp-files') return undefined;
  if (!/^\d{4}$/.test(route.year)) return `Invalid year: ${JSON.stringify(route.year)}`;
  if (route.n !== undefined && !/^\d{1,2}$/.test(route.n)) return `Invalid ${SINGULAR[route.timespan as DvpTimespan]}: ${JSON.stringify(route.n)}`;
  return undefined;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}
