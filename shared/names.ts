import { z } from 'zod';

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
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export const reportDateSchema = z.string().refine(isReportDate, { message: 'must be a real date written YYYY-MM-DD' });

export function isSegment(value: string): boolean {
  return segmentSchema.safeParse(value).success;
}

/** The UTC calendar date of an instant, `YYYY-MM-DD`. */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
