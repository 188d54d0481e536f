import { isAuthError, messageOf } from '../../shared/errors.js';
import type { LakeSink } from '../../shared/sinks/lake-sink.js';
import type { ScopeRef, Source } from '../../shared/sources/index.js';
import { itemBytes, planScope, type SyncEvent, type SyncFailure, type SyncSelection, type WorkItem } from '../../shared/sync/index.js';

/** Everything one scope (an org) has to land or rebuild, found before anything is landed. */
export interface ScopePlan {
  readonly scope: ScopeRef;
  readonly items: WorkItem[];
  readonly bytes: number;
  /** Periods the lake already holds unchanged. */
  readonly skipped: number;
  /** Datasets, or the whole scope, that could not be listed. */
  readonly failures: SyncFailure[];
}

export interface PlanDeps {
  readonly sourceFor: (scope: ScopeRef) => Source;
  readonly sink: LakeSink;
  readonly onEvent: (event: SyncEvent) => void;
}

/** Lists what each scope offers against what the lake holds (the engine's planScope), scopes side by side. */
export async function planScopes(scopes: readonly ScopeRef[], selection: SyncSelection, deps: PlanDeps): Promise<ScopePlan[]> {
  return Promise.all(
    scopes.map(async (scope) => {
      const items: WorkItem[] = [];
      const failures: SyncFailure[] = [];
      let skipped = 0;
      let source: Source;
      try {
        source = deps.sourceFor(scope);
      } catch (error) {
        // A scope that cannot be reached (no adapter, no secret configured) fails alone; the other scopes still sync.
        failures.push({ source: scope.source, scope: scope.scope, reason: messageOf(error), auth: isAuthError(error) });
        return { scope, items, bytes: 0, skipped, failures };
      }
      const plan = planScope(source, deps.sink, selection, {
        onEvent: deps.onEvent,
        onFailure: (failure) => failures.push(failure),
        onSkipped: (count) => {
          skipped += count;
        },
      });
      for await (const item of plan) items.push(item);
      const bytes = items.reduce((sum, item) => sum + itemBytes(item), 0);
      return { scope, items, bytes, skipped, failures };
    }),
  );
}

export interface FanOutLimits {
  /** More periods than this go to the queue. */
  readonly aboveReports: number;
  /** More bytes than this go to the queue. */
  readonly aboveBytes: number;
}

export type Route = 'nothing' | 'inline' | 'queue';

/**
 * Where a scope's plan is carried out. A daily run finds a report or two per
 * type: landed here, in one invocation. A first backfill (30 days x every
 * type), a plan whose bytes would not download within one invocation, or a
 * lake's worth of query copies to rebuild goes to the queue, one message per
 * period, landed by workers side by side.
 */
export function routeOf(plan: ScopePlan, mode: 'auto' | 'always' | 'never', limits: FanOutLimits): Route {
  if (plan.items.length === 0) return 'nothing';
  if (mode === 'always') return 'queue';
  if (mode === 'never') return 'inline';
  return plan.items.length > limits.aboveReports || plan.bytes > limits.aboveBytes ? 'queue' : 'inline';
}
