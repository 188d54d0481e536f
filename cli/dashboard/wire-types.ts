// What the server and the page say to each other (and a report file holds): types only, no imports, so the
// browser's program (client/tsconfig.json) type-checks against them without Node's.

/** What a view of the dashboard is narrowed to; every field optional (all orgs, all dates...). */
export interface DashboardFilters {
  readonly org?: string;
  readonly namespace?: string;
  /** `YYYY-MM-DD`, inclusive. */
  readonly from?: string;
  /** `YYYY-MM-DD`, inclusive. */
  readonly to?: string;
  readonly repo?: string;
}

/**
 * How a chart draws its result. Time charts put `time` on x and one series
 * per value of `series` (or, without it, one per column of `values`); bar
 * charts put `values[0]` against the label made of the `label` columns.
 */
export type ChartKind = 'stacked-area' | 'lines' | 'stacked-bars' | 'bars';

export interface ChartEncoding {
  readonly time?: string;
  readonly label?: readonly string[];
  readonly values: readonly string[];
  readonly series?: string;
  /** Values are shares (0..1), drawn as percentages. */
  readonly percent?: boolean;
}

/** A chart as the page is told of it. */
export interface ChartInfo {
  readonly id: string;
  readonly title: string;
  readonly source: 'enterprise' | 'dvp';
  readonly table: string;
  /** The table's columns the chart reads, partition columns included. */
  readonly columns: readonly string[];
  readonly kind: ChartKind;
  readonly encoding: ChartEncoding;
  /** Said under the chart: a filter it cannot apply, a column it does without. */
  readonly note?: string;
}

/** A chart the lake's columns cannot make, and why, shown instead of it. */
export interface LeftOutChart {
  readonly id: string;
  readonly title: string;
  readonly source: 'enterprise' | 'dvp';
  readonly note: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface DashboardMeta {
  readonly charts: ChartInfo[];
  readonly leftOut: LeftOutChart[];
  readonly orgs: string[];
  readonly namespaces: string[];
  /** The repositories the filter offers, most often pulled first. */
  readonly repositories: string[];
  /** The first and last period any charted table holds. */
  readonly dates: { readonly first: string | null; readonly last: string | null };
  readonly showUsers: boolean;
}

export interface ChartData {
  readonly id: string;
  /** The statement with the filter's values written in: runs as it is in Athena or `docker-reports query`. */
  readonly sql: string;
  readonly columns: string[];
  readonly rows: JsonValue[][];
}
