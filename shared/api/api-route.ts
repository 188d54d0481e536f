import { isReportDate, segmentSchema } from '../names.js';
import { isoWeekStart, type DvpTimespan } from '../sources/dvp/index.js';
import { ApiError, type ApiRequest } from './api-types.js';
import { decodeCursor } from './page-cursor.js';

export type ApiRoute =
  | { readonly kind: 'types'; readonly org: string }
  | { readonly kind: 'reports'; readonly org: string; readonly type: string; readonly cadence: string; readonly pageSize: number; readonly before: string | undefined }
  | { readonly kind: 'download'; readonly org: string; readonly type: string; readonly cadence: string; readonly date: string | 'latest'; readonly redirect: boolean }
  | { readonly kind: 'schema'; readonly org: string; readonly type: string; readonly cadence: string; readonly date: string | 'latest' }
  | { readonly kind: 'sync'; readonly org: string }
  | DvpRoute;

/** Docker's DVP export paths, `/namespaces/{ns}/pulls/exports/years[/{y}/{weeks|months}[/{n}[/{view}]]]`. */
export type DvpRoute =
  | { readonly kind: 'dvp-years'; readonly namespace: string }
  | { readonly kind: 'dvp-periods'; readonly namespace: string; readonly year: number; readonly timespan: DvpTimespan }
  | { readonly kind: 'dvp-period'; readonly namespace: string; readonly year: number; readonly timespan: DvpTimespan; readonly n: number }
  | { readonly kind: 'dvp-files'; readonly namespace: string; readonly year: number; readonly timespan: DvpTimespan; readonly n: number; readonly view: string };

const MAX_PATH_LENGTH = 300;
const MAX_QUERY_VALUE_LENGTH = 200;
/** What a valid path may hold at all: the segments' characters and `/`. */
const PATH_CHARACTERS = /^[A-Za-z0-9/_-]+$/;
export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 100;

/**
 * Reads and validates a request exactly as Docker does (segments
 * `^[a-z0-9][a-z0-9_-]*$`, real dates, page_size 1..100) before anything else
 * happens: a path with encoded or literal traversal, odd characters or an
 * oversized part is a 400 and reaches neither the lake nor Docker.
 */
export function routeOf(request: ApiRequest): ApiRoute {
  const { path } = request;
  if (path.length > MAX_PATH_LENGTH) throw new ApiError(400, 'invalid input: path is too long');
  // Dates carry digits and '-', never '.', so '.', '%' (encoded anything) and '\' all mean odd input.
  if (!PATH_CHARACTERS.test(path) || path.includes('//')) {
    throw new ApiError(400, 'invalid input: path contains invalid characters');
  }
  for (const [name, value] of Object.entries(request.query)) {
    if ((value ?? '').length > MAX_QUERY_VALUE_LENGTH) throw new ApiError(400, `invalid input: ${name} is too long`);
  }
  const parts = path.replace(/^\/|\/$/g, '').split('/');
  if (parts[0] === 'namespaces') return dvpRouteOf(request, parts);
  if (parts[0] !== 'orgs' || parts.length < 3) throw new ApiError(404, 'not found');
  const org = segment('org', parts[1]!);

  if (parts.length === 3 && parts[2] === 'sync') return only(request, 'POST', { kind: 'sync', org });
  if (parts[2] !== 'reports') throw new ApiError(404, 'not found');
  if (parts.length === 3) return only(request, 'GET', { kind: 'types', org });
  if (parts.length < 5) throw new ApiError(404, 'not found');
  const type = segment('type', parts[3]!);
  const cadence = segment('cadence', parts[4]!);
  if (parts.length === 5) {
    return only(request, 'GET', {
      kind: 'reports',
      org,
      type,
      cadence,
      pageSize: pageSizeOf(request.query.page_size),
      before: request.query.page_token ? decodeCursor(request.query.page_token) : undefined,
    });
  }
  if (parts.length !== 7) throw new ApiError(404, 'not found');
  const date = dateOf(parts[5]!);
  if (parts[6] === 'download') {
    return only(request, 'GET', { kind: 'download', org, type, cadence, date, redirect: redirectOf(request.query.redirect) });
  }
  if (parts[6] === 'schema') return only(request, 'GET', { kind: 'schema', org, type, cadence, date });
  throw new ApiError(404, 'not found');
}

/**
 * The DVP paths, checked as strictly as the Enterprise ones: a year is four
 * digits, a week one its ISO year has (1-52, or 53), a month 1-12, a view a
 * segment. Anything else under /namespaces is a 404, like Docker's.
 */
function dvpRouteOf(request: ApiRequest, parts: readonly string[]): DvpRoute {
  if (parts.length < 5 || parts[2] !== 'pulls' || parts[3] !== 'exports' || parts[4] !== 'years') throw new ApiError(404, 'not found');
  const namespace = segment('namespace', parts[1]!);
  if (parts.length === 5) return only(request, 'GET', { kind: 'dvp-years', namespace });
  if (parts.length < 7 || parts.length > 9) throw new ApiError(404, 'not found');
  const year = yearOf(parts[5]!);
  const timespan = parts[6];
  if (timespan !== 'weeks' && timespan !== 'months') throw new ApiError(404, 'not found');
  if (parts.length === 7) return only(request, 'GET', { kind: 'dvp-periods', namespace, year, timespan });
  const n = timespanNumberOf(timespan, year, parts[7]!);
  if (parts.length === 8) return only(request, 'GET', { kind: 'dvp-period', namespace, year, timespan, n });
  return only(request, 'GET', { kind: 'dvp-files', namespace, year, timespan, n, view: segment('view', parts[8]!) });
}

function yearOf(value: string): number {
  const year = /^\d{4}$/.test(value) ? Number(value) : NaN;
  // The DVP program started long after 1970; the payloads' years are 1970 and later.
  if (!(year >= 1970)) throw new ApiError(400, 'invalid input: year must be a four-digit year');
  return year;
}

function timespanNumberOf(timespan: DvpTimespan, year: number, value: string): number {
  const n = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  if (timespan === 'months') {
    if (!(n >= 1 && n <= 12)) throw new ApiError(400, 'invalid input: month must be an integer from 1 to 12');
    return n;
  }
  if (!(n >= 1) || isoWeekStart(year, n) === undefined) {
    throw new ApiError(400, `invalid input: week must be an ISO 8601 week of ${year} (1 to ${isoWeekStart(year, 53) ? 53 : 52})`);
  }
  return n;
}

function only<T extends ApiRoute>(request: ApiRequest, method: 'GET' | 'POST', route: T): T {
  if (request.method.toUpperCase() !== method) throw new ApiError(405, 'method not allowed', { allow: method });
  return route;
}

function segment(name: string, value: string): string {
  if (!segmentSchema.safeParse(value).success) throw new ApiError(400, `invalid input: ${name} contains invalid characters`);
  return value;
}

function dateOf(value: string): string | 'latest' {
  if (value === 'latest' || isReportDate(value)) return value;
  throw new ApiError(400, 'invalid input: date must be a valid YYYY-MM-DD date');
}

function pageSizeOf(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PAGE_SIZE;
  const size = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(size >= 1 && size <= MAX_PAGE_SIZE)) {
    throw new ApiError(400, `invalid input: page_size must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return size;
}

function redirectOf(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'true') return true;
  if (value === 'false') return false;
  throw new ApiError(400, 'invalid input: redirect must be true or false');
}
