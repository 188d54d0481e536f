import { readHoldings } from '../lake/holdings.js';
import { manifestKey } from '../lake/layout.js';
import { parseManifest } from '../lake/manifest.js';
import { datasetOfTable, lakeTables } from '../lake/table-catalog.js';
import type { LakeSink } from '../sinks/lake-sink.js';

/**
 * When a DVP namespace last had an export landed: the newest `fetched_at` of
 * the newest landed period of each of its datasets in the lake (one listing
 * per dataset and one small read), or undefined when none ever landed. What
 * the "no export landed" alarm is about, read from the lake itself, so a run
 * that lands nothing still reports how stale the namespace is.
 */
export async function lastExportLanded(sink: LakeSink, namespace: string): Promise<Date | undefined> {
  const datasets = (await lakeTables(sink)).map(datasetOfTable).filter((dataset) => dataset.source === 'dvp');
  const times = await Promise.all(
    datasets.map(async (dataset) => {
      const scoped = { ...dataset, scope: namespace };
      const landed = [...(await readHoldings(sink, scoped))].filter(([, holding]) => holding.landed).map(([period]) => period).sort();
      const newest = landed.at(-1);
      if (newest === undefined) return undefined;
      const text = await sink.read(manifestKey({ ...scoped, period: newest }));
      return text === undefined ? undefined : new Date(parseManifest(text).fetched_at);
    }),
  );
  const known = times.filter((time): time is Date => time !== undefined && !Number.isNaN(time.getTime()));
  return known.length === 0 ? undefined : new Date(Math.max(...known.map((time) => time.getTime())));
}
