import { gzipSync } from 'node:zlib';
import { csvRow } from '../csv-row.js';
import { mixSeeds, seedOf } from '../prng.js';
import type { DvpExport } from './dvp-controls.js';
import {
  DEFAULT_FILES_PER_EXPORT,
  DEFAULT_RAW_FILES_PER_EXPORT,
  DEFAULT_RAW_ROWS_PER_FILE,
  DEFAULT_ROWS_PER_FILE,
  DVP_TIMESPANS,
  DVP_VIEWS,
  type DvpTimespan,
  type DvpView,
  type ResolvedDvpNamespace,
  type ResolvedDvpOptions,
} from './dvp-options.js';
import { periodsOf, type DvpPeriod } from './dvp-periods.js';
import { columnsOf, rowValues } from './dvp-views.js';

/** One file of an export, with its bytes as served. */
export interface BuiltFile {
  readonly body: Buffer;
  readonly gzip: boolean;
  readonly headerRepeated: boolean;
  readonly rows: number;
}

/** An export's content: the same for a period whenever it is asked for. */
export interface BuiltExport {
  readonly columns: readonly string[];
  readonly rows: number;
  readonly files: readonly BuiltFile[];
}

/** A storage object the catalog resolved from its key. */
export interface DvpObject {
  readonly namespace: string;
  readonly period: DvpPeriod;
  readonly file: BuiltFile;
  /** 0-based index of the file in its export. */
  readonly index: number;
}

/** Exports kept built between requests; beyond this the least recently used are built again when asked. */
const CACHED_EXPORTS = 256;
const OBJECT_KEY = /^dvp\/([a-z0-9][a-z0-9_-]*)\/([a-z-]+)\/(weeks|months)\/(\d{4})\/(\d{1,2})\/pulls-(\d{3})\.csv(\.gz)?$/;

/**
 * What each DVP namespace has: its periods (following the clock, as Docker's
 * list grows week by week) and, for each view and period, files whose bytes
 * depend only on the namespace, view and period, so they are the same across
 * requests, runs and processes.
 */
export class DvpCatalog {
  private readonly byName: ReadonlyMap<string, ResolvedDvpNamespace>;
  /** The day from which each namespace's added column appears, fixed at start so a period's header never changes. */
  private readonly addedFrom = new Map<string, { name: string; fromDay: number }>();
  private readonly built = new Map<string, BuiltExport>();

  constructor(
    readonly options: ResolvedDvpOptions,
    private readonly now: () => Date,
  ) {
    this.byName = new Map(options.namespaces.map((ns) => [ns.namespace, ns]));
    for (const ns of options.namespaces) {
      if (ns.addColumnFromWeek === undefined) continue;
      const week = periodsOf({ ...ns, empty: false }, now()).weeks[ns.addColumnFromWeek - 1];
      if (week) this.addedFrom.set(ns.namespace, { name: ns.addedColumn, fromDay: week.startDay });
    }
  }

  namespace(name: string): ResolvedDvpNamespace | undefined {
    return this.byName.get(name);
  }

  /** The periods of a timespan the namespace has now, oldest first. */
  periods(name: string, timespan: DvpTimespan): DvpPeriod[] {
    const ns = this.byName.get(name);
    if (!ns) return [];
    const { weeks, months } = periodsOf(ns, this.now());
    return timespan === 'weeks' ? weeks : months;
  }

  /** The years with any export, ascending. */
  years(name: string): number[] {
    const years = DVP_TIMESPANS.flatMap((timespan) => this.periods(name, timespan).map((period) => period.year));
    return [...new Set(years)].sort((a, b) => a - b);
  }

  find(name: string, timespan: DvpTimespan, year: number, n: number): DvpPeriod | undefined {
    return this.periods(name, timespan).find((period) => period.year === year && period.n === n);
  }

  /** The export of one view and period (built on first use, then kept a while). */
  build(name: string, view: DvpView, period: DvpPeriod): BuiltExport {
    const ns = this.require(name);
    const id = `${name}/${view}/${period.timespan}/${period.year}/${period.n}`;
    const cached = this.built.get(id);
    if (cached) {
      // Re-inserted so the Map's order is least recently used first.
      this.built.delete(id);
      this.built.set(id, cached);
      return cached;
    }
    const made = buildExport(ns, view, period, seedOf(`dvp/${id}`), this.addedFrom.get(name));
    this.built.set(id, made);
    for (const oldest of this.built.keys()) {
      if (this.built.size <= CACHED_EXPORTS) break;
      this.built.delete(oldest);
    }
    return made;
  }

  /** Every export the namespace has now: weeks then months, oldest first, view by view. */
  exports(name: string): DvpExport[] {
    const ns = this.require(name);
    return DVP_TIMESPANS.flatMap((timespan) =>
      this.periods(name, timespan).flatMap((period) =>
        ns.views.map((view): DvpExport => {
          const built = this.build(name, view, period);
          return {
            view,
            timespan,
            year: period.year,
            n: period.n,
            periodStart: period.start,
            periodEnd: period.end,
            columns: built.columns,
            rows: built.rows,
            files: built.files.map(({ body, gzip, headerRepeated }) => ({ size: body.length, gzip, headerRepeated })),
          };
        }),
      ),
    );
  }

  /** The storage key of file `index` (0-based) of an export. */
  objectKey(name: string, view: DvpView, period: DvpPeriod, index: number, gzip: boolean): string {
    const file = `pulls-${String(index + 1).padStart(3, '0')}.csv${gzip ? '.gz' : ''}`;
    return `dvp/${name}/${view}/${period.timespan}/${period.year}/${period.n}/${file}`;
  }

  /**
   * The object at a storage key, if the namespace still has that export. A
   * URL can outlive its period as the clock moves on: S3 then has no such key.
   */
  object(key: string): DvpObject | undefined {
    const match = OBJECT_KEY.exec(key);
    if (!match) return undefined;
    const [, name, view, timespan, year, n, index, gz] = match as unknown as [string, string, string, DvpTimespan, string, string, string, string?];
    const ns = this.byName.get(name);
    if (!ns || !ns.views.includes(view as DvpView)) return undefined;
    const period = this.find(name, timespan, Number(year), Number(n));
    if (!period) return undefined;
    const file = this.build(name, view as DvpView, period).files[Number(index) - 1];
    if (!file || file.gzip !== (gz !== undefined)) return undefined;
    return { namespace: name, period, file, index: Number(index) - 1 };
  }

  private require(name: string): ResolvedDvpNamespace {
    const ns = this.byName.get(name);
    if (!ns) throw new Error(`simulator: no DVP namespace ${name}; it simulates ${[...this.byName.keys()].join(', ') || 'none'}.`);
    return ns;
  }
}

/** Whether a DVP view name is one the simulator knows. */
export function isDvpView(view: string): view is DvpView {
  return (DVP_VIEWS as readonly string[]).includes(view);
}

/**
 * Splits an export's rows into files: every file but the last holds
 * `rowsPerFile` rows, the last two thirds to all of that. The first file
 * starts with the header; later ones repeat it or not, alternating with the
 * file's position and the period's number, so any export of three or more
 * files, and consecutive periods of two-file exports, show both cases.
 */
function buildExport(
  ns: ResolvedDvpNamespace,
  view: DvpView,
  period: DvpPeriod,
  seed: number,
  added: { name: string; fromDay: number } | undefined,
): BuiltExport {
  const columns = columnsOf(view, period.startDay, added);
  const header = csvRow(columns);
  const fileCount = ns.filesPerExport ?? (view === 'raw' ? DEFAULT_RAW_FILES_PER_EXPORT : DEFAULT_FILES_PER_EXPORT);
  const perFile = ns.rowsPerFile ?? (view === 'raw' ? DEFAULT_RAW_ROWS_PER_FILE : DEFAULT_ROWS_PER_FILE);
  const lastFile = perFile - (seed % (Math.floor(perFile / 3) + 1));
  const files: BuiltFile[] = [];
  let row = 0;
  for (let index = 0; index < fileCount; index += 1) {
    const rows = index === fileCount - 1 ? lastFile : perFile;
    const headerRepeated = index === 0 || (index + period.n) % 2 === 0;
    const lines: string[] = headerRepeated ? [header] : [];
    for (let i = 0; i < rows; i += 1, row += 1) lines.push(csvRow(rowValues(columns, mixSeeds(seed, row), ns.namespace, period)));
    const csv = Buffer.from(lines.join(''), 'utf8');
    // gzip's header holds no time unless given one, so the bytes are the same on every build.
    files.push({ body: ns.gzip ? gzipSync(csv) : csv, gzip: ns.gzip, headerRepeated, rows });
  }
  return { columns, rows: row, files };
}
