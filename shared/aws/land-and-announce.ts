import { ConfigError } from '../errors.js';
import type { LandedPeriod } from '../landing/landing-deps.js';
import { decide, heldKeys, needsRebuild, readHolding } from '../lake/holdings.js';
import { QUERY_FORMAT } from '../query/query-format.js';
import { describePeriod, type ScopeRef } from '../sources/index.js';
import { repseudonymizeItem } from '../sync/repseudonymize.js';
import { runItem } from '../sync/run-item.js';
import { refOf, type WorkItem } from '../sync/work-item.js';
import type { LakeRuntime } from './lake-runtime.js';
import { logLanded, type LogSink } from './sync-telemetry.js';

export type LandingOutcome = { readonly kind: 'landed'; readonly landed: LandedPeriod } | { readonly kind: 'skipped' };

/**
 * Carries out one work item in the stack's lake, unless the lake holds it
 * unchanged by now (a later sync, a duplicate message, another request):
 * lands (and announces on EventBridge) or rebuilds a query copy. The
 * land-report worker runs queued items with it, the API reports asked for
 * before the schedule got to them. Throws when it cannot.
 */
export async function landAndAnnounce(
  item: WorkItem,
  scopes: readonly ScopeRef[],
  runtime: LakeRuntime,
  log: LogSink,
): Promise<LandingOutcome> {
  const ref = refOf(item);
  if (!scopes.some((scope) => scope.source === ref.source && scope.scope === ref.scope)) {
    throw new ConfigError(`A report of ${ref.source} ${ref.scope} was asked for, which this stack does not sync; it was not landed.`);
  }
  const holding = await readHolding(runtime.sink, ref);
  // A rebuild the listing does not call for may still be due: the copy holds other pseudonymised columns.
  const current = reconsider(item, holding) ?? (await repseudonymizeItem(item, runtime.landing));
  if (!current) {
    log.info('already landed; nothing to do', { report: describePeriod(ref) });
    return { kind: 'skipped' };
  }
  const landed = await runItem(current, runtime.sourceFor(ref), runtime.landing);
  if (!landed) return { kind: 'skipped' };
  if (landed.action !== 'rebuilt') await runtime.events.publish(landed);
  logLanded(log, landed);
  return { kind: 'landed', landed };
}

/** The item as the lake stands now: it may have been landed (or rebuilt) since it was planned. */
function reconsider(item: WorkItem, holding: Awaited<ReturnType<typeof readHolding>>): WorkItem | undefined {
  const held = heldKeys(holding);
  if (item.action === 'rebuild') return holding && needsRebuild(item.ref, holding, QUERY_FORMAT.extension) ? { ...item, held } : undefined;
  const decision = decide(item.period, holding);
  return decision === 'skip' ? undefined : { action: decision, period: item.period, held };
}
