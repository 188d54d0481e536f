import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from './sync-telemetry.js';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * The Powertools logger (JSON lines) and metrics (CloudWatch EMF) both
 * Lambdas use. They share one service name and namespace, so a report landed
 * by the worker counts for its org exactly like one landed by the sync.
 * Level and sampling stay settable through Powertools' own variables
 * (POWERTOOLS_LOG_LEVEL).
 */
export function createObservability(): Observability {
  return {
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
  };
}
