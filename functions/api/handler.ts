import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ReportsApi } from '../../shared/api/reports-api.js';
import { landAndAnnounce } from '../../shared/aws/land-and-announce.js';
import { lazyLakeRuntime, type HandlerDeps } from '../../shared/aws/lake-runtime.js';
import { createObservability, type Observability } from '../../shared/aws/observability.js';
import { S3DownloadSigner } from '../../shared/aws/s3-download-signer.js';
import { requestSync } from '../../shared/aws/sync-requests.js';
import { messageOf } from '../../shared/errors.js';
import { allowedOrigins, corsHeaders } from './cors-headers.js';

export interface ApiHandlerDeps extends Pick<Observability, 'logger'>, HandlerDeps {}

/**
 * The on-demand API behind API Gateway (REST, IAM-authorized): turns the
 * proxy event into the reports API's request and its answer into the proxy
 * result. The API itself (routes, validation, landing on demand, pre-signed
 * redirects) is shared/api, the same one `docker-reports serve` runs.
 */
/**
 * A download of a report another request (or the sync) is landing waits this
 * long for that landing, within API Gateway's 29 s, then answers 503.
 */
const API_LEASE_WAIT_MS = 20_000;

export function createApiHandler(deps: ApiHandlerDeps) {
  let api: ReportsApi | undefined;
  const corsOrigins = allowedOrigins(deps.env);

  function build(): ReportsApi {
    // The signer and the sync requests use the same clients as the runtime.
    const s3 = deps.clients?.s3 ?? new S3Client({});
    const eventBridge = deps.clients?.eventBridge ?? new EventBridgeClient({});
    const { config, runtime } = lazyLakeRuntime({ ...deps, clients: { ...deps.clients, s3, eventBridge } }, deps.logger, {
      leaseWaitMs: API_LEASE_WAIT_MS,
    })();
    return new ReportsApi({
      orgs: config.orgs,
      sink: runtime.sink,
      upstream: (org) => runtime.sourceFor({ source: 'enterprise', scope: org }),
      namespaces: config.namespaces,
      // Every configured namespace has its secret; an empty one fails the upstream call, answered 502 with the reason logged.
      dvpUpstream: (namespace) => runtime.sourceFor({ source: 'dvp', scope: namespace }),
      land: (item) => landAndAnnounce(item, config.scopes, runtime, deps.logger),
      signer: new S3DownloadSigner(s3, config.bucket, runtime.sink),
      requestSync: async (org) => {
        await requestSync(eventBridge, config.eventBusName, org);
        return (
          `a sync of ${org} was requested; each report it lands is announced on EventBridge ` +
          `("Docker Report Landed"), and GET /orgs/${org}/reports shows what is landed`
        );
      },
      now: runtime.now,
      onServerError: (error, request) => deps.logger.error('request failed', { path: request.path, error: messageOf(error) }),
    });
  }

  async function handle(event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> {
    api ??= build();
    const answer = await api.handle({
      method: event.httpMethod,
      path: event.path,
      query: event.queryStringParameters ?? {},
    });
    return { statusCode: answer.status, headers: { ...answer.headers, ...corsHeaders(event.headers, corsOrigins) }, body: answer.body };
  }

  return middy(handle).use(injectLambdaContext(deps.logger, { resetKeys: true }));
}

export const handler = createApiHandler({ ...createObservability(), env: process.env });
