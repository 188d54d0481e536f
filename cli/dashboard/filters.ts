import * as z from 'zod';
import { isReportDate, SEGMENT_PATTERN } from '../../shared/names.js';
import type { DashboardFilters } from './wire-types.js';

export type { DashboardFilters } from './wire-types.js';

export const FILTER_KEYS = ['org', 'namespace', 'from', 'to', 'repo'] as const;

const date = z.string().refine(isReportDate, 'must be a real YYYY-MM-DD date');
const filtersSchema = z
  .object({
    org: z.string().regex(SEGMENT_PATTERN, 'must be an org name').optional(),
    namespace: z.string().regex(SEGMENT_PATTERN, 'must be a namespace').optional(),
    from: date.optional(),
    to: date.optional(),
    // A repository is `namespace/name` in Docker's reports; anything printable and short is bound as a value, never SQL.
    repo: z.string().max(256).regex(/^[^\p{Cc}]+$/u, 'must be printable').optional(),
  })
  .strict();

/**
 * The filters of a request's query string (the page's URL holds the same
 * keys, so a view can be bookmarked). Empty values mean "no filter".
 * @throws z.ZodError with what is wrong when a value is malformed or a key unknown
 */
export function parseFilters(query: Readonly<Record<string, string>>): DashboardFilters {
  const given = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
  return filtersSchema.parse(given);
}
