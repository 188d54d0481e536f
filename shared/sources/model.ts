/**
 * What the lake holds, in words of its own rather than any API's: a *source*
 * (an upstream API), a *scope* within it (an org, a namespace), a *dataset*
 * the scope offers (a report type and cadence; a view and timespan), a
 * *period* of that dataset (the date it starts), and the files the source
 * listed for it. Sync, landing, holdings, manifests, queue messages, events
 * and table names are written once over this model; only a source adapter
 * knows its API's own words.
 */
export const SOURCE_IDS = ['enterprise', 'dvp'] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

/** One scope of one source: an Enterprise org, a DVP namespace. */
export interface ScopeRef {
  readonly source: SourceId;
  readonly scope: string;
}

/** A dataset as a source offers it, independent of scope. */
export interface DatasetRef {
  readonly source: SourceId;
  /** Report type (`usage_pulls`) or view (`repo-summary`). */
  readonly name: string;
  /** `daily`, `weekly`, `monthly`. */
  readonly cadence: string;
}

/** One dataset of one scope: what a table partition of the lake holds for a scope. */
export interface ScopedDataset extends DatasetRef {
  readonly scope: string;
}

/** One period of a scoped dataset: what one manifest describes. */
export interface PeriodRef extends ScopedDataset {
  /** The period's first day, `YYYY-MM-DD`. */
  readonly period: string;
}

/** A file as the source listed it, before anything was downloaded. */
export interface ListedFile {
  /** The source's own name for the file (Enterprise: its `Key`; DVP: the export's file name). */
  readonly upstreamKey: string;
  /** The size the source listed; a body of another length is refused. */
  readonly sizeBytes: number;
}

/** A period and its files, as listed upstream. */
export interface ListedPeriod {
  readonly ref: PeriodRef;
  readonly files: readonly ListedFile[];
}

/** `acme/usage_pulls/daily/2026-06-16`: a period in messages and logs. */
export function describePeriod(ref: PeriodRef): string {
  return `${ref.scope}/${ref.name}/${ref.cadence}/${ref.period}`;
}

/** `acme/usage_pulls/daily`: a scoped dataset in messages and logs. */
export function describeDataset(ref: ScopedDataset): string {
  return `${ref.scope}/${ref.name}/${ref.cadence}`;
}

export function sameDataset(a: DatasetRef, b: DatasetRef): boolean {
  return a.source === b.source && a.name === b.name && a.cadence === b.cadence;
}

export function listedBytes(period: ListedPeriod): number {
  return period.files.reduce((sum, file) => sum + file.sizeBytes, 0);
}
