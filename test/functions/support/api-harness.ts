import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { createApiHandler } from '../../../functions/api/handler.js';
import { FUNCTION_ENV } from '../../../shared/aws/function-config.js';
import { SERVICE_NAME } from '../../../shared/aws/sync-telemetry.js';
import { apiGatewayEvent, type ApiRequestOptions } from './api-gateway-event.js';
import { lambdaContext } from './lambda-context.js';
import { LambdaHarness, type HarnessOptions } from './lambda-harness.js';

const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface ApiHarnessOptions extends HarnessOptions {
  /** Origins the stack would give the function (api.corsAllowOrigins). @default none */
  readonly corsAllowOrigins?: readonly string[];
}

/** Every request the function made to anything outside it, by service. */
export interface OutboundCalls {
  readonly s3: number;
  readonly glue: number;
  readonly athena: number;
  readonly secretsManager: number;
  readonly eventBridge: number;
  /** Requests Docker's simulated API, Hub and storage answered. */
  readonly docker: number;
}

/**
 * functions/api as the stack deploys it, run in-process behind API Gateway
 * proxy events: the Lambda harness's simulator (Docker), in-memory bucket
 * (S3), catalog (Glue), named queries (Athena) and secrets, plus an EventBridge client of its own
 * whose every call is recorded, so a test can prove a request reached nothing.
 */
export class ApiHarness {
  /** Every entry the function put on EventBridge: sync requests and landing events. */
  readonly putEvents: PutEventsRequestEntry[] = [];
  private readonly eventBridge = new EventBridgeClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
  private readonly eventBridgeMock: AwsClientStub<EventBridgeClient>;
  private eventBridgeFails = false;

  private constructor(
    readonly lambda: LambdaHarness,
    private readonly env: Record<string, string>,
  ) {
    // An instance stub: it shadows the Lambda harness's class-wide EventBridge stub for this client only.
    this.eventBridgeMock = mockClient(this.eventBridge);
    this.eventBridgeMock.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      if (this.eventBridgeFails) {
        return { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] };
      }
      this.putEvents.push(...input.Entries);
      return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `event-${i}` })) };
    });
  }

  static async start(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
    const lambda = await LambdaHarness.start(options);
    // What the stack gives the API function: the sync's lake settings, without the fan-out queue.
    const { [FUNCTION_ENV.landQueueUrl]: _queue, ...env } = lambda.env;
    if (options.corsAllowOrigins) env[FUNCTION_ENV.corsAllowOrigins] = options.corsAllowOrigins.join(',');
    return new ApiHarness(lambda, env);
  }

  get sim() {
    return this.lambda.sim;
  }

  get bucket() {
    return this.lambda.bucket;
  }

  /** A fresh API function (a cold start). */
  handler() {
    return createApiHandler({
      logger: new Logger({ serviceName: SERVICE_NAME }),
      env: this.env,
      clients: {
        s3: this.lambda.bucket.client,
        glue: this.lambda.catalog.client,
        athena: this.lambda.athena.client,
        eventBridge: this.eventBridge,
        secrets: new SecretsProvider({
          awsSdkV3Client: new SecretsManagerClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS }),
        }),
      },
      http: { sleep: async () => undefined },
      now: () => this.sim.now(),
      spoolDir: this.lambda.spoolDir,
    });
  }

  /** One request through a handler, as API Gateway would deliver it. */
  async request(method: string, path: string, options: ApiRequestOptions = {}, handler = this.handler()): Promise<ApiAnswer> {
    const result = (await handler(apiGatewayEvent(method, path, options), lambdaContext('docker-reports-api'))) as APIGatewayProxyResult;
    return { ...result, headers: (result.headers ?? {}) as Record<string, string>, json: () => JSON.parse(result.body) as unknown };
  }

  /** PutEvents answers FailedEntryCount 1 from now on. */
  failEventBridge(): void {
    this.eventBridgeFails = true;
  }

  outboundCalls(): OutboundCalls {
    const stats = this.sim.stats;
    return {
      s3: this.lambda.bucket.mock.calls().length,
      glue: this.lambda.catalog.mock.calls().length,
      athena: this.lambda.athena.mock.calls().length,
      secretsManager: this.lambda.secretsMock.calls().length,
      eventBridge: this.eventBridgeMock.calls().length,
      docker: stats.token + stats.types + stats.list + stats.schema + stats.download + stats.storage,
    };
  }

  async close(): Promise<void> {
    this.eventBridgeMock.restore();
    await this.lambda.close();
  }
}

export interface ApiAnswer extends APIGatewayProxyResult {
  readonly headers: Record<string, string>;
  json(): unknown;
}
