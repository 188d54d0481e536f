import { isAuthError, messageOf } from '../errors.js';
import { decide, heldKeys, needsRebuild, readHoldings, type Holding } from '../lake/holdings.js';
import { periodsToRepseudonymize } from '../lake/pseudonymized-copies.js';
import { QUERY_FORMAT } from '../query/query-format.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import { listedBytes, type DatasetRef, type ListedPeriod, type PeriodRef, type ScopedDataset, type SourceId } from '../sources/model.js';
import type { PeriodWindow, Source } from '../sources/source.js';
import { specOf } from '../sources/source-specs.js';
import type { SyncEvent, SyncFailure } from './sync-events.js';
import { refOf, type WorkItem } from './work-item.js';

/** Narrows a source's datasets: only these names (types, views), only these cadences. */
export interface DatasetFilter {
  readonly names?: readonly string[];
  readonly cadences?: readonly string[];
}

/** Which periods a sync looks at. Datasets are discovered; these only narrow them. */
export interface SyncSelection extends PeriodWindow {
  readonly filters?: Partial<Record<SourceId, DatasetFilter>>;
  /** The columns the run pseudonymises: a landed copy written with others is rebuilt. @default none */
  readonly pseudonymize?: readonly string[];
}

export interface PlanSink {
  readonly onEvent: (event: SyncEvent) => void;
  readonly onFailure: (failure: SyncFailure) => void;
  readonly onSkipped: (count: number) => void;
}

/**
 * Discovers everything one scope offers, compares it with what the lake
 * holds, and yields each period to act on as soon as its dataset is planned,
 * so landing starts while listing goes on. A failure of one dataset is
 * reported and the others carry on; a refusal of the scope's credentials ends
 * the scope.
 */
export async function* planScope(source: Source, sink: LakeSink, selection: SyncSelection, report: PlanSink): AsyncGenerator<WorkItem> {
  const { scope } = source;
  const spec = specOf(scope.source);
  const failure = (reason: string, auth: boolean, dataset?: DatasetRef): SyncFailure => ({
    source: scope.source,
    scope: scope.scope,
    ...(dataset ? { dataset: dataset.name, cadence: dataset.cadence } : {}),
    reason,
    auth,
  });
  let offered: DatasetRef[];
  try {
    offered = await source.datasets();
  } catch (error) {
    report.onFailure(failure(messageOf(error), isAuthError(error)));
    return;
  }
  if (offered.length === 0) {
    report.onEvent({ kind: 'notice', message: `${spec.words.scope} ${scope.scope} has nothing to land yet.` });
    return;
  }
  const filter = selection.filters?.[scope.source] ?? {};
  const chosen = offered.filter(
    (d) => (!filter.names?.length || filter.names.includes(d.name)) && (!filter.cadences?.length || filter.cadences.includes(d.cadence)),
  );
  for (const missing of unmatched(filter, offered, spec.words)) {
    const offers = offered.map((d) => `${d.name}/${d.cadence}`).join(', ');
    report.onFailure(failure(`${spec.words.scope} ${scope.scope} offers no ${missing}; it offers ${offers}.`, false));
  }
  for (const dataset of chosen) {
    try {
      yield* planDataset(source, sink, { ...dataset, scope: scope.scope }, selection, report);
    } catch (error) {
      report.onFailure(failure(messageOf(error), isAuthError(error), dataset));
      if (isAuthError(error)) return;
    }
  }
}

async function* planDataset(
  source: Source,
  sink: LakeSink,
  dataset: ScopedDataset,
  window: SyncSelection,
  report: PlanSink,
): AsyncGenerator<WorkItem> {
  const [holdings, listed] = await Promise.all([readHoldings(sink, dataset), listAll(source, dataset, window)]);
  const landed = [...holdings].filter(([, holding]) => holding.landed).map(([period]) => period);
  const repseudonymize = await periodsToRepseudonymize(sink, dataset, landed, window.pseudonymize ?? []);
  const rebuild = (ref: PeriodRef, holding: Holding) => needsRebuild(ref, holding, QUERY_FORMAT.extension) || repseudonymize.has(ref.period);
  const work: WorkItem[] = [];
  let alreadyLanded = 0;
  const listedPeriods = new Set<string>();
  for (const period of listed) {
    listedPeriods.add(period.ref.period);
    const holding = holdings.get(period.ref.period);
    const decision = decide(period, holding);
    if (decision !== 'skip') work.push({ action: decision, period, held: heldKeys(holding) });
    else {
      alreadyLanded += 1;
      if (rebuild(period.ref, holding!)) work.push({ action: 'rebuild', ref: period.ref, held: heldKeys(holding) });
    }
  }
  // Landed periods the source no longer lists (it keeps a month; the lake keeps them) are kept queryable too.
  for (const [period, holding] of holdings) {
    const ref = { ...dataset, period };
    if (!listedPeriods.has(period) && rebuild(ref, holding)) work.push({ action: 'rebuild', ref, held: heldKeys(holding) });
  }
  report.onSkipped(alreadyLanded);
  const landing = work.filter((item) => item.action !== 'rebuild') as Extract<WorkItem, { period: ListedPeriod }>[];
  report.onEvent({
    kind: 'planned',
    dataset,
    toLand: landing.length,
    toLandBytes: landing.reduce((sum, item) => sum + listedBytes(item.period), 0),
    alreadyLanded,
    toRebuild: work.length - landing.length,
  });
  // Oldest first: those are the next the source deletes, and columns then evolve in period order.
  yield* work.sort((a, b) => refOf(a).period.localeCompare(refOf(b).period));
}

async function listAll(source: Source, dataset: ScopedDataset, window: PeriodWindow): Promise<ListedPeriod[]> {
  const periods: ListedPeriod[] = [];
  for await (const page of source.periods(dataset, window)) periods.push(...page);
  return periods;
}

function unmatched(filter: DatasetFilter, offered: readonly DatasetRef[], words: { name: string; cadence: string }): string[] {
  const missing: string[] = [];
  for (const name of filter.names ?? []) {
    if (!offered.some((d) => d.name === name)) missing.push(`${words.name} ${name}`);
  }
  for (const cadence of filter.cadences ?? []) {
    if (!offered.some((d) => d.cadence === cadence)) missing.push(`${words.cadence} ${cadence}`);
  }
  return missing;
}
