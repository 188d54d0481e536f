import * as z from 'zod';
import { SOURCE_IDS, type PeriodRef } from '../sources/model.js';
import { LAKE_TYPES } from './lake-types.js';

export const MANIFEST_VERSION = 2;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const fieldSchema = z.object({ name: z.string().min(1), type: z.string().min(1), description: z.string().default('') });
const columnSchema = z.object({ field: z.string(), column: z.string(), type: z.enum(LAKE_TYPES) });

/** One landed file: where it is, what the source listed, and what landing verified. */
export const manifestFileSchema = z.object({
  key: z.string(),
  upstream: z.object({ key: z.string(), size_bytes: z.number().int() }),
  bytes: z.number().int(),
  sha256,
});
export type ManifestFile = z.infer<typeof manifestFileSchema>;

/**
 * `_manifest.json`, written last: a period counts as landed only when it
 * exists. It names every file of the period (listed size, bytes, SHA-256),
 * the period's columns, its one query object, and the landing's provenance.
 */
export const manifestSchema = z.object({
  manifest_version: z.literal(MANIFEST_VERSION),
  source: z.enum(SOURCE_IDS),
  scope: z.string(),
  dataset: z.string(),
  cadence: z.string(),
  period: z.string(),
  files: z.array(manifestFileSchema).min(1),
  schema: z.object({ category: z.string().optional(), fields: z.array(fieldSchema) }),
  query: z.object({
    /** `json`: a manifest of version 1, whose query copy the next sync rebuilds as Parquet. */
    format: z.enum(['parquet', 'json']),
    key: z.string(),
    rows: z.number().int(),
    invalid_values: z.number().int(),
    columns: z.array(columnSchema),
    /** Columns whose values the copy holds as keyed hashes (HMAC-SHA-256, hex); absent when none. Names only, never the key. */
    pseudonymized: z.array(z.string()).optional(),
  }),
  fetched_at: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** The first manifests (tool 0.1.0): Enterprise only, one CSV, a gzip JSON Lines query copy. */
const manifestV1Schema = z.object({
  manifest_version: z.literal(1),
  org: z.string(),
  report_type: z.string(),
  cadence: z.string(),
  date: z.string(),
  upstream: z.object({ key: z.string(), size_bytes: z.number().int() }),
  bytes: z.number().int(),
  sha256,
  schema: z.object({ category: z.string(), fields: z.array(fieldSchema) }),
  files: z.object({ csv: z.string(), query: z.string() }),
  query: z.object({ rows: z.number().int(), invalid_values: z.number().int(), columns: z.array(columnSchema) }),
  fetched_at: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }),
});

/** Reads a manifest of any version as the current shape (a version 1 manifest's query copy reads as `json`). */
export function parseManifest(text: string): Manifest {
  const json: unknown = JSON.parse(text);
  const version = (json as { manifest_version?: unknown } | null)?.manifest_version;
  if (version !== 1) return manifestSchema.parse(json);
  const old = manifestV1Schema.parse(json);
  return {
    manifest_version: MANIFEST_VERSION,
    source: 'enterprise',
    scope: old.org,
    dataset: old.report_type,
    cadence: old.cadence,
    period: old.date,
    files: [{ key: old.files.csv, upstream: old.upstream, bytes: old.bytes, sha256: old.sha256 }],
    schema: old.schema,
    query: { format: 'json', key: old.files.query, ...old.query },
    fetched_at: old.fetched_at,
    tool: old.tool,
  };
}

export function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function periodOfManifest(manifest: Manifest): PeriodRef {
  return { source: manifest.source, scope: manifest.scope, name: manifest.dataset, cadence: manifest.cadence, period: manifest.period };
}

/** Bytes of every file of the period. */
export function manifestBytes(manifest: Manifest): number {
  return manifest.files.reduce((sum, file) => sum + file.bytes, 0);
}
