import { median } from './measure.js';

/** One row of the printed table. */
export interface Row {
  readonly scenario: string;
  readonly contestant: string;
  /** Median wall time over the rounds, ms. */
  readonly wallMs: number;
  /** MB/s, where the scenario moves a known amount of data. */
  readonly throughput?: number;
  readonly peakRssMb?: number;
  /** The target this row is judged against, and whether it is met. */
  readonly verdict?: string;
  readonly note?: string;
}

export function summarize(walls: readonly number[], rss: readonly number[], megabytes?: number) {
  const wallMs = median(walls);
  return {
    wallMs,
    throughput: megabytes === undefined ? undefined : megabytes / (wallMs / 1000),
    peakRssMb: rss.length ? Math.max(...rss) : undefined,
  };
}

export function markdownTable(rows: readonly Row[]): string {
  const header = '| scenario | contestant | median wall | throughput | peak RSS | verdict | note |';
  const rule = '|---|---|---:|---:|---:|---|---|';
  const fmt = (value: number | undefined, digits: number, unit: string) =>
    value === undefined || Number.isNaN(value) ? '' : `${value.toFixed(digits)} ${unit}`;
  const lines = rows.map((row) =>
    [
      row.scenario,
      row.contestant,
      fmt(row.wallMs / 1000, 2, 's'),
      fmt(row.throughput, 0, 'MB/s'),
      fmt(row.peakRssMb, 0, 'MB'),
      row.verdict ?? '',
      row.note ?? '',
    ].join(' | '),
  );
  return [header, rule, ...lines.map((line) => `| ${line} |`)].join('\n');
}
