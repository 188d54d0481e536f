import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { describeReport } from '../docker/payloads.js';
import type { LandedReport } from '../landing/land-report.js';
import type { SyncEvent, SyncFailure } from '../sync/sync-events.js';

/**
 * Logs and metrics of a sync, shared by both Lambdas. Nothing here ever sees
 * a secret: sync events carry report names, sizes and error messages, and
 * the engine's messages never hold an OAT, a JWT or a pre-signed query string.
 */

/** The slice of Powertools Logger used here (structured extra keys after the message). */
export interface LogSink {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Metric names; the alarms in infra/ watch these. */
export const METRIC_NAMES = {
  landed: 'ReportsLanded',
  bytes: 'BytesLanded',
  failed: 'ReportsFailed',
  queued: 'ReportsQueued',
} as const;

export const METRICS_NAMESPACE = 'DockerReportsLake';
export const SERVICE_NAME = 'docker-reports-lake';

/** One line per meaningful sync event; byte progress is left to the metrics. */
export function logSyncEvent(log: LogSink, event: SyncEvent): void {
  switch (event.kind) {
    case 'planned':
      log.info('planned', { ...event });
      return;
    case 'landed':
      logLanded(log, event.landed);
      return;
    case 'failed':
      logFailure(log, event.failure);
      return;
    case 'retry':
      log.warn('retrying', { what: event.what, attempt: event.attempt, reason: event.reason, delayMs: event.delayMs });
      return;
    case 'notice':
      log.info(event.message);
      return;
    case 'landing':
      log.debug('landing', { report: describeReport(event.ref), bytes: event.bytes });
      return;
    case 'queued':
    case 'bytes':
      return;
  }
}

export function logLanded(log: LogSink, landed: LandedReport): void {
  const { ref, manifest, columns, replaced, uri } = landed;
  log.info('landed', { report: describeReport(ref), uri, bytes: manifest.bytes, sha256: manifest.sha256, rows: manifest.query.rows, replaced });
  if (columns.retyped.length > 0) {
    // The one real schema break: say where the new values go.
    log.warn('field type changed; new values land in a versioned column', { report: describeReport(ref), retyped: columns.retyped });
  }
}

export function logFailure(log: LogSink, failure: SyncFailure): void {
  log.error('failed', { ...failure });
}

/** What happened to one org in one invocation. */
export interface OrgTotals {
  landed: number;
  bytes: number;
  failed: number;
  queued: number;
}

export function emptyTotals(orgs: readonly string[]): Map<string, OrgTotals> {
  return new Map(orgs.map((org) => [org, { landed: 0, bytes: 0, failed: 0, queued: 0 }]));
}

export function addLanded(totals: Map<string, OrgTotals>, landed: readonly LandedReport[]): void {
  for (const report of landed) {
    const entry = totalsOf(totals, report.ref.org);
    entry.landed += 1;
    entry.bytes += report.manifest.bytes;
  }
}

export function addFailed(totals: Map<string, OrgTotals>, failed: readonly { org: string }[]): void {
  for (const failure of failed) totalsOf(totals, failure.org).failed += 1;
}

/**
 * Publishes the totals twice: per org (dimensions service + org: the "no
 * report landed for an org" alarm watches these) and for the whole service
 * (dimension service: the failure alarm watches that one). Zeros are
 * published too, so a graph shows every run.
 */
export function recordTotals(metrics: Metrics, totals: ReadonlyMap<string, OrgTotals>): void {
  const all: OrgTotals = { landed: 0, bytes: 0, failed: 0, queued: 0 };
  for (const [org, entry] of totals) {
    publishOrg(metrics, org, entry);
    all.landed += entry.landed;
    all.bytes += entry.bytes;
    all.failed += entry.failed;
    all.queued += entry.queued;
  }
  metrics.addMetric(METRIC_NAMES.landed, MetricUnit.Count, all.landed);
  metrics.addMetric(METRIC_NAMES.bytes, MetricUnit.Bytes, all.bytes);
  metrics.addMetric(METRIC_NAMES.failed, MetricUnit.Count, all.failed);
  metrics.addMetric(METRIC_NAMES.queued, MetricUnit.Count, all.queued);
}

function publishOrg(metrics: Metrics, org: string, entry: OrgTotals): void {
  // A single metric is flushed as soon as it is added, with its own dimensions.
  const metric = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number) => {
    const single = metrics.singleMetric();
    single.addDimension('org', org);
    single.addMetric(name, unit, value);
  };
  metric(METRIC_NAMES.landed, MetricUnit.Count, entry.landed);
  metric(METRIC_NAMES.bytes, MetricUnit.Bytes, entry.bytes);
  metric(METRIC_NAMES.failed, MetricUnit.Count, entry.failed);
}

function totalsOf(totals: Map<string, OrgTotals>, org: string): OrgTotals {
  let entry = totals.get(org);
  if (!entry) {
    entry = { landed: 0, bytes: 0, failed: 0, queued: 0 };
    totals.set(org, entry);
  }
  return entry;
}
