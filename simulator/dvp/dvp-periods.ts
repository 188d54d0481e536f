import type { DvpTimespan, ResolvedDvpNamespace } from './dvp-options.js';
import { dateOfDay, dayOf, dayOfInstant, isoWeekOf, monthStart, weekdayOf } from './iso-week.js';

/** One week or month with exports. */
export interface DvpPeriod {
  readonly timespan: DvpTimespan;
  /** The ISO week-year for a week, the calendar year for a month: the year the API lists it under. */
  readonly year: number;
  /** Week (1..53) or month (1..12). */
  readonly n: number;
  /** First day, `YYYY-MM-DD`. */
  readonly start: string;
  /** Last day, `YYYY-MM-DD`. */
  readonly end: string;
  readonly startDay: number;
  /** How many days the period has (7 for a week). */
  readonly days: number;
}

/**
 * The periods a namespace has exports for, oldest first: complete weeks
 * (Docker publishes only complete weeks) ending with the last one before the
 * clock's week, and complete months ending with the one before the clock's.
 * `lastWeekEnding` stands in for the clock: it is as if today were the Monday
 * after that week.
 */
export function periodsOf(ns: ResolvedDvpNamespace, now: Date): { weeks: DvpPeriod[]; months: DvpPeriod[] } {
  if (ns.empty) return { weeks: [], months: [] };
  const reference = ns.lastWeekEnding === undefined ? dayOfInstant(now) : dayOf(ns.lastWeekEnding) - weekdayOf(dayOf(ns.lastWeekEnding)) + 7;
  const lastMonday = reference - weekdayOf(reference) - 7;
  const weeks: DvpPeriod[] = [];
  for (let back = ns.weeks - 1; back >= 0; back -= 1) weeks.push(weekPeriod(lastMonday - back * 7));
  const today = new Date(reference * 86_400_000);
  const months: DvpPeriod[] = [];
  for (let back = ns.months; back >= 1; back -= 1) {
    months.push(monthPeriod(today.getUTCFullYear(), today.getUTCMonth() + 1 - back));
  }
  return { weeks, months };
}

/** The week that starts on Monday `monday`, under its ISO week-year. */
export function weekPeriod(monday: number): DvpPeriod {
  const { year, week } = isoWeekOf(monday);
  return { timespan: 'weeks', year, n: week, start: dateOfDay(monday), end: dateOfDay(monday + 6), startDay: monday, days: 7 };
}

/** A calendar month; a month number outside 1..12 rolls into the neighbouring years. */
export function monthPeriod(year: number, month: number): DvpPeriod {
  const first = monthStart(year, month);
  const next = monthStart(year, month + 1);
  const date = new Date(first * 86_400_000);
  return {
    timespan: 'months',
    year: date.getUTCFullYear(),
    n: date.getUTCMonth() + 1,
    start: dateOfDay(first),
    end: dateOfDay(next - 1),
    startDay: first,
    days: next - first,
  };
}
