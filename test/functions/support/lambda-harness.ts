import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient, SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi, type MockInstance } from 'vitest';
import { createLandReportHandler } from '../../../functions/land-report/handler.js';
import { createSyncHandler } from '../../../functions/sync/handler.js';
import { FUNCTION_ENV } from '../../../shared/aws/function-config.js';
import type { ReportLandedDetail } from '../../../shared/aws/report-events.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../../shared/aws/sync-telemetry.js';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../../simulator/index.js';
import { fakeWorkGroups, type FakeWorkGroups } from './fake-athena.js';
import { fakeCatalog, type FakeCatalog } from './fake-glue.js';
import { fakeBucket, type FakeBucket } from './fake-s3.js';

/** The fixed instant the handler tests run at: the simulator's reports end the day before. */
export const TEST_NOW = new Date('2026-06-17T10:00:00Z');
export const BUCKET = 'docker-reports-lake-test';
export const PREFIX = 'lake';
export const GLUE_DATABASE = 'docker_reports';
export const WORK_GROUP = 'docker-reports';
export const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/land-report';

export const secretArnOf = (org: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:docker-reports/${org}-AbCdEf`;
export const dvpSecretArnOf = (namespace: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:docker-reports/dvp/${namespace}-AbCdEf`;

export interface HarnessOptions {
  readonly sim?: SimulatorOptions;
  /** Overrides of the function environment the stack would set. */
  readonly env?: Record<string, string>;
  /** What each org's secret holds; undefined: the secret has no value yet. @default the simulator's OAT */
  readonly secretValue?: (org: string, sim: Simulator) => string | undefined;
  /** What each DVP namespace's secret holds; undefined: no value yet. @default the simulator's login as {"username","pat"} */
  readonly dvpSecretValue?: (namespace: string, sim: Simulator) => string | undefined;
}

/** One structured log line or EMF document the handlers printed. */
export type Printed = Record<string, unknown>;

/**
 * The two Lambdas as the stack deploys them, run in-process: the simulator
 * stands in for Docker, aws-sdk-client-mock for S3 (an in-memory bucket),
 * Glue (an in-memory catalog), Athena (named queries), Secrets Manager,
 * EventBridge and SQS; DuckDB itself writes the query copies, staging in a
 * temporary folder of the harness's own (the function's /tmp).
 * Powertools prints to the console (POWERTOOLS_DEV), which is captured.
 */
export class LambdaHarness {
  readonly events: PutEventsRequestEntry[] = [];
  readonly queued: SendMessageBatchRequestEntry[] = [];
  readonly printed: Printed[] = [];
  readonly rawOutput: string[] = [];
  readonly env: Record<string, string>;
  readonly secretsMock: AwsClientStub<SecretsManagerClient>;
  /** Every PutEvents call, accepted or not, with its entries. */
  readonly putEventsCalls: PutEventsRequestEntry[][] = [];
  /** How EventBridge answers PutEvents: accepts every entry, fails the call, or refuses each entry (FailedEntryCount). */
  eventBridge: 'accept' | 'throw' | 'refuse' = 'accept';
  private readonly spies: MockInstance[] = [];

  private constructor(
    readonly sim: Simulator,
    readonly bucket: FakeBucket,
    readonly catalog: FakeCatalog,
    readonly athena: FakeWorkGroups,
    /** The functions' /tmp: staged files, spooled copies, DuckDB's spill. */
    readonly spoolDir: string,
    options: HarnessOptions,
  ) {
    this.env = {
      [FUNCTION_ENV.orgs]: sim.orgs.join(','),
      [FUNCTION_ENV.orgSecrets]: JSON.stringify(Object.fromEntries(sim.orgs.map((org) => [org, secretArnOf(org)]))),
      [FUNCTION_ENV.bucket]: BUCKET,
      [FUNCTION_ENV.prefix]: PREFIX,
      [FUNCTION_ENV.glueDatabase]: GLUE_DATABASE,
      [FUNCTION_ENV.athenaWorkGroup]: WORK_GROUP,
      [FUNCTION_ENV.firstReportDate]: '2026-01-01',
      [FUNCTION_ENV.eventBusName]: 'default',
      [FUNCTION_ENV.landQueueUrl]: QUEUE_URL,
      [FUNCTION_ENV.fanOutAboveReports]: '10',
      [FUNCTION_ENV.fanOutAboveBytes]: String(512 * 1024 * 1024),
      [FUNCTION_ENV.concurrency]: '4',
      DOCKER_API_URL: sim.apiUrl,
      DOCKER_HUB_URL: sim.hubUrl,
      // The stack sets the DVP variables only when dvp.namespaces names some.
      ...(sim.namespaces.length > 0
        ? {
            [FUNCTION_ENV.namespaces]: sim.namespaces.join(','),
            [FUNCTION_ENV.namespaceSecrets]: JSON.stringify(Object.fromEntries(sim.namespaces.map((ns) => [ns, dvpSecretArnOf(ns)]))),
            DOCKER_DVP_API_URL: sim.dvpUrl,
          }
        : {}),
      AWS_REGION: 'us-east-1',
      ...options.env,
    };
    const secretValue = options.secretValue ?? ((org: string) => sim.oatFor(org));
    const dvpSecretValue = options.dvpSecretValue ?? ((namespace: string) => JSON.stringify(sim.dvpCredentials(namespace)));
    this.secretsMock = mockClient(SecretsManagerClient);
    this.secretsMock.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => {
      const org = sim.orgs.find((candidate) => secretArnOf(candidate) === input.SecretId);
      const namespace = sim.namespaces.find((candidate) => dvpSecretArnOf(candidate) === input.SecretId);
      const value = org !== undefined ? secretValue(org, sim) : namespace !== undefined ? dvpSecretValue(namespace, sim) : undefined;
      if (value === undefined) {
        throw new ResourceNotFoundException({
          message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
          $metadata: {},
        });
      }
      return { ARN: input.SecretId, SecretString: value };
    });
    mockClient(EventBridgeClient)
      .on(PutEventsCommand)
      .callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
        this.putEventsCalls.push(input.Entries);
        if (this.eventBridge === 'throw') throw Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $metadata: {} });
        if (this.eventBridge === 'refuse') {
          return { FailedEntryCount: input.Entries.length, Entries: input.Entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' })) };
        }
        this.events.push(...input.Entries);
        return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `event-${this.events.length}-${i}` })) };
      });
    mockClient(SQSClient)
      .on(SendMessageBatchCommand)
      .callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
        this.queued.push(...input.Entries);
        return { Successful: input.Entries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })), Failed: [] };
      });
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      this.spies.push(
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          const text = args.map(String).join(' ');
          this.rawOutput.push(text);
          try {
            this.printed.push(JSON.parse(text) as Printed);
          } catch {
            // Not a JSON line: kept in rawOutput only.
          }
        }),
      );
    }
  }

  static async start(options: HarnessOptions = {}): Promise<LambdaHarness> {
    // Powertools writes to the global console in dev mode, where the spies above catch it.
    process.env.POWERTOOLS_DEV = 'true';
    // Dev mode turns metrics off unless told otherwise; these tests read them.
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const sim = await createSimulator({ now: () => TEST_NOW, ...options.sim });
    const spoolDir = await mkdtemp(join(tmpdir(), 'lambda-tmp-'));
    return new LambdaHarness(sim, fakeBucket(), fakeCatalog(GLUE_DATABASE), fakeWorkGroups(), spoolDir, options);
  }

  /** A fresh sync function (a cold start), wired like the deployed one. */
  syncHandler() {
    return createSyncHandler({ ...this.observability(), env: this.env, ...this.deps() });
  }

  landReportHandler() {
    return createLandReportHandler({ ...this.observability(), env: this.env, ...this.deps() });
  }

  /** The queued messages as the SQS event source would deliver them, `size` at a time. */
  sqsEvents(size = 10): SQSEvent[] {
    const events: SQSEvent[] = [];
    for (let start = 0; start < this.queued.length; start += size) {
      events.push({
        Records: this.queued.slice(start, start + size).map((entry, index) => ({
          messageId: `msg-${start + index}`,
          receiptHandle: `handle-${start + index}`,
          body: entry.MessageBody!,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(TEST_NOW.getTime()),
            SenderId: 'AROAEXAMPLE',
            ApproximateFirstReceiveTimestamp: String(TEST_NOW.getTime()),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:land-report',
          awsRegion: 'us-east-1',
        })),
      });
    }
    return events;
  }

  /** Names of the day-one queries saved in the stack's workgroup so far. */
  savedQueries(): string[] {
    return this.athena.names(WORK_GROUP);
  }

  /** The detail of every landing event sent so far. */
  eventDetails(): ReportLandedDetail[] {
    return this.events.map((entry) => JSON.parse(entry.Detail!) as ReportLandedDetail);
  }

  /** Values of a metric in the EMF documents printed, with their dimensions. */
  metric(name: string): { value: number; dimensions: Record<string, string> }[] {
    const found: { value: number; dimensions: Record<string, string> }[] = [];
    for (const doc of this.printed) {
      const aws = doc._aws as { CloudWatchMetrics?: { Namespace: string; Metrics: { Name: string }[]; Dimensions: string[][] }[] } | undefined;
      const directive = aws?.CloudWatchMetrics?.[0];
      if (!directive || directive.Namespace !== METRICS_NAMESPACE || !directive.Metrics.some((m) => m.Name === name)) continue;
      const dimensions = Object.fromEntries((directive.Dimensions[0] ?? []).map((key) => [key, String(doc[key])]));
      found.push({ value: Number(doc[name]), dimensions });
    }
    return found;
  }

  async close(): Promise<void> {
    for (const spy of this.spies) spy.mockRestore();
    await this.sim.close();
    await rm(this.spoolDir, { recursive: true, force: true });
  }

  private observability() {
    return {
      logger: new Logger({ serviceName: SERVICE_NAME }),
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
    };
  }

  private deps() {
    return {
      clients: {
        s3: this.bucket.client,
        glue: this.catalog.client,
        athena: this.athena.client,
        secrets: new SecretsProvider({
          awsSdkV3Client: new SecretsManagerClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
        }),
        eventBridge: new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
        sqs: new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
      },
      http: { sleep: async () => undefined },
      now: () => this.sim.now(),
      spoolDir: this.spoolDir,
    };
  }
}
