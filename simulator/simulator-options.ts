import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { SEGMENT_PATTERN, isReportDate } from '../shared/names.js';
import { dvpOptionsSchema, resolveDvpOptions, type DvpOptions, type ResolvedDvpOptions } from './dvp/dvp-options.js';
import { CADENCES, DEFAULT_REPORT_TYPES, type ReportTypeSpec } from './report-definitions.js';
import type { SchemaChange } from './schema-changes.js';

/** A token bucket over the API's calls: `burst` at once, refilled at `requestsPerSecond`. */
export interface RateLimitOptions {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/** Decides the size of one report; `undefined` falls back to `reportBytes`. */
export type SizeFor = (org: string, type: string, cadence: string, date: string) => number | undefined;

/** How the simulator behaves; every option has a default. */
export interface SimulatorOptions {
  /** Port of the API and Hub server on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** Port of the pre-signed storage server. @default 0 (a free port) */
  readonly storagePort?: number;
  /** The organizations that have reports. @default ['acme'] */
  readonly orgs?: readonly string[];
  /** How many days of reports exist, ending yesterday by the clock. @default 30 */
  readonly days?: number;
  /** The OAT the Hub accepts for each org. @default a random `sim-oat-<org>-<hex>` per org */
  readonly oats?: Readonly<Record<string, string>>;
  /** Size of every report in bytes (a report is never smaller than its header and one row). @default 4096 */
  readonly reportBytes?: number;
  /**
   * Size of one report, overriding `reportBytes`. Asked on every request, so a
   * test can change a size mid-run, as when Docker regenerates a report.
   */
  readonly sizeFor?: SizeFor;
  /** Lifetime of the JWTs the Hub issues. @default 600 (Docker's 10 minutes) */
  readonly jwtTtlSeconds?: number;
  /** Validity of pre-signed download URLs. @default 900 (Docker's 15 minutes) */
  readonly urlTtlSeconds?: number;
  /** Delay added to every API and Hub request. @default 0 */
  readonly latencyMs?: number;
  /** Rate limiting of the API's calls, answered 429 with Retry-After. @default off */
  readonly rateLimit?: RateLimitOptions;
  /** The report types and cadences each org offers. @default usage_pulls/daily, usage_pulls/weekly, image_access/daily */
  readonly reportTypes?: readonly ReportTypeSpec[];
  /** Column changes from a date on; each date keeps its own schema. @default none */
  readonly schemaChanges?: readonly SchemaChange[];
  /** The simulator's clock: report dates, DVP weeks and months, JWT and URL expiry. @default () => new Date() */
  readonly now?: () => Date;
  /** The DVP Data API's publisher namespaces, served beside the Hub. @default none */
  readonly dvp?: DvpOptions;
}

export const DEFAULT_ORGS = ['acme'] as const;
export const DEFAULT_DAYS = 30;
export const DEFAULT_REPORT_BYTES = 4096;
export const DEFAULT_JWT_TTL_SECONDS = 600;
export const DEFAULT_URL_TTL_SECONDS = 900;

export interface ResolvedOptions {
  readonly port: number;
  readonly storagePort: number;
  readonly orgs: readonly string[];
  readonly days: number;
  readonly oats: ReadonlyMap<string, string>;
  readonly reportBytes: number;
  readonly sizeFor: SizeFor | undefined;
  readonly jwtTtlSeconds: number;
  readonly urlTtlSeconds: number;
  readonly latencyMs: number;
  readonly rateLimit: RateLimitOptions | undefined;
  readonly reportTypes: readonly ReportTypeSpec[];
  readonly schemaChanges: readonly SchemaChange[];
  readonly now: () => Date;
  readonly dvp: ResolvedDvpOptions;
}

const segment = z.string().regex(SEGMENT_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]*$');
const port = z.number().int().min(0).max(65_535);
const field = z.object({ name: z.string().min(1), type: z.string().min(1), description: z.string() });
const scope = { from: z.string().refine(isReportDate, 'must be a real YYYY-MM-DD date'), type: segment, cadence: segment.optional() };

const optionsSchema = z.object({
  port: port.optional(),
  storagePort: port.optional(),
  orgs: z.array(segment).min(1).refine((orgs) => new Set(orgs).size === orgs.length, 'must not repeat an org').optional(),
  days: z.number().int().min(0).max(3660).optional(),
  oats: z.record(z.string(), z.string().regex(/^\S+$/, 'must be a non-empty token without spaces')).optional(),
  reportBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  jwtTtlSeconds: z.number().int().min(1).optional(),
  urlTtlSeconds: z.number().int().min(1).max(604_800).optional(),
  latencyMs: z.number().min(0).optional(),
  rateLimit: z.object({ requestsPerSecond: z.number().positive(), burst: z.number().int().min(1) }).optional(),
  reportTypes: z
    .array(z.object({ type: segment, cadence: z.enum(CADENCES), fields: z.array(field).min(1).optional() }))
    .refine((types) => new Set(types.map((t) => `${t.type}/${t.cadence}`)).size === types.length, 'must not repeat a type and cadence')
    .optional(),
  schemaChanges: z
    .array(
      z.union([
        z.object({ ...scope, add: field.extend({ after: z.string().optional() }) }),
        z.object({ ...scope, retype: z.object({ name: z.string(), type: z.string().min(1), description: z.string().optional() }) }),
        z.object({ ...scope, remove: z.string() }),
      ]),
    )
    .optional(),
  dvp: dvpOptionsSchema.optional(),
});

/** Checks the options and fills in the defaults; a bad option is an error naming it. */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
    throw new Error(`simulator: invalid options (${issues.join('; ')}).`);
  }
  const orgs = options.orgs ?? DEFAULT_ORGS;
  const unknown = Object.keys(options.oats ?? {}).filter((org) => !orgs.includes(org));
  if (unknown.length > 0) throw new Error(`simulator: oats given for orgs that are not simulated: ${unknown.join(', ')}.`);
  const oats = new Map(orgs.map((org) => [org, options.oats?.[org] ?? fakeOat(org)]));
  return {
    port: options.port ?? 0,
    storagePort: options.storagePort ?? 0,
    orgs: [...orgs],
    days: options.days ?? DEFAULT_DAYS,
    oats,
    reportBytes: options.reportBytes ?? DEFAULT_REPORT_BYTES,
    sizeFor: options.sizeFor,
    jwtTtlSeconds: options.jwtTtlSeconds ?? DEFAULT_JWT_TTL_SECONDS,
    urlTtlSeconds: options.urlTtlSeconds ?? DEFAULT_URL_TTL_SECONDS,
    latencyMs: options.latencyMs ?? 0,
    rateLimit: options.rateLimit,
    reportTypes: options.reportTypes ?? DEFAULT_REPORT_TYPES,
    schemaChanges: options.schemaChanges ?? [],
    now: options.now ?? (() => new Date()),
    dvp: resolveDvpOptions(options.dvp),
  };
}

/** Obviously not a Docker token: named after the simulator and the org. */
function fakeOat(org: string): string {
  return `sim-oat-${org}-${randomBytes(12).toString('hex')}`;
}
