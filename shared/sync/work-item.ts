import { listedBytes, type ListedPeriod, type PeriodRef } from '../sources/model.js';

/**
 * One period a sync acts on: `land` one the lake does not hold, `replace` one
 * it holds with other files, or `rebuild` the query copy of one it holds
 * (from the audit files, without the source). `held` is what the lake holds
 * of the period now; what the new landing does not name goes.
 */
export type WorkItem =
  | { readonly action: 'land' | 'replace'; readonly period: ListedPeriod; readonly held: readonly string[] }
  | { readonly action: 'rebuild'; readonly ref: PeriodRef; readonly held: readonly string[] };

export function refOf(item: WorkItem): PeriodRef {
  return item.action === 'rebuild' ? item.ref : item.period.ref;
}

/** Bytes a work item downloads: none for a rebuild. */
export function itemBytes(item: WorkItem): number {
  return item.action === 'rebuild' ? 0 : listedBytes(item.period);
}
