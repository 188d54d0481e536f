import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { LandedPeriod } from '../landing/landing-deps.js';
import { manifestBytes } from '../lake/manifest.js';
import { describeDataset, describePeriod, specOf, type ScopeRef, type SourceId } from '../sources/index.js';
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
  /** Per DVP namespace: hours since its newest export landed (the "no export landed" alarm watches it). */
  exportAge: 'HoursSinceExportLanded',
} as const;

export const METRICS_NAMESPACE = 'DockerReportsLake';
export const SERVICE_NAME = 'docker-reports-lake';

/** One line per meaningful sync event; byte progress is left to the metrics. */
export function logSyncEvent(log: LogSink, event: SyncEvent): void {
  switch (event.kind) {
    case 'planned': {
      const { dataset, ...counts } = event;
      log.info('planned', { ...counts, dataset: describeDataset(dataset), source: dataset.source });
      return;
    }
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
      log.debug('landing', { report: describePeriod(event.ref), bytes: event.bytes });
      return;
    case 'queued':
    case 'bytes':
      return;
  }
}

export function logLanded(log: LogSink, landed: LandedPeriod): void {
  const { ref, manifest, columns, action, uris, timings } = landed;
  log.info(action, {
    report: describePeriod(ref),
    source: ref.source,
    uris,
    bytes: manifestBytes(manifest),
    rows: manifest.query.rows,
    invalidValues: manifest.query.invalid_values,
    timings,
  });
  if (columns.retyped.length > 0) {
    // The one real schema break: say where the new values go.
    log.warn('field type changed; new values land in a versioned column', { report: describePeriod(ref), retyped: columns.retyped });
  }
}

export function logFailure(log: LogSink, failure: SyncFailure): void {
  log.error('failed', { ...failure });
}

/** What happened to one scope (an org, a namespace) in one invocation. */
export interface ScopeTotals {
  landed: number;
  bytes: number;
  failed: number;
  queued: number;
}

/** Totals by scope, keyed `{source}/{scope}`. */
export type Totals = Map<string, ScopeTotals>;

export function emptyTotals(scopes: readonly ScopeRef[]): Totals {
  return new Map(scopes.map((scope) => [scopeKey(scope), { landed: 0, bytes: 0, failed: 0, queued: 0 }]));
}

export function addLanded(totals: Totals, landed: readonly LandedPeriod[]): void {
  for (const period of landed) {
    const entry = totalsOf(totals, period.ref);
    entry.landed += 1;
    entry.bytes += manifestBytes(period.manifest);
  }
}

export function addFailed(totals: Totals, failed: readonly ScopeRef[]): void {
  for (const failure of failed) totalsOf(totals, failure).failed += 1;
}

export function addQueued(totals: Totals, scope: ScopeRef, count: number): void {
  totalsOf(totals, scope).queued += count;
}

/**
 * Publishes the totals twice: per scope (dimensions service + org, or
 * namespace: the "no report landed for an org" alarm watches these) and for
 * the whole service (dimension service: the failure alarm watches that one).
 * Zeros are published too, so a graph shows every run.
 */
export function recordTotals(metrics: Metrics, totals: ReadonlyMap<string, ScopeTotals>): void {
  const all: ScopeTotals = { landed: 0, bytes: 0, failed: 0, queued: 0 };
  for (const [key, entry] of totals) {
    publishScope(metrics, scopeOfKey(key), entry);
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

/**
 * Publishes, per DVP namespace, how many hours ago its newest export landed
 * (dimensions service + namespace: the namespace's "no export landed" alarm
 * watches it). A namespace that never landed one publishes nothing.
 */
export function recordExportAges(metrics: Metrics, hoursByNamespace: ReadonlyMap<string, number>): void {
  for (const [namespace, hours] of hoursByNamespace) {
    const single = metrics.singleMetric();
    single.addDimension(specOf('dvp').scopeKey, namespace);
    single.addMetric(METRIC_NAMES.exportAge, MetricUnit.Count, hours);
  }
}

function publishScope(metrics: Metrics, scope: ScopeRef, entry: ScopeTotals): void {
  // A single metric is flushed as soon as it is added, with its own dimensions.
  const metric = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number) => {
    const single = metrics.singleMetric();
    single.addDimension(specOf(scope.source).scopeKey, scope.scope);
    single.addMetric(name, unit, value);
  };
  metric(METRIC_NAMES.landed, MetricUnit.Count, entry.landed);
  metric(METRIC_NAMES.bytes, MetricUnit.Bytes, entry.bytes);
  metric(METRIC_NAMES.failed, MetricUnit.Count, entry.failed);
}

function scopeKey(scope: ScopeRef): string {
  return `${scope.source}/${scope.scope}`;
}

function scopeOfKey(key: string): ScopeRef {
  const slash = key.indexOf('/');
  return { source: key.slice(0, slash) as SourceId, scope: key.slice(slash + 1) };
}

function totalsOf(totals: Totals, scope: ScopeRef): ScopeTotals {
  let entry = totals.get(scopeKey(scope));
  if (!entry) {
    entry = { landed: 0, bytes: 0, failed: 0, queued: 0 };
    totals.set(scopeKey(scope), entry);
  }
  return entry;
}
