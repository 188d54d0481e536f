import * as z from 'zod';
import { columnNameProblem } from '../../shared/lake/pseudonymized-columns.js';
import { isReportDate, segmentSchema } from '../../shared/names.js';
import { cronProblem } from './cron.js';

/**
 * Everything a deployment can set, in one typed and validated place. Values
 * come from CDK context (see read-stack-config.ts); each has a default except
 * the orgs. A bad value fails synthesis with a message naming it.
 */

/** Docker publishes a day's report around 16:00 UTC and lists it the next day. */
export const DEFAULT_SCHEDULES: Readonly<Record<string, string>> = {
  daily: 'cron(30 6 * * ? *)',
  // Weekly reports are dated Mondays, monthly ones the 1st: look a day later.
  weekly: 'cron(0 7 ? * TUE *)',
  monthly: 'cron(0 7 2 * ? *)',
};

const MIB = 1024 * 1024;

/** The org cdk.json ships with, so a fresh clone synthesizes; deploying it is a mistake the stack warns about. */
export const PLACEHOLDER_ORG = 'example-org';

const cron = z.string().superRefine((value, ctx) => {
  const problem = cronProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} ${problem}` });
});

/** S3 bucket names: 3-63 characters, lower case, digits, dots and hyphens. */
const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 characters: a-z, 0-9, ".", "-")');

const lakePrefix = z
  .string()
  .regex(/^([A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*)?$/, 'must be a key prefix like "lake" or "data/docker", without leading or trailing "/"');

const secretArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/,
    'must be the complete ARN of a Secrets Manager secret, with its 6-character suffix (aws secretsmanager describe-secret --secret-id NAME --query ARN)',
  );

const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, 'must be the ARN of a KMS key (arn:aws:kms:REGION:ACCOUNT:key/ID)');

const days = (name: string) => z.number().int().min(1, `${name} must be at least 1 day`);

const retentionSchema = z.strictObject({
  /** Reports (audit CSV, manifest, query copy) expire this many days after landing; null keeps them. @default 730 */
  reportDays: z
    .number()
    .int()
    .min(31, 'reportDays must be at least 31 days: Docker lists a report for about 30 days, and the sync would land a report the lake let expire again')
    .nullable()
    .default(730),
  /** Replaced or deleted object versions are kept this long. @default 30 */
  noncurrentVersionDays: days('noncurrentVersionDays').default(30),
  /** Parts of an interrupted multipart upload are removed after. @default 1 */
  incompleteUploadDays: days('incompleteUploadDays').default(1),
  /** Athena query results are removed after. @default 30 */
  athenaResultsDays: days('athenaResultsDays').default(30),
  /** Server access logs are removed after. @default 365 */
  accessLogDays: days('accessLogDays').default(365),
});

const lakeSchema = z.strictObject({
  /** Key prefix of the lake inside the bucket. @default '' (the bucket root) */
  prefix: lakePrefix.default(''),
  /** `kms`: a customer managed key with rotation (reports hold personal data); `s3-managed`: SSE-S3. @default 'kms' */
  encryption: z.enum(['kms', 's3-managed']).default('kms'),
  /** Land into this existing bucket instead of creating one (its settings are then yours). */
  existingBucketName: bucketName.optional(),
  /** The KMS key of that existing bucket, when it uses SSE-KMS with a customer managed key. */
  existingBucketKeyArn: kmsKeyArn.optional(),
  /** `retain` keeps the bucket, its key and the secrets when the stack is deleted. @default 'retain' */
  removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
  /** Server access logs into a separate bucket. @default true */
  accessLogs: z.boolean().default(true),
  retention: retentionSchema.prefault({}),
});

const secretsSchema = z.strictObject({
  /** Secrets the stack creates are named `{namePrefix}/{org}`. @default 'docker-reports' */
  namePrefix: z
    .string()
    .regex(/^[A-Za-z0-9/_+=.@-]{1,400}$/, 'must be a Secrets Manager name prefix (letters, digits, /_+=.@-)')
    .default('docker-reports'),
  /** Existing secrets by org (complete ARNs), used instead of creating them. @default {} */
  existing: z.record(segmentSchema, secretArn).default({}),
});

const syncSchema = z.strictObject({
  /** A plan of more reports than this, for one org, goes to the queue. @default 10 */
  fanOutAboveReports: z.number().int().min(0).default(10),
  /** A plan of more bytes than this, for one org, goes to the queue. @default 512 MiB */
  fanOutAboveBytes: z.number().int().min(0).default(512 * MIB),
  /** Reports landed at once inside one invocation. @default 4 */
  concurrency: z.number().int().min(1).max(16).default(4),
  /** Memory of the functions that land (network and CPU scale with it). @default 1024 */
  memoryMiB: z.number().int().min(256).max(10_240).default(1024),
  /**
   * /tmp of the functions that land: a report and its Parquet copy are staged
   * there (about 1.2x the report's size). @default 4096, for reports up to about 3 GB
   */
  ephemeralStorageMiB: z.number().int().min(512).max(10_240).default(4096),
  /** Reports per worker invocation. @default 4 */
  workerBatchSize: z.number().int().min(1).max(10).default(4),
  /** Worker invocations at once (the SQS event source's maximum concurrency, 2 or more). @default 4 */
  workerMaxConcurrency: z.number().int().min(2).max(1000).default(4),
  /** Worker attempts of one report before it goes to the dead-letter queue. @default 3 */
  workerMaxReceiveCount: z.number().int().min(1).max(100).default(3),
  /** Docker's Enterprise Data API; change only to point at a test double. @default Docker's */
  dockerApiUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Docker Hub (token exchange); change only to point at a test double. @default Docker's */
  dockerHubUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Docker's DVP Data API; change only to point at a test double. @default Docker's */
  dvpApiUrl: z.url({ protocol: /^https?$/ }).optional(),
});

const querySchema = z.strictObject({
  /** Glue database of the report tables. @default 'docker_reports' */
  databaseName: z
    .string()
    .regex(/^[a-z0-9_]{1,255}$/, 'must be lower case letters, digits and "_" (a Glue database Athena names unquoted)')
    .default('docker_reports'),
  /** Athena workgroup. @default 'docker-reports' */
  workGroupName: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be 1-128 characters: letters, digits, ".", "_", "-"')
    .default('docker-reports'),
  /** A query that would scan more is cancelled (Athena's minimum is 10 MiB). @default 10 GiB */
  bytesScannedCutoffMiB: z.number().int().min(10).default(10 * 1024),
  /** The earliest report date partition projection offers. @default '2026-01-01' */
  firstReportDate: z.string().refine(isReportDate, 'must be a real date written YYYY-MM-DD').default('2026-01-01'),
  /**
   * Columns the query copies hold as keyed hashes (HMAC-SHA-256, hex) instead of their values, named as the
   * tables spell them (`hub_username`, `ip_address`); the audit CSVs keep the originals. A non-empty list
   * creates a secret with a generated key. @default [] (none)
   */
  pseudonymize: z
    .array(
      z.string().superRefine((name, ctx) => {
        const problem = columnNameProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    )
    .refine((names) => new Set(names).size === names.length, 'must not repeat a column')
    .default([]),
});

const alarmsSchema = z.strictObject({
  /** E-mail address subscribed to the alarm topic (confirm the e-mail AWS sends). @default no subscription */
  email: z.email('must be an e-mail address').optional(),
  /** An org without a new report this long raises an alarm. @default 36 */
  noLandingHours: z.number().int().min(2).max(168).default(36),
});

/**
 * DVP exports: a week's appears on the Monday after it (weeks run Monday-Sunday),
 * a month's on the 1st of the next; looking a day later, at 08:00 UTC, finds
 * them listed. An hour after the Enterprise runs, so the two do not share a minute.
 */
export const DEFAULT_DVP_SCHEDULES: Readonly<Record<'weekly' | 'monthly', string>> = {
  weekly: 'cron(0 8 ? * TUE *)',
  monthly: 'cron(0 8 2 * ? *)',
};

const dvpSchema = z.strictObject({
  /**
   * Docker Verified Publisher namespaces whose pull analytics are synced (DVP Data API); one secret each,
   * `{namePrefix}/dvp/{namespace}`, holding `{"username", "pat"}`. @default [] (none)
   */
  namespaces: z
    .array(segmentSchema, { error: 'must be a list of namespace names' })
    // As for orgs: each adds a secret ARN to the functions' environment and a value to every DVP table's enum.
    .max(25, 'at most 25 namespaces per stack; deploy another stack (-c stackName=...) for more')
    .refine((namespaces) => new Set(namespaces).size === namespaces.length, 'must not repeat a namespace')
    .default([]),
  /** Existing secrets by namespace (complete ARNs, JSON `{"username", "pat"}`), used instead of creating them. @default {} */
  existing: z.record(segmentSchema, secretArn).default({}),
  /** UTC cron of the weekly and the monthly exports; a timespan left out is not synced. @default DEFAULT_DVP_SCHEDULES */
  schedules: z
    .strictObject({ weekly: cron.optional(), monthly: cron.optional() })
    .default({ ...DEFAULT_DVP_SCHEDULES }),
  /** A namespace without a newly landed export this long raises an alarm (a week's export, plus two days). @default 9 */
  noLandingDays: z.number().int().min(2).max(60).default(9),
});

/** A browser origin: scheme, host and optional port, nothing more. */
const corsOrigin = z
  .string()
  .regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be an origin like https://reports.example.com (scheme, host, optional port; no path, no "*")');

/** Requests per second: API Gateway takes fractions (0.5 is one every two seconds). */
const rate = z.number().positive().max(10_000);
const burst = z.number().int().min(1).max(5_000);

const apiSchema = z
  .strictObject({
    /** Requests per second the API accepts, steady state, for all callers together; above it API Gateway answers 429. @default 10 */
    rateLimit: rate.default(10),
    /** Requests the API accepts at once above the rate. @default 20 */
    burstLimit: burst.default(20),
    /** POST /orgs/{org}/sync per second: each one starts a sync run of up to 15 minutes. @default 1 */
    syncRateLimit: rate.default(1),
    /** POST /orgs/{org}/sync at once above its rate. @default 2 */
    syncBurstLimit: burst.default(2),
    /** Browser origins allowed to call the API (CORS). @default none: no CORS headers, no preflight */
    corsAllowOrigins: z.array(corsOrigin).min(1, 'name at least one origin, or leave corsAllowOrigins out').optional(),
    /**
     * Sets API Gateway's CloudWatch role for this account and region (AWS::ApiGateway::Account), without which
     * API Gateway writes no logs and a stage with logging fails to deploy. It is one setting per account and
     * region: set false where it is managed elsewhere. @default true
     */
    cloudWatchRole: z.boolean().default(true),
  })
  .superRefine((api, ctx) => {
    // A method's own throttle replaces the stage's: above it, it would let sync requests through faster than the rest.
    if (api.syncRateLimit > api.rateLimit) {
      ctx.addIssue({ code: 'custom', path: ['syncRateLimit'], message: `must not exceed rateLimit (${api.rateLimit})` });
    }
    if (api.syncBurstLimit > api.burstLimit) {
      ctx.addIssue({ code: 'custom', path: ['syncBurstLimit'], message: `must not exceed burstLimit (${api.burstLimit})` });
    }
  });

export const stackConfigSchema = z
  .strictObject({
    /** The Docker organizations to sync; one secret each. Required. */
    orgs: z
      .array(segmentSchema, {
        error: (issue) => (issue.input === undefined ? 'name at least one Docker organization (-c orgs=acme,beta)' : 'must be a list of org names'),
      })
      .min(1, 'name at least one Docker organization (-c orgs=acme,beta)')
      // Each org adds a secret ARN to the functions' environment (4 KB in all) and a value to every table's enum.
      .max(25, 'at most 25 orgs per stack; deploy another stack (-c stackName=...) for more')
      .refine((orgs) => new Set(orgs).size === orgs.length, 'must not repeat an org'),
    /** @default 'DockerReportsLake' */
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a CloudFormation stack name (letters, digits, "-")')
      .default('DockerReportsLake'),
    /** UTC cron per cadence; a cadence without a schedule is not synced. @default DEFAULT_SCHEDULES */
    schedules: z
      .record(segmentSchema, cron)
      .refine((schedules) => Object.keys(schedules).length > 0, 'must schedule at least one cadence')
      .default({ ...DEFAULT_SCHEDULES }),
    lake: lakeSchema.prefault({}),
    secrets: secretsSchema.prefault({}),
    sync: syncSchema.prefault({}),
    query: querySchema.prefault({}),
    alarms: alarmsSchema.prefault({}),
    api: apiSchema.prefault({}),
    dvp: dvpSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    for (const org of Object.keys(config.secrets.existing)) {
      if (!config.orgs.includes(org)) {
        ctx.addIssue({
          code: 'custom',
          path: ['secrets', 'existing', org],
          message: `names org ${org}, which is not in orgs (${config.orgs.join(', ')}); add it to orgs or remove the secret`,
        });
      }
    }
    for (const namespace of Object.keys(config.dvp.existing)) {
      if (!config.dvp.namespaces.includes(namespace)) {
        ctx.addIssue({
          code: 'custom',
          path: ['dvp', 'existing', namespace],
          message: `names namespace ${namespace}, which is not in dvp.namespaces (${config.dvp.namespaces.join(', ') || 'none'}); add it there or remove the secret`,
        });
      }
    }
    if (config.lake.existingBucketKeyArn && !config.lake.existingBucketName) {
      ctx.addIssue({
        code: 'custom',
        path: ['lake', 'existingBucketKeyArn'],
        message: 'is only used with lake.existingBucketName; the stack creates its own key otherwise',
      });
    }
  });

/** The validated configuration, defaults filled in. */
export type StackConfig = z.infer<typeof stackConfigSchema>;
/** What a user writes: everything but the orgs may be left out. */
export type StackConfigInput = z.input<typeof stackConfigSchema>;
