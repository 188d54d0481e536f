import type { DatasetRef, PeriodRef, SourceId } from './model.js';

/**
 * How one source's datasets are named in the lake, its tables and its
 * events. Plain data with no SDK behind it: the CDK app reads it too.
 */
export interface SourceSpec {
  readonly id: SourceId;
  /** The audit tree's root folder, and the query tree's subfolder. */
  readonly root: string;
  /** The scope's path key and partition column: `org`, `namespace`. */
  readonly scopeKey: string;
  /** The period's path key: `date`, `period_start`. */
  readonly periodKey: string;
  /** The period's partition column in Glue and DuckDB (`date` is reserved in Athena DDL). */
  readonly periodColumn: string;
  /** What people call the parts of a dataset: for messages and help. */
  readonly words: { readonly scope: string; readonly name: string; readonly cadence: string };
  /** Prefix of the source's table names. */
  readonly tablePrefix: string;
  /** The audit file name of a period's file `index` (0-based); `gzip` when the bytes are gzip. */
  auditFileName(ref: PeriodRef, index: number, gzip: boolean): string;
  /** The event detail's fields that name a period, as consumers already match on them. */
  eventIdentity(ref: PeriodRef): Readonly<Record<string, string>>;
}

const enterprise: SourceSpec = {
  id: 'enterprise',
  root: 'enterprise',
  scopeKey: 'org',
  periodKey: 'date',
  periodColumn: 'report_date',
  words: { scope: 'org', name: 'type', cadence: 'cadence' },
  tablePrefix: '',
  // One file per report, named as Docker's guide names its download.
  auditFileName: (ref) => `${ref.name}_${ref.cadence}_${ref.period}.csv`,
  eventIdentity: (ref) => ({ org: ref.scope, report_type: ref.name, cadence: ref.cadence, date: ref.period }),
};

const dvp: SourceSpec = {
  id: 'dvp',
  root: 'dvp',
  scopeKey: 'namespace',
  periodKey: 'period_start',
  periodColumn: 'period_start',
  words: { scope: 'namespace', name: 'view', cadence: 'timespan' },
  tablePrefix: 'dvp_',
  // An export may be split into several files; kept as served, gzip or not.
  auditFileName: (_ref, index, gzip) => `part-${String(index).padStart(3, '0')}.csv${gzip ? '.gz' : ''}`,
  eventIdentity: (ref) => ({ namespace: ref.scope, view: ref.name, timespan: ref.cadence, period_start: ref.period }),
};

export const SOURCE_SPECS: Readonly<Record<SourceId, SourceSpec>> = { enterprise, dvp };

export function specOf(source: SourceId): SourceSpec {
  return SOURCE_SPECS[source];
}

/**
 * The table (Glue) and view (DuckDB) of a dataset: `usage_pulls_daily`,
 * `dvp_repo_summary_monthly`; '-' turned into '_' so SQL needs no quoting.
 */
export function tableName(dataset: DatasetRef): string {
  return `${specOf(dataset.source).tablePrefix}${dataset.name}_${dataset.cadence}`.replace(/-/g, '_');
}

/** The partition columns of a source's tables, in path order. */
export function partitionColumns(source: SourceId): readonly [string, string] {
  const spec = specOf(source);
  return [spec.scopeKey, spec.periodColumn];
}
