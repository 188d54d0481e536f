import { isReportDate, segmentSchema } from '../names.js';
import { ApiError, type ApiRequest } from './api-types.js';
import { decodeCursor } from './page-cursor.js';

export type ApiRoute =
  | { readonly kind: 'types'; readonly org: string }
  | { readonly kind: 'reports'; readonly org: string; readonly type: string; readonly cadence: string; readonly pageSize: number; readonly before: string | undefined }
  | { readonly kind: 'download'; readonly org: string; readonly type: string; readonly cadence: string; readonly date: string | 'latest'; readonly redirect: boolean }
  | { readonly kind: 'schema'; readonly org: string; readonly type: string; readonly cadence: string; readonly date: string | 'latest' }
  | { readonly kind: 'sync'; readonly org: string };

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
