import { describe, expect, it } from 'vitest';
import { routeOf } from '../../../shared/api/api-route.js';
import { ApiError } from '../../../shared/api/api-types.js';

const get = (path: string, query: Record<string, string> = {}) => ({ method: 'GET', path, query });

function refusal(request: { method: string; path: string; query: Record<string, string> }): { status: number; message: string } {
  try {
    routeOf(request);
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error(`${request.path} was accepted`);
}

describe('Function: routeOf', () => {
  it.each([
    ['/orgs/acme/reports', { kind: 'types', org: 'acme' }],
    ['/orgs/acme/reports/usage_pulls/daily', { kind: 'reports', type: 'usage_pulls', cadence: 'daily', pageSize: 30, before: undefined }],
    ['/orgs/my-org/reports/usage_pulls/daily/2026-06-16/download', { kind: 'download', org: 'my-org', date: '2026-06-16', redirect: true }],
    ['/orgs/acme/reports/usage_pulls/daily/latest/download', { kind: 'download', date: 'latest' }],
    ['/orgs/acme/reports/usage_pulls/daily/2024-02-29/schema', { kind: 'schema', date: '2024-02-29' }],
  ])('routes %s', (path, expected) => {
    expect(routeOf(get(path))).toMatchObject(expected);
  });

  it('routes POST /orgs/{org}/sync', () => {
    expect(routeOf({ method: 'POST', path: '/orgs/acme/sync', query: {} })).toEqual({ kind: 'sync', org: 'acme' });
  });

  it('reads page_size, page_token and redirect', () => {
    const token = Buffer.from('before:2026-06-16').toString('base64url');
    expect(routeOf(get('/orgs/acme/reports/t/c', { page_size: '100', page_token: token }))).toMatchObject({ pageSize: 100, before: '2026-06-16' });
    expect(routeOf(get('/orgs/acme/reports/t/c/latest/download', { redirect: 'false' }))).toMatchObject({ redirect: false });
  });

  describe('refuses odd input with a 400, as Docker does', () => {
    it.each([
      ['/orgs/Acme/reports', 'invalid input: org contains invalid characters'],
      ['/orgs/_acme/reports', 'invalid input: org contains invalid characters'],
      ['/orgs/acme/reports/usage.pulls/daily', 'invalid input: path contains invalid characters'],
      ['/orgs/acme/reports/usage_pulls/DAILY', 'invalid input: cadence contains invalid characters'],
      ['/orgs/acme/reports/usage_pulls/daily/2026-02-30/download', 'invalid input: date must be a valid YYYY-MM-DD date'],
      ['/orgs/acme/reports/usage_pulls/daily/20260616/download', 'invalid input: date must be a valid YYYY-MM-DD date'],
      ['/orgs/acme/reports/usage_pulls/daily/%2e%2e/download', 'invalid input: path contains invalid characters'],
      ['/orgs/acme/reports/usage_pulls%2fdaily', 'invalid input: path contains invalid characters'],
      ['/orgs/acme/reports/../../etc/passwd', 'invalid input: path contains invalid characters'],
      ['/orgs/acme//reports', 'invalid input: path contains invalid characters'],
      ['/orgs/acme/reports/usage_pulls/daily/2026-06-16\\/download', 'invalid input: path contains invalid characters'],
      ['/orgs/acmé/reports', 'invalid input: path contains invalid characters'],
      [`/orgs/${'a'.repeat(400)}/reports`, 'invalid input: path is too long'],
      [`/orgs/${'a'.repeat(200)}/reports`, 'invalid input: org contains invalid characters'],
    ])('%s', (path, message) => {
      expect(refusal(get(path))).toEqual({ status: 400, message });
    });

    it.each([['0'], ['101'], ['ten'], ['1e2'], ['-1'], ['5.5']])('page_size=%s', (size) => {
      expect(refusal(get('/orgs/acme/reports/t/c', { page_size: size }))).toEqual({
        status: 400,
        message: 'invalid input: page_size must be an integer from 1 to 100',
      });
    });

    it('a page token that is not one of ours', () => {
      expect(refusal(get('/orgs/acme/reports/t/c', { page_token: 'bm9wZQ' }))).toEqual({ status: 400, message: 'invalid input: invalid page token' });
    });

    it('a query value that is too long', () => {
      expect(refusal(get('/orgs/acme/reports/t/c', { page_token: 'x'.repeat(500) })).status).toBe(400);
    });

    it('redirect other than true or false', () => {
      expect(refusal(get('/orgs/acme/reports/t/c/latest/download', { redirect: 'yes' })).status).toBe(400);
    });
  });

  it.each(['/', '/orgs', '/orgs/acme', '/orgs/acme/other', '/orgs/acme/reports/t', '/orgs/acme/reports/t/c/latest/other', '/health'])(
    'answers 404 for %s',
    (path) => {
      expect(refusal(get(path))).toEqual({ status: 404, message: 'not found' });
    },
  );

  it('answers 405 with Allow for the wrong method', () => {
    expect(() => routeOf({ method: 'DELETE', path: '/orgs/acme/reports', query: {} })).toThrow(
      expect.objectContaining({ status: 405, headers: { allow: 'GET' } }),
    );
    expect(() => routeOf(get('/orgs/acme/sync'))).toThrow(expect.objectContaining({ status: 405, headers: { allow: 'POST' } }));
  });
});

describe('Function: routeOf, DVP export paths', () => {
  const base = '/namespaces/pubco/pulls/exports/years';

  it.each([
    [base, { kind: 'dvp-years', namespace: 'pubco' }],
    [`${base}/2026/weeks`, { kind: 'dvp-periods', namespace: 'pubco', year: 2026, timespan: 'weeks' }],
    [`${base}/2026/months`, { kind: 'dvp-periods', year: 2026, timespan: 'months' }],
    [`${base}/2026/weeks/1`, { kind: 'dvp-period', year: 2026, timespan: 'weeks', n: 1 }],
    [`${base}/2026/weeks/53`, { kind: 'dvp-period', n: 53 }],
    [`${base}/2026/months/12`, { kind: 'dvp-period', timespan: 'months', n: 12 }],
    [`${base}/2026/weeks/01/repo-summary`, { kind: 'dvp-files', n: 1, view: 'repo-summary' }],
    [`${base}/2025/months/6/raw/`, { kind: 'dvp-files', year: 2025, timespan: 'months', n: 6, view: 'raw' }],
  ])('routes %s', (path, expected) => {
    expect(routeOf(get(path))).toMatchObject(expected);
  });

  describe('refuses odd input with a 400', () => {
    it.each([
      [`${base}/26/weeks`, 'invalid input: year must be a four-digit year'],
      [`${base}/twenty/weeks`, 'invalid input: year must be a four-digit year'],
      [`${base}/0999/weeks`, 'invalid input: year must be a four-digit year'],
      [`${base}/2026/weeks/54`, 'invalid input: week must be an ISO 8601 week of 2026 (1 to 53)'],
      [`${base}/2025/weeks/53`, 'invalid input: week must be an ISO 8601 week of 2025 (1 to 52)'],
      [`${base}/2026/weeks/0`, 'invalid input: week must be an ISO 8601 week of 2026 (1 to 53)'],
      [`${base}/2026/weeks/123`, 'invalid input: week must be an ISO 8601 week of 2026 (1 to 53)'],
      [`${base}/2026/months/13`, 'invalid input: month must be an integer from 1 to 12'],
      [`${base}/2026/months/x/raw`, 'invalid input: month must be an integer from 1 to 12'],
      [`${base}/2026/weeks/1/Raw`, 'invalid input: view contains invalid characters'],
      [`${base}/2026/weeks/1/raw.csv`, 'invalid input: path contains invalid characters'],
      ['/namespaces/Pub/pulls/exports/years', 'invalid input: namespace contains invalid characters'],
      [`${base}/2026/weeks/1/%2e%2e`, 'invalid input: path contains invalid characters'],
    ])('%s', (path, message) => {
      expect(refusal(get(path))).toEqual({ status: 400, message });
    });
  });

  it.each([
    '/namespaces',
    '/namespaces/pubco',
    '/namespaces/pubco/pulls',
    '/namespaces/pubco/pulls/exports',
    `${base}/2026`,
    `${base}/2026/days`,
    `${base}/2026/weeks/1/raw/files`,
  ])('answers 404 for %s', (path) => {
    expect(refusal(get(path))).toEqual({ status: 404, message: 'not found' });
  });

  it('answers 405 with Allow for anything but GET', () => {
    expect(() => routeOf({ method: 'POST', path: base, query: {} })).toThrow(expect.objectContaining({ status: 405, headers: { allow: 'GET' } }));
  });
});
