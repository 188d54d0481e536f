import { describe, expect, it } from 'vitest';
import { routeOf, type ScopePlan } from '../../functions/sync/scope-plans.js';
import { parseSyncRequest, requestedScopes } from '../../functions/sync/sync-request.js';
import { itemBytes, type WorkItem } from '../../shared/sync/index.js';

const LIMITS = { aboveReports: 10, aboveBytes: 1000 };

const ref = (i: number) => ({ source: 'enterprise', scope: 'acme', name: 'usage_pulls', cadence: 'daily', period: `2026-06-${String(i + 1).padStart(2, '0')}` }) as const;

/** A plan of `count` periods to land of `bytesEach` bytes, then `rebuilds` query copies to rebuild. */
function plan(count: number, bytesEach = 10, rebuilds = 0): ScopePlan {
  const items: WorkItem[] = [
    ...Array.from({ length: count }, (_, i): WorkItem => ({
      action: 'land',
      period: { ref: ref(i), files: [{ upstreamKey: `acme/usage_pulls/daily/${ref(i).period}.csv`, sizeBytes: bytesEach }] },
      held: [],
    })),
    ...Array.from({ length: rebuilds }, (_, i): WorkItem => ({ action: 'rebuild', ref: ref(count + i), held: [] })),
  ];
  return { scope: { source: 'enterprise', scope: 'acme' }, items, bytes: items.reduce((sum, item) => sum + itemBytes(item), 0), skipped: 0, failures: [] };
}

describe('Function: routeOf', () => {
  it.each([
    ['nothing to land', plan(0), 'nothing'],
    ['a daily run (a few reports)', plan(3), 'inline'],
    ['exactly the report limit', plan(10), 'inline'],
    ['a backfill above the report limit', plan(11), 'queue'],
    ['few reports of many bytes', plan(2, 600), 'queue'],
    ['a few rebuilds (nothing to download)', plan(0, 10, 3), 'inline'],
    ['a lake of first-version copies to rebuild', plan(0, 10, 11), 'queue'],
    ['a report and two rebuilds (rebuilds download nothing)', plan(1, 600, 2), 'inline'],
  ])('routes %s: %s', (_label, scopePlan, route) => {
    // Assess
    expect(routeOf(scopePlan, 'auto', LIMITS)).toBe(route);
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
    expect(parseSyncRequest({ cadences: ['daily'] }, { orgs: ['acme'], namespaces: [] })).toEqual({ cadences: ['daily'], fanOut: 'auto' });
    expect(parseSyncRequest(undefined, { orgs: ['acme'], namespaces: [] })).toEqual({ fanOut: 'auto' });
    expect(parseSyncRequest({ orgs: ['acme'], since: '2026-06-01', fanOut: 'never' }, { orgs: ['acme'], namespaces: [] })).toMatchObject({ since: '2026-06-01' });
  });

  it.each([
    [{ since: '2026-02-30' }, /since/],
    [{ cadences: 'daily' }, /cadences/],
    [{ fanOut: 'sometimes' }, /fanOut/],
    [{ types: ['../etc'] }, /types/],
    [{ sources: ['hub'] }, /sources/],
    [{ namespaces: ['Bad NS'] }, /namespaces/],
  ])('refuses %j, naming the field', (event, field) => {
    // Assess
    expect(() => parseSyncRequest(event, { orgs: ['acme'], namespaces: [] })).toThrow(field);
  });

  it('refuses a namespace the stack does not sync, naming the setting', () => {
    // Assess
    expect(() => parseSyncRequest({ namespaces: ['initech'] }, CONFIGURED)).toThrow(/initech.*dvp\.namespaces/);
  });
});

const CONFIGURED = { orgs: ['acme'], namespaces: ['pubco', 'other'] };

describe('Function: requestedScopes', () => {
  it.each([
    ['everything', {}, ['enterprise/acme', 'dvp/pubco', 'dvp/other']],
    ['an Enterprise schedule', { sources: ['enterprise'], cadences: ['daily'] }, ['enterprise/acme']],
    ['a DVP schedule', { sources: ['dvp'], cadences: ['weekly'] }, ['dvp/pubco', 'dvp/other']],
    ['one org (an API sync request)', { orgs: ['acme'] }, ['enterprise/acme']],
    ['one namespace', { namespaces: ['other'] }, ['dvp/other']],
    ['a cadence no DVP export has', { cadences: ['daily'] }, ['enterprise/acme']],
  ])('covers the scopes of %s', (_what, event, expected) => {
    // Act
    const { scopes } = requestedScopes(parseSyncRequest(event, CONFIGURED), CONFIGURED);

    // Assess
    expect(scopes.map((scope) => `${scope.source}/${scope.scope}`)).toEqual(expected);
  });

  it('narrows DVP datasets by view and by the timespans among the cadences', () => {
    // Act
    const { filters } = requestedScopes(parseSyncRequest({ views: ['raw'], cadences: ['daily', 'weekly'] }, CONFIGURED), CONFIGURED);

    // Assess
    expect(filters.dvp).toEqual({ names: ['raw'], cadences: ['weekly'] });
    expect(filters.enterprise).toEqual({ names: undefined, cadences: ['daily', 'weekly'] });
  });
});
