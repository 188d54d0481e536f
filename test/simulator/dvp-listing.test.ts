import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DVP_VIEWS, createSimulator, type Simulator } from '../../simulator/index.js';
import { dvpJson, dvpJwt, exportsPath } from './dvp-helpers.js';
import { TEST_NOW } from './sim-helpers.js';

/** Early in January: the default six weeks and three months reach back into 2025. */
const JANUARY = new Date('2026-01-14T10:00:00Z');

describe('DVP listings', () => {
  let sim: Simulator;
  let jwt: string;
  let clock = JANUARY;

  beforeAll(async () => {
    sim = await createSimulator({
      now: () => clock,
      dvp: {
        namespaces: [
          { namespace: 'pubco' },
          { namespace: 'boundary', username: 'pubco-bot', lastWeekEnding: '2026-01-04', weeks: 2, views: ['raw', 'repo-summary'] },
          { namespace: 'week53', username: 'pubco-bot', lastWeekEnding: '2027-01-03', weeks: 1, months: 0 },
          { namespace: 'quiet', username: 'pubco-bot', empty: true },
        ],
      },
    });
    jwt = await dvpJwt(sim, 'pubco');
  });
  afterAll(() => sim.close());

  it('describes a namespace: its views (all eight by default), both timespans, no extra repos', async () => {
    expect(await dvpJson(sim, '/namespaces/pubco', jwt)).toEqual({
      status: 200,
      body: {
        namespace: 'pubco',
        extraRepos: null,
        publisherType: 'verified',
        extensionPublisher: false,
        datasets: [{ name: 'pulls', views: [...DVP_VIEWS], timespans: ['months', 'weeks'] }],
      },
    });
    expect(DVP_VIEWS).toEqual(['raw', 'summary', 'repo-summary', 'namespace-summary', 'geo-repo-summary', 'ext-summary', 'ext-premium-summary', 'ext-premium-geo']);
    const boundary = (await dvpJson(sim, '/namespaces/boundary', jwt)).body as { datasets: { views: string[] }[] };
    expect(boundary.datasets[0]!.views).toEqual(['raw', 'repo-summary']);
  });

  it('lists the namespaces with data at /, and every namespace of the user at /namespaces', async () => {
    expect(await dvpJson(sim, '/', jwt)).toEqual({ status: 200, body: { namespaces: ['pubco', 'boundary', 'week53'] } });
    const all = (await dvpJson(sim, '/namespaces', jwt)).body as { namespaces: { namespace: string }[] };
    expect(all.namespaces.map((ns) => ns.namespace)).toEqual(['pubco', 'boundary', 'week53', 'quiet']);
  });

  it('by default: six complete ISO weeks before the clock, across the year boundary, and three complete months', async () => {
    expect(await dvpJson(sim, exportsPath('pubco'), jwt)).toEqual({ status: 200, body: { years: [{ year: 2025 }, { year: 2026 }] } });
    expect((await dvpJson(sim, exportsPath('pubco', '/2025/weeks'), jwt)).body).toEqual({ weeks: [{ week: 49 }, { week: 50 }, { week: 51 }, { week: 52 }] });
    expect((await dvpJson(sim, exportsPath('pubco', '/2026/weeks'), jwt)).body).toEqual({ weeks: [{ week: 1 }, { week: 2 }] });
    expect((await dvpJson(sim, exportsPath('pubco', '/2025/months'), jwt)).body).toEqual({ months: [{ month: 10 }, { month: 11 }, { month: 12 }] });
    // A year with weeks but no month yet lists null, as the spec's lists may be.
    expect((await dvpJson(sim, exportsPath('pubco', '/2026/months'), jwt)).body).toEqual({ months: null });
    expect((await dvpJson(sim, exportsPath('pubco', '/2019/weeks'), jwt)).body).toEqual({ weeks: null });

    const weeks = sim.dvp.exports('pubco').filter((e) => e.view === 'raw' && e.timespan === 'weeks');
    expect(weeks.map((e) => [e.year, e.n, e.periodStart, e.periodEnd])).toEqual([
      [2025, 49, '2025-12-01', '2025-12-07'],
      [2025, 50, '2025-12-08', '2025-12-14'],
      [2025, 51, '2025-12-15', '2025-12-21'],
      [2025, 52, '2025-12-22', '2025-12-28'],
      [2026, 1, '2025-12-29', '2026-01-04'],
      [2026, 2, '2026-01-05', '2026-01-11'],
    ]);
    const months = sim.dvp.exports('pubco').filter((e) => e.view === 'raw' && e.timespan === 'months');
    expect(months.map((e) => [e.year, e.n, e.periodStart, e.periodEnd])).toEqual([
      [2025, 10, '2025-10-01', '2025-10-31'],
      [2025, 11, '2025-11-01', '2025-11-30'],
      [2025, 12, '2025-12-01', '2025-12-31'],
    ]);
    expect(sim.dvp.exports('pubco')).toHaveLength((6 + 3) * DVP_VIEWS.length);
  });

  it('lists ISO week 1 of 2026 under 2026, though it starts on 2025-12-29', async () => {
    expect((await dvpJson(sim, exportsPath('boundary'), jwt)).body).toEqual({ years: [{ year: 2025 }, { year: 2026 }] });
    expect((await dvpJson(sim, exportsPath('boundary', '/2026/weeks'), jwt)).body).toEqual({ weeks: [{ week: 1 }] });
    expect((await dvpJson(sim, exportsPath('boundary', '/2025/weeks'), jwt)).body).toEqual({ weeks: [{ week: 52 }] });
    expect(await dvpJson(sim, exportsPath('boundary', '/2026/weeks/1'), jwt)).toEqual({ status: 200, body: { week: 1 } });
    // Week 1 is not 2025's: 2025 has weeks 1..52 of its own, none of them exported here.
    expect((await dvpJson(sim, exportsPath('boundary', '/2025/weeks/1'), jwt)).status).toBe(404);
    const week1 = sim.dvp.exports('boundary').find((e) => e.timespan === 'weeks' && e.year === 2026 && e.n === 1);
    expect(week1).toMatchObject({ periodStart: '2025-12-29', periodEnd: '2026-01-04' });
    // The months end before the Monday after the forced last week, whatever the clock.
    expect((await dvpJson(sim, exportsPath('boundary', '/2025/months'), jwt)).body).toEqual({ months: [{ month: 10 }, { month: 11 }, { month: 12 }] });
  });

  it('knows a 53-week year: week 53 of 2026 ends on 2027-01-03 and is listed under 2026', async () => {
    expect((await dvpJson(sim, exportsPath('week53'), jwt)).body).toEqual({ years: [{ year: 2026 }] });
    expect((await dvpJson(sim, exportsPath('week53', '/2026/weeks'), jwt)).body).toEqual({ weeks: [{ week: 53 }] });
    expect(sim.dvp.exports('week53')[0]).toMatchObject({ year: 2026, n: 53, periodStart: '2026-12-28', periodEnd: '2027-01-03' });
  });

  it('answers one timespan with its number only, 404 for one without an export', async () => {
    expect(await dvpJson(sim, exportsPath('pubco', '/2025/weeks/50'), jwt)).toEqual({ status: 200, body: { week: 50 } });
    expect(await dvpJson(sim, exportsPath('pubco', '/2025/months/11'), jwt)).toEqual({ status: 200, body: { month: 11 } });
    for (const rest of ['/2025/weeks/48', '/2026/weeks/3', '/2025/months/9', '/2026/months/1', '/2025/weeks/99']) {
      const { status, body } = await dvpJson(sim, exportsPath('pubco', rest), jwt);
      expect(status, rest).toBe(404);
      expect(body).toHaveProperty('detail');
    }
  });

  it('answers 404 for a view the namespace does not offer or a period without export, 400 for a year or number that is not one', async () => {
    expect((await dvpJson(sim, exportsPath('boundary', '/2026/weeks/1/summary'), jwt)).status).toBe(404);
    expect((await dvpJson(sim, exportsPath('pubco', '/2026/weeks/1/no-such-view'), jwt)).status).toBe(404);
    expect((await dvpJson(sim, exportsPath('pubco', '/2026/weeks/3/raw'), jwt)).status).toBe(404);
    expect((await dvpJson(sim, exportsPath('pubco', '/2026/days'), jwt)).status).toBe(404);
    expect((await dvpJson(sim, '/namespaces/pubco/pulls/other', jwt)).status).toBe(404);
    for (const rest of ['/26/weeks', '/year/weeks', '/2026/weeks/one', '/2026/weeks/-1', '/2026/months/123/raw']) {
      const { status, body } = await dvpJson(sim, exportsPath('pubco', rest), jwt);
      expect(status, rest).toBe(400);
      expect((body as { detail: string }).detail).toMatch(/^Invalid/);
    }
  });

  it('an empty namespace has no years at all: {"years": null}, not an error', async () => {
    expect(await dvpJson(sim, exportsPath('quiet'), jwt)).toEqual({ status: 200, body: { years: null } });
    expect(await dvpJson(sim, exportsPath('quiet', '/2026/weeks'), jwt)).toEqual({ status: 200, body: { weeks: null } });
    expect((await dvpJson(sim, exportsPath('quiet', '/2026/weeks/1/raw'), jwt)).status).toBe(404);
    expect(sim.dvp.exports('quiet')).toEqual([]);
  });

  it('the weeks and months follow the clock; a forced last week does not', async () => {
    clock = TEST_NOW;
    try {
      // A JWT issued in January has long expired by June.
      jwt = await dvpJwt(sim, 'pubco');
      expect((await dvpJson(sim, exportsPath('pubco'), jwt)).body).toEqual({ years: [{ year: 2026 }] });
      expect((await dvpJson(sim, exportsPath('pubco', '/2026/weeks'), jwt)).body).toEqual({
        weeks: [19, 20, 21, 22, 23, 24].map((week) => ({ week })),
      });
      expect((await dvpJson(sim, exportsPath('pubco', '/2026/months'), jwt)).body).toEqual({ months: [{ month: 3 }, { month: 4 }, { month: 5 }] });
      expect((await dvpJson(sim, exportsPath('boundary', '/2026/weeks'), jwt)).body).toEqual({ weeks: [{ week: 1 }] });
      // Monday 2026-06-22: week 25 (2026-06-15..21) is complete, and week 19 has left the window.
      clock = new Date('2026-06-22T00:00:00Z');
      jwt = await dvpJwt(sim, 'pubco');
      expect((await dvpJson(sim, exportsPath('pubco', '/2026/weeks'), jwt)).body).toEqual({
        weeks: [20, 21, 22, 23, 24, 25].map((week) => ({ week })),
      });
    } finally {
      clock = JANUARY;
      jwt = await dvpJwt(sim, 'pubco');
    }
  });

  it('counts each listing operation', async () => {
    sim.stats.reset();
    await dvpJson(sim, '/namespaces/pubco', jwt);
    await dvpJson(sim, '/', jwt);
    await dvpJson(sim, exportsPath('pubco'), jwt);
    await dvpJson(sim, exportsPath('pubco', '/2025/weeks'), jwt);
    await dvpJson(sim, exportsPath('pubco', '/2025/weeks/50'), jwt);
    await dvpJson(sim, exportsPath('pubco', '/2025/weeks/50/summary'), jwt);
    await dvpJson(sim, exportsPath('pubco', '/2025/weeks/50/summary'));
    expect(sim.stats).toMatchObject({ dvpNamespace: 2, dvpYears: 1, dvpTimespans: 2, dvpFiles: 2, types: 0, list: 0 });
  });
});
