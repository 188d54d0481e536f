import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness, type OutboundCalls } from './support/api-harness.js';

/**
 * Hostile and odd input, as API Gateway would hand it to the function (a REST
 * API keeps the path's percent-encoding; explicit resources let any text into
 * `{org}`, `{type}`, `{cadence}` and `{date}`). Each must be answered by the
 * function alone: no request to S3, Glue, Athena, Secrets Manager, EventBridge or Docker.
 */
let harness: ApiHarness;

beforeAll(async () => {
  harness = await ApiHarness.start({ sim: { orgs: ['acme'], days: 2, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] } });
});

afterAll(async () => {
  await harness.close();
});

const NONE: OutboundCalls = { s3: 0, glue: 0, athena: 0, secretsManager: 0, eventBridge: 0, docker: 0 };

/** One request through a cold function, and what it made the function call. */
async function requestCounting(method: string, path: string, query?: Record<string, string>) {
  const before = harness.outboundCalls();
  const answer = await harness.request(method, path, { query });
  const after = harness.outboundCalls();
  const calls = Object.fromEntries(Object.entries(after).map(([service, count]) => [service, count - before[service as keyof OutboundCalls]]));
  return { answer, calls };
}

const DOWNLOAD = '/orgs/acme/reports/usage_pulls/daily/latest/download';
const LIST = '/orgs/acme/reports/usage_pulls/daily';

describe('Handler: api, input validation', () => {
  describe('a path with traversal or odd characters is a 400 that reaches nothing', () => {
    it.each([
      ['an encoded ".." as the type', 'GET', '/orgs/acme/reports/%2e%2e/daily'],
      ['an encoded "../" climbing to another org', 'GET', '/orgs/acme/reports/..%2f..%2fglobex/daily/latest/download'],
      ['upper-case escapes', 'GET', '/orgs/acme/reports/usage_pulls/daily/%2E%2E%2F%2E%2E/download'],
      ['an encoded "/" inside the org', 'GET', '/orgs/ac%2fme/reports'],
      ['a double-encoded ".."', 'GET', '/orgs/acme/reports/%252e%252e/daily'],
      ['a literal ".." segment', 'GET', '/orgs/acme/reports/../daily/latest/download'],
      ['a "." as the date', 'GET', '/orgs/acme/reports/usage_pulls/daily/./download'],
      ['an encoded NUL', 'GET', '/orgs/acme/reports/usage_pulls%00/daily'],
      ['a backslash', 'GET', '/orgs/acme/reports/usage_pulls\\..\\secrets/daily'],
      ['a non-ASCII org', 'GET', '/orgs/acmé/reports'],
      ['an empty segment', 'GET', '/orgs/acme/reports//daily'],
      ['a sync request for an encoded org', 'POST', '/orgs/%61cme/sync'],
    ])('%s: %s %s', async (_label, method, path) => {
      // Act
      const { answer, calls } = await requestCounting(method, path);

      // Assess
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toEqual({ error: 'invalid input: path contains invalid characters' });
      expect(calls).toEqual(NONE);
    });
  });

  describe('a segment Docker would refuse is a 400 that reaches nothing', () => {
    it.each([
      ['an upper-case org (Docker\'s names are lower case)', '/orgs/Acme/reports', 'invalid input: org contains invalid characters'],
      ['an org starting with "-"', '/orgs/-acme/reports', 'invalid input: org contains invalid characters'],
      ['an org of 129 characters', `/orgs/${'a'.repeat(129)}/reports`, 'invalid input: org contains invalid characters'],
      ['a type starting with "_"', '/orgs/acme/reports/_usage/daily', 'invalid input: type contains invalid characters'],
      ['a path over 300 characters', `/orgs/acme/reports/${'a'.repeat(300)}/daily`, 'invalid input: path is too long'],
      ['an impossible date', '/orgs/acme/reports/usage_pulls/daily/2026-02-30/download', 'invalid input: date must be a valid YYYY-MM-DD date'],
      ['a date written another way', '/orgs/acme/reports/usage_pulls/daily/20260601/schema', 'invalid input: date must be a valid YYYY-MM-DD date'],
    ])('%s', async (_label, path, error) => {
      // Act
      const { answer, calls } = await requestCounting('GET', path);

      // Assess
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toEqual({ error });
      expect(calls).toEqual(NONE);
    });
  });

  describe('a query parameter out of Docker\'s bounds is a 400 that reaches nothing', () => {
    it.each([
      ['page_size 0', LIST, { page_size: '0' }, 'invalid input: page_size must be an integer from 1 to 100'],
      ['page_size 101', LIST, { page_size: '101' }, 'invalid input: page_size must be an integer from 1 to 100'],
      ['page_size -1', LIST, { page_size: '-1' }, 'invalid input: page_size must be an integer from 1 to 100'],
      ['page_size 1e2', LIST, { page_size: '1e2' }, 'invalid input: page_size must be an integer from 1 to 100'],
      ['an oversized page_token', LIST, { page_token: 'A'.repeat(201) }, 'invalid input: page_token is too long'],
      ['redirect=yes', DOWNLOAD, { redirect: 'yes' }, 'invalid input: redirect must be true or false'],
      ['an oversized unknown parameter', DOWNLOAD, { q: 'x'.repeat(201) }, 'invalid input: q is too long'],
    ])('%s', async (_label, path, query, error) => {
      // Act
      const { answer, calls } = await requestCounting('GET', path, query);

      // Assess
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toEqual({ error });
      expect(calls).toEqual(NONE);
    });

    it('a page_token that is not one of ours', async () => {
      // Act
      const { answer, calls } = await requestCounting('GET', LIST, { page_token: 'bm90LW91cnM' });

      // Assess
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toEqual({ error: 'invalid input: invalid page token' });
      expect(calls).toEqual(NONE);
    });
  });

  describe('what the stack does not serve reaches nothing', () => {
    it.each([
      ['GET', '/orgs/initech/reports', 404],
      ['GET', '/orgs/initech/reports/usage_pulls/daily/latest/download', 404],
      ['POST', '/orgs/initech/sync', 404],
      ['GET', '/orgs/acme/members', 404],
      ['GET', '/orgs/acme/sync', 405],
    ])('%s %s is a %d', async (method, path, status) => {
      // Act
      const { answer, calls } = await requestCounting(method, path);

      // Assess
      expect(answer.statusCode).toBe(status);
      expect(answer.json()).toEqual({ error: status === 404 ? 'not found' : 'method not allowed' });
      expect(calls).toEqual(NONE);
    });
  });

  it('does reach the lake and Docker for a valid request: the counting above can see calls', async () => {
    // Act
    const { answer, calls } = await requestCounting('GET', DOWNLOAD, { redirect: 'false' });

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(calls.s3).toBeGreaterThan(0);
    expect(calls.secretsManager).toBe(1);
    expect(calls.glue).toBeGreaterThan(0);
    expect(calls.eventBridge).toBe(1);
    expect(calls.docker).toBeGreaterThan(0);
  });
});
