import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { lazyLakeRuntime, type HandlerDeps } from '../../shared/aws/lake-runtime.js';
import { createObservability, type Observability } from '../../shared/aws/observability.js';
import { recordExportAges, recordTotals } from '../../shared/aws/sync-telemetry.js';
import { runLambdaSync, type SyncAnswer } from './run-lambda-sync.js';
import { parseSyncRequest } from './sync-request.js';

export interface SyncHandlerDeps extends Observability, HandlerDeps {}

/**
 * The scheduled sync: parse the event, run the engine for the configured
 * orgs (fanning large plans out to the land-report queue), publish the
 * metrics, answer with the counts. Everything it builds is kept for the next
 * invocation of the same execution environment.
 */
export function createSyncHandler(deps: SyncHandlerDeps) {
  const built = lazyLakeRuntime(deps, deps.logger);

  async function sync(event: unknown, _context: Context): Promise<SyncAnswer> {
    const { config, runtime } = built();
    const request = parseSyncRequest(event, config);
    deps.logger.info('sync started', { request });
    const outcome = await runLambdaSync(request, config, runtime, deps.logger);
    recordTotals(deps.metrics, outcome.totals);
    recordExportAges(deps.metrics, outcome.exportAges);
    deps.logger.info('sync finished', { ...outcome.answer, failed: outcome.answer.failed.length });
    return outcome.answer;
  }

  return middy(sync)
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    // No cold-start metric: each custom metric costs $0.30 a month, and Lambda logs the init duration anyway.
    .use(logMetrics(deps.metrics));
}

export const handler = createSyncHandler({ ...createObservability(), env: process.env });
