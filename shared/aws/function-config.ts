import * as z from 'zod';
import { readEngineEnv, type EngineEnv, type Environment } from '../config.js';
import { ConfigError } from '../errors.js';
import { COLUMN_NAME_PATTERN } from '../lake/pseudonymized-columns.js';
import { isReportDate, segmentSchema } from '../names.js';
import type { ScopeRef } from '../sources/index.js';

/**
 * The environment variables the stack gives its Lambdas: the one contract
 * between infra/ (which sets them) and functions/ (which read them through
 * {@link readFunctionConfig}). `DOCKER_API_URL` and `DOCKER_HUB_URL` are read by
 * shared/config.ts like everywhere else.
 */
export const FUNCTION_ENV = {
  orgs: 'DOCKER_REPORTS_ORGS',
  orgSecrets: 'DOCKER_REPORTS_ORG_SECRETS',
  /** DVP namespaces, comma-separated; unset or empty: none. */
  namespaces: 'DOCKER_REPORTS_DVP_NAMESPACES',
  /** JSON object namespace -> secret ARN of its `{"username","pat"}`. */
  namespaceSecrets: 'DOCKER_REPORTS_DVP_SECRETS',
  bucket: 'LAKE_BUCKET',
  prefix: 'LAKE_PREFIX',
  glueDatabase: 'GLUE_DATABASE',
  athenaWorkGroup: 'ATHENA_WORKGROUP',
  firstReportDate: 'QUERY_FIRST_REPORT_DATE',
  eventBusName: 'REPORT_EVENT_BUS',
  landQueueUrl: 'LAND_REPORT_QUEUE_URL',
  fanOutAboveReports: 'FAN_OUT_ABOVE_REPORTS',
  fanOutAboveBytes: 'FAN_OUT_ABOVE_BYTES',
  concurrency: 'LANDING_CONCURRENCY',
  /** The API's browser origins allowed to read its answers, comma-separated; unset: no CORS. */
  corsAllowOrigins: 'API_CORS_ALLOW_ORIGINS',
  /** Columns the query copies hold as keyed hashes, comma-separated; unset: none. */
  pseudonymize: 'QUERY_PSEUDONYMIZE',
  /** ARN of the secret holding the pseudonymisation key (its name, never its value). */
  pseudonymKeySecret: 'QUERY_PSEUDONYM_KEY_SECRET',
} as const;

export interface FunctionConfig {
  /** The orgs this deployment syncs; the only ones whose secrets it may read. */
  readonly orgs: readonly string[];
  /** The DVP namespaces this deployment syncs; the only ones whose secrets it may read. */
  readonly namespaces: readonly string[];
  /** The orgs and the namespaces as the engine's scopes. */
  readonly scopes: readonly ScopeRef[];
  /** Secret id (ARN) of each org's OAT. */
  readonly orgSecrets: Readonly<Record<string, string>>;
  /** Secret id (ARN) of each namespace's `{"username","pat"}`. */
  readonly namespaceSecrets: Readonly<Record<string, string>>;
  readonly bucket: string;
  /** Key prefix of the lake in the bucket, '' for the root. */
  readonly prefix: string;
  readonly glueDatabase: string;
  /** The Athena workgroup the day-one queries are saved in. */
  readonly athenaWorkGroup: string;
  /** The first date partition projection offers. */
  readonly firstReportDate: string;
  /** EventBridge bus of the landing events. */
  readonly eventBusName: string;
  /** Where the sync sends reports to land elsewhere; absent in the worker. */
  readonly landQueueUrl: string | undefined;
  /** An org's plan above either limit fans out through the queue. */
  readonly fanOut: { readonly aboveReports: number; readonly aboveBytes: number };
  /** Reports landed at once in one invocation. */
  readonly concurrency: number;
  /** Columns the query copies hold as keyed hashes, and the secret of the key; undefined when none. */
  readonly pseudonymize: { readonly columns: readonly string[]; readonly keySecret: string } | undefined;
  readonly engine: EngineEnv;
}

const integer = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** A JSON object of name -> secret ARN, as the stack writes it. */
const secretMap = (what: string) =>
  z
    .string()
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be a JSON object of ${what} -> secret ARN` });
        return z.NEVER;
      }
    })
    .pipe(z.record(segmentSchema, z.string().min(1)));

const schema = z.object({
  [FUNCTION_ENV.orgs]: z
    .string()
    .transform((value) => value.split(',').map((org) => org.trim()).filter((org) => org !== ''))
    .pipe(z.array(segmentSchema).min(1, 'must name at least one org')),
  [FUNCTION_ENV.orgSecrets]: secretMap('org'),
  [FUNCTION_ENV.namespaces]: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((namespace) => namespace.trim()).filter((namespace) => namespace !== ''))
    .pipe(z.array(segmentSchema)),
  [FUNCTION_ENV.namespaceSecrets]: z.string().default('{}').pipe(secretMap('namespace')),
  [FUNCTION_ENV.bucket]: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  [FUNCTION_ENV.prefix]: z
    .string()
    .default('')
    .transform((value) => value.replace(/^\/+|\/+$/g, '')),
  [FUNCTION_ENV.glueDatabase]: z.string().regex(/^[a-z0-9_]{1,255}$/, 'must be a Glue database name'),
  [FUNCTION_ENV.athenaWorkGroup]: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be an Athena workgroup name'),
  [FUNCTION_ENV.firstReportDate]: z.string().refine(isReportDate, 'must be a date written YYYY-MM-DD').default('2026-01-01'),
  [FUNCTION_ENV.eventBusName]: z.string().min(1).default('default'),
  [FUNCTION_ENV.landQueueUrl]: z.url().optional(),
  [FUNCTION_ENV.fanOutAboveReports]: integer(10),
  [FUNCTION_ENV.fanOutAboveBytes]: integer(512 * 1024 * 1024),
  [FUNCTION_ENV.concurrency]: z.coerce.number().int().min(1).max(16).default(4),
  [FUNCTION_ENV.pseudonymize]: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((name) => name.trim()).filter((name) => name !== ''))
    .pipe(z.array(z.string().regex(COLUMN_NAME_PATTERN, 'must be column names as the tables spell them'))),
  [FUNCTION_ENV.pseudonymKeySecret]: z.string().min(1).optional(),
});

/**
 * Parses a Lambda's environment (the object it is given, never `process.env`
 * itself), so a misconfigured function fails on its first event with a
 * message naming the variable, not deep inside a sync.
 */
export function readFunctionConfig(env: Environment): FunctionConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`This function's environment is not as the stack sets it (${problems}). Redeploy the stack.`);
  }
  const values = parsed.data;
  const orgs = values[FUNCTION_ENV.orgs];
  const orgSecrets = values[FUNCTION_ENV.orgSecrets];
  const withoutSecret = orgs.filter((org) => !orgSecrets[org]);
  if (withoutSecret.length > 0) {
    throw new ConfigError(
      `${FUNCTION_ENV.orgSecrets} names no secret for org(s) ${withoutSecret.join(', ')}. Redeploy the stack.`,
    );
  }
  const namespaces = values[FUNCTION_ENV.namespaces];
  const namespaceSecrets = values[FUNCTION_ENV.namespaceSecrets];
  const namespacesWithoutSecret = namespaces.filter((namespace) => !namespaceSecrets[namespace]);
  if (namespacesWithoutSecret.length > 0) {
    throw new ConfigError(
      `${FUNCTION_ENV.namespaceSecrets} names no secret for namespace(s) ${namespacesWithoutSecret.join(', ')}. Redeploy the stack.`,
    );
  }
  const pseudonymized = values[FUNCTION_ENV.pseudonymize];
  const keySecret = values[FUNCTION_ENV.pseudonymKeySecret];
  if (pseudonymized.length > 0 && !keySecret) {
    throw new ConfigError(`${FUNCTION_ENV.pseudonymize} names columns but ${FUNCTION_ENV.pseudonymKeySecret} names no key secret. Redeploy the stack.`);
  }
  return {
    orgs,
    namespaces,
    scopes: [
      ...orgs.map((org): ScopeRef => ({ source: 'enterprise', scope: org })),
      ...namespaces.map((namespace): ScopeRef => ({ source: 'dvp', scope: namespace })),
    ],
    orgSecrets,
    namespaceSecrets,
    bucket: values[FUNCTION_ENV.bucket],
    prefix: values[FUNCTION_ENV.prefix],
    glueDatabase: values[FUNCTION_ENV.glueDatabase],
    athenaWorkGroup: values[FUNCTION_ENV.athenaWorkGroup],
    firstReportDate: values[FUNCTION_ENV.firstReportDate],
    eventBusName: values[FUNCTION_ENV.eventBusName],
    landQueueUrl: values[FUNCTION_ENV.landQueueUrl],
    fanOut: { aboveReports: values[FUNCTION_ENV.fanOutAboveReports], aboveBytes: values[FUNCTION_ENV.fanOutAboveBytes] },
    concurrency: values[FUNCTION_ENV.concurrency],
    pseudonymize: pseudonymized.length > 0 ? { columns: pseudonymized, keySecret: keySecret! } : undefined,
    engine: readEngineEnv(env),
  };
}
