import * as z from 'zod';

/**
 * Docker's rule for the org, type and cadence path segments
 * (`^[a-z0-9][a-z0-9_-]*$` in the Enterprise Data API's OpenAPI description).
 * The length cap is ours: no real name comes near it, and it keeps odd input out.
 */
export const SEGMENT_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
export const MAX_SEGMENT_LENGTH = 128;

export const segmentSchema = z
  .string()
  .max(MAX_SEGMENT_LENGTH, { message: `must be at most ${MAX_SEGMENT_LENGTH} characters` })
  .regex(SEGMENT_PATTERN, { message: 'must be lowercase letters, digits, "-" or "_", starting with a letter or digit' });

/** A real calendar date written `YYYY-MM-DD` (2026-02-30 is refused). */
export function isReportDate(value: string): boolean {
  if (value.length !== 10 || !DATE_SHAPE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export const reportDateSchema = z.string().refine(isReportDate, { message: 'must be a real date written YYYY-MM-DD' });

export function isSegment(value: string): boolean {
  return segmentSchema.safeParse(value).success;
}

/** The UTC calendar date of an instant, `YYYY-MM-DD`. */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
