import type { DvpTimespan } from '../../docker/dvp-payloads.js';

/**
 * The DVP API's periods as the lake's: an ISO 8601 week is the Monday it
 * starts on (week 1 of 2026 starts 2025-12-29: a week belongs to the year
 * that holds its Thursday), a month its first day. Cadences are the lake's
 * words for the API's timespans.
 */
const DAY_MS = 86_400_000;

export type DvpCadence = 'weekly' | 'monthly';

export const CADENCE_OF: Readonly<Record<DvpTimespan, DvpCadence>> = { weeks: 'weekly', months: 'monthly' };
export const TIMESPAN_OF: Readonly<Record<DvpCadence, DvpTimespan>> = { weekly: 'weeks', monthly: 'months' };

export function isDvpCadence(value: string): value is DvpCadence {
  return value === 'weekly' || value === 'monthly';
}

/** How many ISO weeks `isoYear` has: 53 when its 28 December falls in week 53, else 52. */
export function isoWeeksIn(isoYear: number): number {
  return isoWeekOf(utcDay(isoYear, 12, 28)).week;
}

/** The Monday of ISO week `week` of `isoYear`, `YYYY-MM-DD`; undefined for a week the year does not have. */
export function isoWeekStart(isoYear: number, week: number): string | undefined {
  if (!Number.isInteger(week) || week < 1 || week > isoWeeksIn(isoYear)) return undefined;
  // 4 January is always in week 1.
  const jan4 = utcDay(isoYear, 1, 4);
  const mondayOfWeek1 = jan4.getTime() - (isoWeekday(jan4) - 1) * DAY_MS;
  return new Date(mondayOfWeek1 + (week - 1) * 7 * DAY_MS).toISOString().slice(0, 10);
}

/** The ISO week-numbering year and week of a day. */
export function isoWeekOf(day: Date): { year: number; week: number } {
  const thursday = new Date(day.getTime() + (4 - isoWeekday(day)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - utcDay(year, 1, 1).getTime()) / DAY_MS / 7) + 1;
  return { year, week };
}

/** The first day of a month, `YYYY-MM-DD`; undefined for a month that is not 1-12. */
export function monthStart(year: number, month: number): string | undefined {
  if (!Number.isInteger(month) || month < 1 || month > 12) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;
}

/** The period a week or month of the API starts on. */
export function periodStart(timespan: DvpTimespan, year: number, n: number): string | undefined {
  return timespan === 'weeks' ? isoWeekStart(year, n) : monthStart(year, n);
}

/** The year and week or month of the API a period (as {@link periodStart} made it) stands for. */
export function exportOfPeriod(timespan: DvpTimespan, period: string): { year: number; n: number } {
  const day = new Date(`${period}T00:00:00Z`);
  if (timespan === 'months') return { year: day.getUTCFullYear(), n: day.getUTCMonth() + 1 };
  const { year, week } = isoWeekOf(day);
  return { year, n: week };
}

/**
 * The latest period start a year of exports can hold: its last Monday for
 * weeks (an ISO year ends on the Sunday after its last Monday, at most on
 * 3 January), 1 December for months. A year whose latest start is before
 * `since` has nothing to list.
 */
export function lastPeriodStartOf(timespan: DvpTimespan, year: number): string {
  return timespan === 'weeks' ? isoWeekStart(year, isoWeeksIn(year))! : monthStart(year, 12)!;
}

/** 1 = Monday ... 7 = Sunday. */
function isoWeekday(day: Date): number {
  return ((day.getUTCDay() + 6) % 7) + 1;
}

/** Years are 1970 and later (the payloads say so): Date.UTC's two-digit years never apply. */
function utcDay(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day));
}
