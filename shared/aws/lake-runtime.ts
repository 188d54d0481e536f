import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { tmpdir } from 'node:os';
import type { Environment } from '../config.js';
import { dockerApi } from '../docker/docker-api.js';
import { ConfigError, messageOf } from '../errors.js';
import { HttpClient, defaultHttpDeps, type HttpDeps } from '../http/http-client.js';
import type { LandingDeps } from '../landing/landing-deps.js';
import { LakeTableCatalog, lakeTables, type TableDefinition } from '../lake/table-catalog.js';
import { pseudonymizeWarnings } from '../lake/pseudonymized-columns.js';
import { PeriodLeases } from '../lease/period-leases.js';
import { DuckDbEngine } from '../query/duckdb-engine.js';
import { S3Sink } from '../sinks/s3-sink.js';
import { describePeriod, tableName, type ScopeRef, type Source } from '../sources/index.js';
import { DvpSource, dvpApi } from '../sources/dvp/index.js';
import { EnterpriseSource } from '../sources/enterprise/index.js';
import { EventOutbox } from './event-outbox.js';
import { readFunctionConfig, type FunctionConfig } from './function-config.js';
import { GlueTables } from './glue-tables.js';
import { LandQueue } from './land-queue.js';
import { NamedQueries } from './named-queries.js';
import { PseudonymKeySecret } from './pseudonym-key-secret.js';
import { ReportEvents } from './report-events.js';
import { DvpSecretsCredentials } from './dvp-secrets-credentials.js';
import { SecretsCredentials } from './secrets-credentials.js';
import type { LogSink } from './sync-telemetry.js';

/**
 * A table record is written again once it is a day old: an expiry rule of
 * the lake (`reportDays`, 730 by default, as short as 2) must never take it.
 * One small PUT a day per table.
 */
const TABLE_RECORD_REFRESH_MS = 86_400_000;

/** AWS clients to use instead of the defaults (each built for the function's region). */
export interface AwsClients {
  readonly s3?: S3Client;
  readonly glue?: GlueClient;
  readonly athena?: AthenaClient;
  readonly eventBridge?: EventBridgeClient;
  readonly sqs?: SQSClient;
  readonly secrets?: Pick<SecretsProvider, 'get'>;
}

export interface LakeRuntimeOptions {
  readonly config: FunctionConfig;
  readonly log: LogSink;
  /** @default the default clients */
  readonly clients?: AwsClients;
  /** Replaces parts of the HTTP stack (tests: a fake sleep). @default Node's fetch and timers */
  readonly http?: Partial<HttpDeps>;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Where staged files and DuckDB's spill go. @default the system's temporary folder (/tmp in Lambda) */
  readonly spoolDir?: string;
  /**
   * How long a landing waits for another invocation's landing of the same
   * period (the API answers within 29 s, the sync may wait longer). @default 300 000
   */
  readonly leaseWaitMs?: number;
}

/**
 * The engine's parts as a Lambda uses them: the lake in S3, Docker's Enterprise
 * and DVP APIs with OATs and logins from Secrets Manager, Glue, Athena, EventBridge, SQS.
 */
export interface LakeRuntime {
  readonly sink: S3Sink;
  /** The source of a configured scope (an org, a namespace); a ConfigError for any other. */
  readonly sourceFor: (scope: ScopeRef) => Source;
  /** The DVP namespaces' logins (Secrets Manager, cached). */
  readonly dvpCredentials: DvpSecretsCredentials;
  /** The lake's table records (`_table.json`), each mirrored into Glue as it changes. */
  readonly catalog: LakeTableCatalog;
  readonly engine: DuckDbEngine;
  readonly events: ReportEvents;
  /** Present when the function may fan out (the sync). */
  readonly queue: LandQueue | undefined;
  readonly now: () => Date;
  /** What landing a period needs, with retries logged. */
  readonly landing: LandingDeps;
  /**
   * Makes sure every dataset the lake records has its Glue table with all
   * its columns, in the query format, and its day-one queries saved: a lake
   * filled by the CLI, or a redeployed stack, is queryable before the next landing.
   */
  ensureTables(): Promise<void>;
}

/**
 * Builds everything once per execution environment, so cached things stay
 * cached across invocations: secrets (Powertools), JWTs (one token provider
 * per org), DuckDB, table records and the SDK clients' connections.
 */
export function createLakeRuntime(options: LakeRuntimeOptions): LakeRuntime {
  const { config, log, clients = {} } = options;
  const now = options.now ?? (() => new Date());
  const spoolDir = options.spoolDir ?? tmpdir();
  const sink = new S3Sink({ client: clients.s3 ?? new S3Client({}), bucket: config.bucket, prefix: config.prefix, spoolDir });
  const http = new HttpClient({ ...defaultHttpDeps, ...options.http }, {}, (label, attempt) =>
    log.warn('retrying', { what: label, attempt: attempt.attempt, delayMs: attempt.delayMs, reason: attempt.reason }),
  );
  const credentials = new SecretsCredentials({ secretIds: config.orgSecrets, provider: clients.secrets });
  const pseudonymize = config.pseudonymize
    ? new PseudonymKeySecret({ secretId: config.pseudonymize.keySecret, provider: clients.secrets }).pseudonymization(config.pseudonymize.columns)
    : undefined;
  const api = dockerApi({ apiUrl: config.engine.apiUrl, hubUrl: config.engine.hubUrl, credentials, http, now });
  const dvpCredentials = new DvpSecretsCredentials({ secretIds: config.namespaceSecrets, provider: clients.secrets });
  // One login (and cached JWT) per namespace, kept for the execution environment's next invocations.
  const dvp = dvpApi({ dvpUrl: config.engine.dvpUrl, hubUrl: config.engine.hubUrl, credentials: dvpCredentials, http, now });
  const sources = new Map<string, Source>();
  const sourceFor = (scope: ScopeRef): Source => {
    if (!config.scopes.some((known) => known.source === scope.source && known.scope === scope.scope)) {
      throw new ConfigError(`${scope.source} ${scope.scope} is not one this stack syncs; redeploy with it in the configuration.`);
    }
    const key = `${scope.source}/${scope.scope}`;
    let source = sources.get(key);
    if (!source) {
      source = scope.source === 'enterprise' ? new EnterpriseSource(api.clientFor(scope.scope)) : new DvpSource(dvp.clientFor(scope.scope));
      sources.set(key, source);
    }
    return source;
  };
  const glue = new GlueTables({
    client: clients.glue,
    databaseName: config.glueDatabase,
    lakeUri: sink.location,
    scopes: { enterprise: config.orgs, dvp: config.namespaces },
    firstPeriod: config.firstReportDate,
    pseudonymized: pseudonymize?.columns,
    onChange: (change) => log.info(`Glue table ${change.action}`, { ...change }),
  });
  const queries = new NamedQueries({ client: clients.athena, workGroup: config.athenaWorkGroup, databaseName: config.glueDatabase });
  const mirror = async (table: TableDefinition) => {
    await glue.ensure(table);
    // Saved queries are a convenience: without them (Athena throttled, a policy without them) the table still reads.
    try {
      const saved = await queries.ensure(table);
      if (saved.length > 0) log.info('saved day-one queries', { queries: saved });
    } catch (error) {
      log.warn('could not save the day-one queries of a table; the next run tries again', { table: table.dataset, cadence: table.cadence, reason: messageOf(error) });
    }
  };
  const catalog = new LakeTableCatalog(sink, now, { seed: (dataset) => glue.columnsOf(dataset), onTable: mirror });
  const engine = new DuckDbEngine({ tempDirectory: spoolDir });
  return {
    sink,
    sourceFor,
    dvpCredentials,
    catalog,
    engine,
    // Each event waits in the lake's outbox until EventBridge accepts it: a refused one is sent by the next sync.
    events: new ReportEvents({ client: clients.eventBridge, eventBusName: config.eventBusName, outbox: new EventOutbox({ sink, now }), log }),
    queue: config.landQueueUrl ? new LandQueue({ client: clients.sqs, queueUrl: config.landQueueUrl }) : undefined,
    now,
    landing: {
      sink,
      catalog,
      engine,
      leases: new PeriodLeases(sink, {
        now,
        waitMs: options.leaseWaitMs ?? 300_000,
        onWait: (ref, holder, until) => log.info('waiting for another landing of the period', { report: describePeriod(ref), holder: { ...holder }, until: until.toISOString() }),
      }),
      now,
      idleTimeoutMs: 60_000,
      onRetry: (ref, attempt, reason) => log.warn('retrying', { what: `landing ${describePeriod(ref)}`, attempt, reason }),
      pseudonymize,
    },
    ensureTables: async () => {
      const tables = await lakeTables(sink);
      for (const table of tables) {
        await catalog.refresh(table, TABLE_RECORD_REFRESH_MS);
        await mirror(table);
      }
      const named = tables.map((table) => ({ table: tableName({ source: table.source, name: table.dataset, cadence: table.cadence }), columns: table.columns }));
      for (const warning of pseudonymizeWarnings(pseudonymize?.columns ?? [], named, 'query.pseudonymize')) log.warn(warning);
    },
  };
}

/** What every handler is given to build its runtime from. */
export interface HandlerDeps {
  /** The function's environment, read once. */
  readonly env: Environment;
  readonly clients?: AwsClients;
  /** Replaces parts of the HTTP stack (tests: a fake sleep). */
  readonly http?: Partial<HttpDeps>;
  readonly now?: () => Date;
  /** @default the system's temporary folder */
  readonly spoolDir?: string;
}

/**
 * The function's configuration and runtime, built on the first invocation
 * (a bad environment fails that invocation, with what to fix) and kept for
 * the execution environment's next ones.
 */
export function lazyLakeRuntime(
  deps: HandlerDeps,
  log: LogSink,
  options: Pick<LakeRuntimeOptions, 'leaseWaitMs'> = {},
): () => { config: FunctionConfig; runtime: LakeRuntime } {
  let built: { config: FunctionConfig; runtime: LakeRuntime } | undefined;
  return () => {
    if (!built) {
      const config = readFunctionConfig(deps.env);
      built = { config, runtime: createLakeRuntime({ config, log, clients: deps.clients, http: deps.http, now: deps.now, spoolDir: deps.spoolDir, ...options }) };
    }
    return built;
  };
}
