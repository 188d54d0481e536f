import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { dockerApi } from '../docker/docker-api.js';
import type { EnterpriseClient } from '../docker/enterprise-client.js';
import { HttpClient, defaultHttpDeps, type HttpDeps } from '../http/http-client.js';
import type { Environment } from '../config.js';
import { S3Sink } from '../sinks/s3-sink.js';
import { readFunctionConfig, type FunctionConfig } from './function-config.js';
import { GlueTableCatalog } from './glue-table-catalog.js';
import { LandQueue } from './land-queue.js';
import { ReportEvents } from './report-events.js';
import { SecretsCredentials } from './secrets-credentials.js';
import type { LogSink } from './sync-telemetry.js';

/** AWS clients to use instead of the defaults (each built for the function's region). */
export interface AwsClients {
  readonly s3?: S3Client;
  readonly glue?: GlueClient;
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
}

/** The engine's parts as a Lambda uses them: the lake in S3, Docker with OATs from Secrets Manager, Glue, EventBridge, SQS. */
export interface LakeRuntime {
  readonly sink: S3Sink;
  readonly clientFor: (org: string) => EnterpriseClient;
  readonly catalog: GlueTableCatalog;
  readonly events: ReportEvents;
  /** Present when the function may fan out (the sync). */
  readonly queue: LandQueue | undefined;
  readonly now: () => Date;
}

/**
 * Builds everything once per execution environment, so cached things stay
 * cached across invocations: secrets (Powertools), JWTs (one token provider
 * per org), Glue table locks and the SDK clients' connections.
 */
export function createLakeRuntime(options: LakeRuntimeOptions): LakeRuntime {
  const { config, log, clients = {} } = options;
  const now = options.now ?? (() => new Date());
  const sink = new S3Sink({ client: clients.s3 ?? new S3Client({}), bucket: config.bucket, prefix: config.prefix });
  const http = new HttpClient({ ...defaultHttpDeps, ...options.http }, {}, (label, attempt) =>
    log.warn('retrying', { what: label, attempt: attempt.attempt, delayMs: attempt.delayMs, reason: attempt.reason }),
  );
  const credentials = new SecretsCredentials({ secretIds: config.orgSecrets, provider: clients.secrets });
  const api = dockerApi({ apiUrl: config.engine.apiUrl, hubUrl: config.engine.hubUrl, credentials, http, now });
  const catalog = new GlueTableCatalog({
    client: clients.glue,
    databaseName: config.glueDatabase,
    lakeUri: sink.location,
    orgs: config.orgs,
    firstReportDate: config.firstReportDate,
    onChange: (change) => log.info(`Glue table ${change.action}`, { ...change }),
  });
  return {
    sink,
    clientFor: (org) => api.clientFor(org),
    catalog,
    events: new ReportEvents({ client: clients.eventBridge, eventBusName: config.eventBusName, lake: sink }),
    queue: config.landQueueUrl ? new LandQueue({ client: clients.sqs, queueUrl: config.landQueueUrl }) : undefined,
    now,
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
}

/**
 * The function's configuration and runtime, built on the first invocation
 * (a bad environment fails that invocation, with what to fix) and kept for
 * the execution environment's next ones.
 */
export function lazyLakeRuntime(deps: HandlerDeps, log: LogSink): () => { config: FunctionConfig; runtime: LakeRuntime } {
  let built: { config: FunctionConfig; runtime: LakeRuntime } | undefined;
  return () => {
    if (!built) {
      const config = readFunctionConfig(deps.env);
      built = { config, runtime: createLakeRuntime({ config, log, clients: deps.clients, http: deps.http, now: deps.now }) };
    }
    return built;
  };
}
