import pLimit from 'p-limit';
import { isAuthError, messageOf } from '../errors.js';
import type { LandedPeriod, LandingDeps } from '../landing/landing-deps.js';
import type { PeriodLeases } from '../lease/period-leases.js';
import type { TableCatalog } from '../lake/table-catalog.js';
import type { DuckDbEngine } from '../query/duckdb-engine.js';
import type { Pseudonymization } from '../query/pseudonymize.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import { describePeriod, type ScopeRef } from '../sources/model.js';
import type { Source } from '../sources/source.js';
import { planScope, type SyncSelection } from './plan.js';
import { runItem } from './run-item.js';
import { failureOf, type SyncEvent, type SyncFailure, type SyncSummary } from './sync-events.js';
import { itemBytes, refOf, type WorkItem } from './work-item.js';

export interface SyncOptions extends SyncSelection {
  /** The orgs and namespaces to sync. */
  readonly scopes: readonly ScopeRef[];
  /** Periods landed at once, across all scopes. @default 4 */
  readonly concurrency?: number;
}

export interface SyncDeps {
  readonly sourceFor: (scope: ScopeRef) => Source;
  readonly sink: LakeSink;
  readonly catalog: TableCatalog;
  readonly engine: DuckDbEngine;
  /** One landing of a period at a time, across runs sharing the lake. */
  readonly leases: PeriodLeases;
  readonly now: () => Date;
  /** Longest silence in a download before it is given up. @default 60 000 */
  readonly idleTimeoutMs?: number;
  readonly onEvent?: (event: SyncEvent) => void;
  /**
   * Awaited after each landing, before the period counts as landed (the stack
   * publishes its EventBridge event here). If it throws, the period is failed.
   */
  readonly afterLanding?: (landed: LandedPeriod) => Promise<void>;
  /** Columns the query copies hold as keyed hashes; copies landed with others are rebuilt. @default none */
  readonly pseudonymize?: Pseudonymization;
}

export const DEFAULT_CONCURRENCY = 4;

/**
 * The sync: for each scope, discover every dataset, list its periods (or
 * those selected), and land whatever the lake does not hold or holds with
 * other files, rebuild query copies the lake is missing, a bounded number at
 * a time. Failures are collected, never thrown: one bad period does not stop
 * the others.
 */
export async function syncLake(options: SyncOptions, deps: SyncDeps): Promise<SyncSummary> {
  const emit = deps.onEvent ?? (() => undefined);
  const summary = { landed: [] as LandedPeriod[], rebuilt: [] as LandedPeriod[], skipped: 0, failed: [] as SyncFailure[] };
  const fail = (failure: SyncFailure) => {
    summary.failed.push(failure);
    emit({ kind: 'failed', failure });
  };

  const removed = await deps.sink.prepare();
  if (removed > 0) emit({ kind: 'notice', message: `removed ${removed} unfinished file(s) an interrupted run left behind.` });

  const limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  /** Scopes whose credentials the source refused mid-run: their other periods are not tried. */
  const refused = new Map<string, string>();
  const run = async (source: Source, item: WorkItem) => {
    const ref = refOf(item);
    const blocked = refused.get(source.scope.scope);
    if (blocked) {
      fail(failureOf(ref, blocked, true));
      return;
    }
    emit({ kind: 'landing', ref, bytes: itemBytes(item) });
    try {
      const result = await runItem(item, source, landingDeps(deps, emit));
      if (!result) {
        // Another run landed it while this one waited for it, or since planning.
        summary.skipped += 1;
        emit({ kind: 'notice', message: `${describePeriod(ref)} was landed by another run meanwhile.` });
        return;
      }
      if (result.action === 'rebuilt') summary.rebuilt.push(result);
      else {
        await deps.afterLanding?.(result);
        summary.landed.push(result);
      }
      emit({ kind: 'landed', landed: result });
    } catch (error) {
      if (isAuthError(error)) refused.set(source.scope.scope, messageOf(error));
      fail(failureOf(ref, messageOf(error), isAuthError(error)));
    }
  };

  await Promise.all(
    options.scopes.map(async (scope) => {
      const source = deps.sourceFor(scope);
      const tasks: Promise<void>[] = [];
      const plan = planScope(source, deps.sink, { ...options, pseudonymize: deps.pseudonymize?.columns }, {
        onEvent: emit,
        onFailure: fail,
        onSkipped: (count) => {
          summary.skipped += count;
        },
      });
      for await (const item of plan) {
        emit({ kind: 'queued', item });
        tasks.push(limit(() => run(source, item)));
      }
      await Promise.all(tasks);
    }),
  );
  return summary satisfies SyncSummary;
}

function landingDeps(deps: SyncDeps, emit: (event: SyncEvent) => void): LandingDeps {
  return {
    sink: deps.sink,
    catalog: deps.catalog,
    engine: deps.engine,
    leases: deps.leases,
    now: deps.now,
    idleTimeoutMs: deps.idleTimeoutMs ?? 60_000,
    onBytes: (count) => emit({ kind: 'bytes', count }),
    onRetry: (ref, attempt, reason) => emit({ kind: 'retry', what: `landing ${describePeriod(ref)}`, attempt, reason }),
    pseudonymize: deps.pseudonymize,
  };
}
