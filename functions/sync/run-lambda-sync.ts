import type { FunctionConfig } from '../../shared/aws/function-config.js';
import { lastExportLanded } from '../../shared/aws/export-age.js';
import { describeItem } from '../../shared/aws/land-queue.js';
import type { LakeRuntime } from '../../shared/aws/lake-runtime.js';
import { addFailed, addLanded, addQueued, emptyTotals, logFailure, logSyncEvent, type LogSink, type Totals } from '../../shared/aws/sync-telemetry.js';
import { messageOf } from '../../shared/errors.js';
import type { LandedPeriod } from '../../shared/landing/index.js';
import { manifestBytes } from '../../shared/lake/manifest.js';
import type { ScopeRef } from '../../shared/sources/index.js';
import { failureOf, refOf, syncLake, type SyncEvent, type SyncFailure, type SyncSelection } from '../../shared/sync/index.js';
import { planScopes, routeOf, type Route, type ScopePlan } from './scope-plans.js';
import { requestedScopes, type SyncRequest } from './sync-request.js';

/** What the sync answers (and logs): counts, and each failure with its reason. */
export interface SyncAnswer {
  readonly landed: number;
  readonly bytes: number;
  /** Landed periods whose query copy was rebuilt here. */
  readonly rebuilt: number;
  readonly queued: number;
  readonly skipped: number;
  readonly failed: readonly SyncFailure[];
  /** Where each scope's plan went: by org name, and by `dvp/{namespace}`. */
  readonly routes: Readonly<Record<string, Route>>;
  /** Landing events of earlier runs that EventBridge accepted this time. */
  readonly eventsResent: number;
  /** Landing events still waiting in the lake's outbox for a later run (earlier ones, and this run's refused ones). */
  readonly eventsPending: number;
}

export interface LambdaSyncOutcome {
  readonly answer: SyncAnswer;
  readonly landed: readonly LandedPeriod[];
  readonly totals: Totals;
  /** Hours since each configured DVP namespace's newest export landed (namespaces that never landed one are absent). */
  readonly exportAges: ReadonlyMap<string, number>;
}

/**
 * One scheduled (or manual) sync. First the landing events EventBridge
 * refused in earlier runs are sent again (from the lake's outbox), and every
 * dataset the lake records gets its Glue table in step. Then every org is
 * planned; an org with a small plan is synced here by the engine's syncLake
 * (which plans it again: a listing costs one or two calls, and the engine
 * stays the one place that lands), an org with a large plan is fanned out to
 * the land-report queue, one message per period. Each landing is announced on EventBridge before it
 * counts as landed; an event EventBridge does not accept waits in the outbox
 * for the next run.
 */
export async function runLambdaSync(request: SyncRequest, config: FunctionConfig, runtime: LakeRuntime, log: LogSink): Promise<LambdaSyncOutcome> {
  const { scopes, filters } = requestedScopes(request, config);
  const selection: SyncSelection = {
    filters,
    since: request.since,
    // Copies written with other pseudonymised columns are rebuilt (the plan reads their manifests).
    pseudonymize: runtime.landing.pseudonymize?.columns,
  };
  const onEvent = (event: SyncEvent) => logSyncEvent(log, event);
  const resent = await runtime.events.resendPending().catch((error: unknown) => {
    // The outbox could not be listed: its entries wait for the next run, and this run still lands.
    log.error('could not read the outbox of pending landing events; the next sync tries again', { reason: messageOf(error) });
    return undefined;
  });
  await runtime.ensureTables().catch((error: unknown) => {
    // Landing goes on: each landing brings its own table in step again, and says so if it cannot.
    log.error('could not bring the Glue tables in step with the lake', { reason: messageOf(error) });
  });
  const plans = await planScopes(scopes, selection, { sourceFor: runtime.sourceFor, sink: runtime.sink, onEvent });

  const routes: Record<string, Route> = {};
  const failed: SyncFailure[] = [];
  let skipped = 0;
  let queued = 0;
  const inline: ScopeRef[] = [];
  const totals = emptyTotals(scopes);
  for (const plan of plans) {
    let route = routeOf(plan, request.fanOut, config.fanOut);
    if (route === 'queue' && !runtime.queue) {
      log.warn('no land-report queue is configured; landing a large plan here', { scope: plan.scope.scope });
      route = 'inline';
    }
    routes[routeKey(plan.scope)] = route;
    if (route === 'inline') {
      // syncLake plans this scope again and reports its own failures and skips.
      inline.push(plan.scope);
      continue;
    }
    skipped += plan.skipped;
    failed.push(...plan.failures);
    for (const failure of plan.failures) logFailure(log, failure);
    if (route === 'queue') {
      const count = await fanOut(plan, runtime, log, failed);
      queued += count;
      addQueued(totals, plan.scope, count);
    }
  }

  let landed: LandedPeriod[] = [];
  let rebuilt = 0;
  let held = 0;
  const announce = async (period: LandedPeriod) => {
    if ((await runtime.events.publish(period)) === 'held') held += 1;
  };
  if (inline.length > 0) {
    const summary = await syncLake(
      { ...selection, scopes: inline, concurrency: config.concurrency },
      { ...runtime.landing, sourceFor: runtime.sourceFor, onEvent, afterLanding: announce },
    );
    landed = summary.landed;
    rebuilt = summary.rebuilt.length;
    skipped += summary.skipped;
    failed.push(...summary.failed);
  }

  addLanded(totals, landed);
  addFailed(totals, failed);
  const bytes = landed.reduce((sum, period) => sum + manifestBytes(period.manifest), 0);
  // Unknown (the outbox could not be listed) counts as none pending here; the error above says so.
  const eventsPending = (resent?.pending ?? 0) + held;
  if (eventsPending > 0) log.warn('landing events wait in the outbox for the next sync', { eventsPending });
  const answer = { landed: landed.length, bytes, rebuilt, queued, skipped, failed, routes, eventsResent: resent?.resent ?? 0, eventsPending };
  return { answer, landed, totals, exportAges: await exportAges(config, runtime, log) };
}

/**
 * Every run, whatever it synced, reads how stale each namespace is: the
 * daily Enterprise runs keep the namespaces' alarm fed between the weekly
 * DVP runs (CloudWatch cannot count landings over more than 7 days).
 */
async function exportAges(config: FunctionConfig, runtime: LakeRuntime, log: LogSink): Promise<Map<string, number>> {
  const ages = new Map<string, number>();
  for (const namespace of config.namespaces) {
    try {
      const last = await lastExportLanded(runtime.sink, namespace);
      if (last) ages.set(namespace, Math.max(0, Math.floor((runtime.now().getTime() - last.getTime()) / 3_600_000)));
    } catch (error) {
      log.warn('could not read when the namespace last landed an export; the next sync tries again', { namespace, reason: messageOf(error) });
    }
  }
  return ages;
}

/** An org's route under its name, as from the first version; a namespace's as `dvp/{namespace}`. */
function routeKey(scope: ScopeRef): string {
  return scope.source === 'enterprise' ? scope.scope : `${scope.source}/${scope.scope}`;
}

async function fanOut(plan: ScopePlan, runtime: LakeRuntime, log: LogSink, failed: SyncFailure[]): Promise<number> {
  const refused = await runtime.queue!.send(plan.items);
  for (const { item, reason } of refused) {
    failed.push(failureOf(refOf(item), reason, false));
    log.error('could not queue a report; the next sync plans it again', { report: describeItem(item), reason });
  }
  const count = plan.items.length - refused.length;
  log.info('fanned out to the land-report queue', { scope: plan.scope.scope, reports: count, bytes: plan.bytes });
  return count;
}
