import { landPeriod } from '../landing/land-period.js';
import type { LandedPeriod, LandingDeps } from '../landing/landing-deps.js';
import { rebuildPeriod } from '../landing/rebuild-period.js';
import type { Source } from '../sources/source.js';
import type { WorkItem } from './work-item.js';

/** Carries out one work item: lands (or replaces) a period from its source, or rebuilds its query copy. */
export function runItem(item: WorkItem, source: Source, deps: LandingDeps): Promise<LandedPeriod | undefined> {
  if (item.action === 'rebuild') return rebuildPeriod(item, deps);
  return landPeriod(source, { period: item.period, replace: item.action === 'replace', held: item.held }, deps);
}
