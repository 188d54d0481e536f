import type { LandingDeps } from '../landing/landing-deps.js';
import { heldKeys, readHolding } from '../lake/holdings.js';
import { periodNeedsRepseudonymizing } from '../lake/pseudonymized-copies.js';
import type { WorkItem } from './work-item.js';

/**
 * A rebuild that the lake's listing does not call for but its manifest does:
 * the copy holds other columns as keyed hashes than `deps.pseudonymize` asks
 * for (a queued or planned rebuild, looked at again before it runs).
 * Undefined for anything else.
 */
export async function repseudonymizeItem(item: WorkItem, deps: Pick<LandingDeps, 'sink' | 'pseudonymize'>): Promise<WorkItem | undefined> {
  if (item.action !== 'rebuild') return undefined;
  if (!(await periodNeedsRepseudonymizing(deps.sink, item.ref, item.ref.period, deps.pseudonymize?.columns ?? []))) return undefined;
  const holding = await readHolding(deps.sink, item.ref);
  return holding?.landed ? { ...item, held: heldKeys(holding) } : undefined;
}
