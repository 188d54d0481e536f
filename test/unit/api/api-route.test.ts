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
