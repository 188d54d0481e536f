import { describe, expect, it } from 'vitest';
import { exportOfPeriod, isoWeekOf, isoWeekStart, isoWeeksIn, lastPeriodStartOf, monthStart, periodStart } from '../../../../shared/sources/dvp/dvp-periods.js';

const day = (text: string) => new Date(`${text}T00:00:00Z`);

describe('DVP periods', () => {
  it.each([
    [2026, 1, '2025-12-29'],
    [2022, 31, '2022-08-01'],
    [2020, 53, '2020-12-28'],
    [2021, 1, '2021-01-04'],
    [2015, 53, '2015-12-28'],
    [2024, 1, '2024-01-01'],
    [2026, 24, '2026-06-08'],
  ])('starts ISO week %i-W%i on the Monday %s', (year, week, monday) => {
    // Act
    const start = isoWeekStart(year, week);

    // Assess
    expect(start).toBe(monday);
    expect(day(monday).getUTCDay()).toBe(1);
    expect(isoWeekOf(day(monday))).toEqual({ year, week });
  });

  it('knows which ISO years have 53 weeks, and refuses a week a year does not have', () => {
    // Act
    const weeks = [2015, 2020, 2021, 2025, 2026, 2032].map(isoWeeksIn);

    // Assess
    expect(weeks).toEqual([53, 53, 52, 52, 53, 53]);
    expect(isoWeekStart(2025, 53)).toBeUndefined();
    expect(isoWeekStart(2026, 0)).toBeUndefined();
  });

  it('puts every day of a week under its Monday: the Sunday 2026-01-04 is in week 1 of 2026, 2025-12-28 in week 52 of 2025', () => {
    // Act
    const days = ['2025-12-29', '2026-01-01', '2026-01-04', '2025-12-28'].map((text) => isoWeekOf(day(text)));

    // Assess
    expect(days).toEqual([
      { year: 2026, week: 1 },
      { year: 2026, week: 1 },
      { year: 2026, week: 1 },
      { year: 2025, week: 52 },
    ]);
  });

  it('walks every week of 2000-2040 seven days apart, each back to its own year and week', () => {
    // Prepare
    const starts: string[] = [];
    for (let year = 2000; year <= 2040; year += 1) {
      for (let week = 1; week <= isoWeeksIn(year); week += 1) starts.push(isoWeekStart(year, week)!);
    }

    // Assess
    for (let i = 1; i < starts.length; i += 1) expect(day(starts[i]!).getTime() - day(starts[i - 1]!).getTime()).toBe(7 * 86_400_000);
    for (const start of starts) {
      const back = exportOfPeriod('weeks', start);
      expect(periodStart('weeks', back.year, back.n)).toBe(start);
    }
  });

  it('starts a month on its first day, and back', () => {
    // Act
    const start = monthStart(2026, 2);

    // Assess
    expect(start).toBe('2026-02-01');
    expect(exportOfPeriod('months', '2026-02-01')).toEqual({ year: 2026, n: 2 });
    expect(monthStart(2026, 13)).toBeUndefined();
  });

  it('knows the latest period a year of exports can start, for skipping years before --since', () => {
    // Act
    const latest = [lastPeriodStartOf('weeks', 2025), lastPeriodStartOf('weeks', 2026), lastPeriodStartOf('months', 2025)];

    // Assess
    expect(latest).toEqual(['2025-12-22', '2026-12-28', '2025-12-01']);
  });
});
