import type { FunctionConfig } from '../../shared/aws/function-config.js';
import { describeItem } from '../../shared/aws/land-queue.js';
import type { LakeRuntime } from '../../shared/aws/lake-runtime.js';
import { addFailed, addLanded, emptyTotals, logFailure, logSyncEvent, type LogSink, type OrgTotals } from '../../shared/aws/sync-telemetry.js';
import type { LandedReport } from '../../shared/landing/land-report.js';
import type { SyncEvent, SyncFailure } from '../../shared/sync/sync-events.js';
import { syncLake } from '../../shared/sync/sync.js';
import { planOrgs, routeOf, type OrgPlan, type Route } from './org-plans.js';
import type { SyncRequest } from './sync-request.js';

/** What the sync answers (and logs): counts, and each failure with its reason. */
export interface SyncAnswer {
  readonly landed: number;
  readonly bytes: number;
  readonly queued: number;
  readonly skipped: number;
  readonly failed: readonly SyncFailure[];
  /** Where each org's plan went. */
  readonly routes: Readonly<Record<string, Route>>;
}

export interface LambdaSyncOutcome {
  readonly answer: SyncAnswer;
  readonly landed: readonly LandedReport[];
  readonly totals: Map<string, OrgTotals>;
}

/**
 * One scheduled (or manual) sync. Every org is planned first; an org with a
 * small plan is synced here by the engine's syncLake (which plans it again:
 * a listing costs one or two calls, and the engine stays the one place that
 * lands), an org with a large plan is fanned out to the land-report queue,
 * one message per report. Each landing is announced on EventBridge before it
 * counts as landed.
 */
export async function runLambdaSync(
  request: SyncRequest,
  config: FunctionConfig,
  runtime: LakeRuntime,
  log: LogSink,
): Promise<LambdaSyncOutcome> {
  const orgs = request.orgs ?? config.orgs;
  const selection = { types: request.types, cadences: request.cadences, since: request.since };
  const onEvent = (event: SyncEvent) => logSyncEvent(log, event);
  const plans = await planOrgs(orgs, selection, { clientFor: runtime.clientFor, sink: runtime.sink, onEvent });

  const routes: Record<string, Route> = {};
  const failed: SyncFailure[] = [];
  let skipped = 0;
  let queued = 0;
  const inline: string[] = [];
  const totals = emptyTotals(orgs);
  for (const plan of plans) {
    let route = routeOf(plan, request.fanOut, config.fanOut);
    if (route === 'queue' && !runtime.queue) {
      log.warn('no land-report queue is configured; landing a large plan here', { org: plan.org });
      route = 'inline';
    }
    routes[plan.org] = route;
    if (route === 'inline') {
      // syncLake plans this org again and reports its own failures and skips.
      inline.push(plan.org);
      continue;
    }
    skipped += plan.skipped;
    failed.push(...plan.failures);
    for (const failure of plan.failures) logFailure(log, failure);
    if (route === 'queue') {
      const count = await fanOut(plan, runtime, log, failed);
      queued += count;
      totals.get(plan.org)!.queued += count;
    }
  }

  let landed: LandedReport[] = [];
  if (inline.length > 0) {
    const summary = await syncLake(
      { ...selection, orgs: inline, concurrency: config.concurrency },
      {
        clientFor: runtime.clientFor,
        sink: runtime.sink,
        catalog: runtime.catalog,
        now: runtime.now,
        onEvent,
        afterLanding: (report) => runtime.events.publish(report),
      },
    );
    landed = summary.landed;
    skipped += summary.skipped;
    failed.push(...summary.failed);
  }

  addLanded(totals, landed);
  addFailed(totals, failed);
  const bytes = landed.reduce((sum, report) => sum + report.manifest.bytes, 0);
  return { answer: { landed: landed.length, bytes, queued, skipped, failed, routes }, landed, totals };
}

async function fanOut(plan: OrgPlan, runtime: LakeRuntime, log: LogSink, failed: SyncFailure[]): Promise<number> {
  const refused = await runtime.queue!.send(plan.items);
  for (const { item, reason } of refused) {
    const failure = { org: item.org, type: item.report.ReportType, cadence: item.report.Cadence, date: item.report.Date, reason, auth: false };
    failed.push(failure);
    log.error('could not queue a report; the next sync plans it again', { report: describeItem(item), reason });
  }
  const count = plan.items.length - refused.length;
  log.info('fanned out to the land-report queue', { org: plan.org, reports: count, bytes: plan.bytes });
  return count;
}
