import { ConfigError } from '../errors.js';
import type { LandedPeriod } from '../landing/landing-deps.js';
import { describePeriod, type ScopeRef } from '../sources/index.js';
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
  const landed = await runItem(item, runtime.sourceFor(ref), runtime.landing);
  if (!landed) {
    log.info('already landed; nothing to do', { report: describePeriod(ref) });
    return { kind: 'skipped' };
  }
  if (landed.action !== 'rebuilt') await runtime.events.publish(landed);
  logLanded(log, landed);
  return { kind: 'landed', landed };
}
