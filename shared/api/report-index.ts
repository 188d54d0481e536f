import { NotFoundError } from '../errors.js';
import { readHoldings, type Holding } from '../lake/holdings.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import type { DatasetRef, ListedPeriod, ScopedDataset } from '../sources/model.js';
import type { Source } from '../sources/source.js';

/** One period as the API knows it: what the source lists, what the lake holds, or both. */
export interface IndexedReport {
  readonly date: string;
  readonly upstream: ListedPeriod | undefined;
  readonly holding: Holding | undefined;
}

/**
 * Every period of a scope's dataset, newest first: the source's listing
 * joined with what the lake holds, which keeps periods long after the source
 * deletes them. Without a source (a local lake with no credentials), the lake alone.
 */
export async function reportIndex(sink: LakeSink, upstream: Source | undefined, dataset: ScopedDataset): Promise<IndexedReport[]> {
  const [holdings, listed] = await Promise.all([readHoldings(sink, dataset), listUpstream(upstream, dataset)]);
  const byDate = new Map(listed.map((period) => [period.ref.period, period]));
  const landed = [...holdings].filter(([, holding]) => holding.landed).map(([date]) => date);
  return [...new Set([...byDate.keys(), ...landed])]
    .sort()
    .reverse()
    .map((date) => ({ date, upstream: byDate.get(date), holding: holdings.get(date) }));
}

/** Every period the source lists of a dataset; none without a source, or when it no longer offers the dataset (the lake still answers). */
export async function listUpstream(source: Source | undefined, dataset: DatasetRef): Promise<ListedPeriod[]> {
  if (!source) return [];
  const periods: ListedPeriod[] = [];
  try {
    for await (const page of source.periods(dataset)) periods.push(...page);
  } catch (error) {
    // The source no longer offering a dataset the lake holds is not an error here.
    if (!(error instanceof NotFoundError)) throw error;
  }
  return periods;
}
