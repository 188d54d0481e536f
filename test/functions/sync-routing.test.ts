import { describe, expect, it } from 'vitest';
import { routeOf, type OrgPlan } from '../../functions/sync/org-plans.js';
import { parseSyncRequest } from '../../functions/sync/sync-request.js';
import type { WorkItem } from '../../shared/sync/plan.js';

const LIMITS = { aboveReports: 10, aboveBytes: 1000 };

function plan(count: number, bytesEach = 10): OrgPlan {
  const items: WorkItem[] = Array.from({ length: count }, (_, i) => ({
    org: 'acme',
    report: { ReportType: 'usage_pulls', Cadence: 'daily', Date: `2026-06-${String(i + 1).padStart(2, '0')}`, SizeBytes: bytesEach, Key: 'k' },
    replace: false,
  }));
  return { org: 'acme', items, bytes: count * bytesEach, skipped: 0, failures: [] };
}

describe('Function: routeOf', () => {
  it.each([
    ['nothing to land', plan(0), 'nothing'],
    ['a daily run (a few reports)', plan(3), 'inline'],
    ['exactly the report limit', plan(10), 'inline'],
    ['a backfill above the report limit', plan(11), 'queue'],
    ['few reports of many bytes', plan(2, 600), 'queue'],
  ])('routes %s: %s', (_label, orgPlan, route) => {
    // Assess
    expect(routeOf(orgPlan, 'auto', LIMITS)).toBe(route);
  });

  it('follows a forced mode, but never queues an empty plan', () => {
    // Assess
    expect(routeOf(plan(1), 'always', LIMITS)).toBe('queue');
    expect(routeOf(plan(50), 'never', LIMITS)).toBe('inline');
    expect(routeOf(plan(0), 'always', LIMITS)).toBe('nothing');
  });
});

describe('Function: parseSyncRequest', () => {
  it('reads a schedule\'s input and a manual invocation', () => {
    // Assess
    expect(parseSyncRequest({ cadences: ['daily'] }, ['acme'])).toEqual({ cadences: ['daily'], fanOut: 'auto' });
    expect(parseSyncRequest(undefined, ['acme'])).toEqual({ fanOut: 'auto' });
    expect(parseSyncRequest({ orgs: ['acme'], since: '2026-06-01', fanOut: 'never' }, ['acme'])).toMatchObject({ since: '2026-06-01' });
  });

  it.each([
    [{ since: '2026-02-30' }, /since/],
    [{ cadences: 'daily' }, /cadences/],
    [{ fanOut: 'sometimes' }, /fanOut/],
    [{ types: ['../etc'] }, /types/],
  ])('refuses %j, naming the field', (event, field) => {
    // Assess
    expect(() => parseSyncRequest(event, ['acme'])).toThrow(field);
  });
});
