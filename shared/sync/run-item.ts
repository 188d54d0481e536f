import { landPeriod } from '../landing/land-period.js';
import type { LandedPeriod, LandingDeps } from '../landing/landing-deps.js';
import { rebuildPeriod } from '../landing/rebuild-period.js';
import { reserveColumnTurn, type ColumnTurn } from '../lake/columns-in-call-order.js';
import { decide, heldKeys, needsRebuild, readHolding, type Holding } from '../lake/holdings.js';
import { QUERY_FORMAT } from '../query/query-format.js';
import type { Source } from '../sources/source.js';
import { repseudonymizeItem } from './repseudonymize.js';
import { refOf, type WorkItem } from './work-item.js';

/**
 * Carries out one work item under its period's lease: lands (or replaces) a
 * period from its source, or rebuilds its query copy. With the lease held,
 * the lake is looked at again: another run (or request) may have landed the
 * period since it was planned, and then there is nothing to do (undefined).
 */
export async function runItem(item: WorkItem, source: Source, deps: LandingDeps): Promise<LandedPeriod | undefined> {
  const ref = refOf(item);
  // Taken now, before the lease and the lake are awaited: the table's columns are planned in the order landings start.
  // A landing that must wait for another's lease gives its turn up (the other, maybe of this process, may need the
  // turns before it to pass) and takes a new one once it holds the lease.
  let columnTurn: ColumnTurn | undefined = reserveColumnTurn(deps.catalog, ref);
  const giveUpTurn = () => {
    columnTurn?.release();
    columnTurn = undefined;
  };
  try {
    return await deps.leases.hold(
      ref,
      async (lease) => {
        columnTurn ??= reserveColumnTurn(deps.catalog, ref);
        const current = reconsider(item, await readHolding(deps.sink, ref)) ?? (await repseudonymizeItem(item, deps));
        if (!current) return undefined;
        if (current.action === 'rebuild') return rebuildPeriod({ ...current, lease, columnTurn }, deps);
        return landPeriod(source, { period: current.period, replace: current.action === 'replace', held: current.held, lease, columnTurn }, deps);
      },
      { onWait: giveUpTurn },
    );
  } finally {
    giveUpTurn();
  }
}

/** The item as the lake stands now. */
export function reconsider(item: WorkItem, holding: Holding | undefined): WorkItem | undefined {
  const held = heldKeys(holding);
  if (item.action === 'rebuild') return holding && needsRebuild(item.ref, holding, QUERY_FORMAT.extension) ? { ...item, held } : undefined;
  const decision = decide(item.period, holding);
  return decision === 'skip' ? undefined : { action: decision, period: item.period, held };
}
