/**
 * Calendar arithmetic on UTC day numbers (days since 1970-01-01): weeks are
 * ISO 8601 weeks, Monday to Sunday, numbered in their ISO week-year, so a
 * week can belong to the neighbouring calendar year (week 1 of 2026 starts
 * on 2025-12-29), which is exactly what a DVP client must get right.
 */

const DAY_MS = 86_400_000;

/** The day number of a `YYYY-MM-DD` date. */
export function dayOf(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** The UTC day an instant falls on. */
export function dayOfInstant(instant: Date): number {
  return Math.floor(instant.getTime() / DAY_MS);
}

/** The `YYYY-MM-DD` of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 for Monday ... 6 for Sunday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** The ISO week-year and week number of a day: those of its week's Thursday. */
export function isoWeekOf(day: number): { readonly year: number; readonly week: number } {
  const thursday = day - weekdayOf(day) + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  return { year, week: Math.floor((thursday - dayOf(`${year}-01-01`)) / 7) + 1 };
}

/** The first day of a calendar month (1..12; other values roll into the neighbouring years). */
export function monthStart(year: number, month: number): number {
  return Math.floor(Date.UTC(year, month - 1, 1) / DAY_MS);
}
