import * as z from 'zod';
import { reportColumnsSchema } from '../docker/payloads.js';
import { LAKE_TYPES } from './lake-types.js';

export const MANIFEST_VERSION = 1;

/**
 * `_manifest.json`, written last: a report counts as landed only when it
 * exists. It holds the report's provenance and what landing verified.
 */
export const manifestSchema = z.object({
  manifest_version: z.literal(MANIFEST_VERSION),
  org: z.string(),
  report_type: z.string(),
  cadence: z.string(),
  date: z.string(),
  upstream: z.object({ key: z.string(), size_bytes: z.number().int() }),
  bytes: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  schema: reportColumnsSchema,
  files: z.object({ csv: z.string(), query: z.string() }),
  query: z.object({
    rows: z.number().int(),
    invalid_values: z.number().int(),
    columns: z.array(z.object({ field: z.string(), column: z.string(), type: z.enum(LAKE_TYPES) })),
  }),
  fetched_at: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function parseManifest(text: string): Manifest {
  return manifestSchema.parse(JSON.parse(text));
}
