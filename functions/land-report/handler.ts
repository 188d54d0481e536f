import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import pLimit from 'p-limit';
import { parseLandMessage } from '../../shared/aws/land-queue.js';
import { lazyLakeRuntime, type HandlerDeps } from '../../shared/aws/lake-runtime.js';
import { createObservability, type Observability } from '../../shared/aws/observability.js';
import { addFailed, addLanded, emptyTotals, recordTotals } from '../../shared/aws/sync-telemetry.js';
import { isAuthError, messageOf } from '../../shared/errors.js';
import { isSegment } from '../../shared/names.js';
import { SOURCE_IDS, type ScopeRef } from '../../shared/sources/index.js';
import { landAndAnnounce } from '../../shared/aws/land-and-announce.js';

export interface LandReportHandlerDeps extends Observability, HandlerDeps {}

/**
 * The fan-out worker: one SQS message per report. Each record is landed on
 * its own; the ones that fail are reported back (partial batch response) so
 * only they return to the queue, and the landed ones are never landed twice.
 */
export function createLandReportHandler(deps: LandReportHandlerDeps) {
  const built = lazyLakeRuntime(deps, deps.logger);

  async function landReports(event: SQSEvent, _context: Context): Promise<SQSBatchResponse> {
    const { config, runtime } = built();
    const totals = emptyTotals([]);
    const limit = pLimit(config.concurrency);
    const failures: string[] = [];
    await Promise.all(
      event.Records.map((record) =>
        limit(async () => {
          try {
            const outcome = await landAndAnnounce(parseLandMessage(record.body), config.scopes, runtime, deps.logger);
            if (outcome.kind === 'landed') addLanded(totals, [outcome.landed]);
          } catch (error) {
            failures.push(record.messageId);
            const scope = scopeOf(record);
            if (scope) addFailed(totals, [scope]);
            deps.logger.error('failed; the message returns to the queue', {
              messageId: record.messageId,
              receiveCount: record.attributes.ApproximateReceiveCount,
              ...(scope ? { source: scope.source, scope: scope.scope } : {}),
              reason: messageOf(error),
              auth: isAuthError(error),
            });
          }
        }),
      ),
    );
    recordTotals(deps.metrics, totals);
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  }

  return middy(landReports)
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    // No cold-start metric: each custom metric costs $0.30 a month, and Lambda logs the init duration anyway.
    .use(logMetrics(deps.metrics));
}

/** The scope of a message, for the failure metric, even when the rest of it is unreadable. */
function scopeOf(record: SQSRecord): ScopeRef | undefined {
  try {
    const body = JSON.parse(record.body) as { org?: unknown; ref?: { source?: unknown; scope?: unknown }; period?: { ref?: { source?: unknown; scope?: unknown } } };
    const ref = body.ref ?? body.period?.ref ?? { source: 'enterprise', scope: body.org };
    const source = SOURCE_IDS.find((id) => id === ref.source);
    return source && typeof ref.scope === 'string' && isSegment(ref.scope) ? { source, scope: ref.scope } : undefined;
  } catch {
    return undefined;
  }
}

export const handler = createLandReportHandler({ ...createObservability(), env: process.env });
