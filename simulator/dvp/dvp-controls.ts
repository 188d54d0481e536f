import { isDvpView, type DvpCatalog } from './dvp-catalog.js';
import type { DvpTimespan, DvpView } from './dvp-options.js';

/** One file of an export, as the files endpoint lists it. */
export interface DvpExportFile {
  /** Bytes as served (compressed when `gzip`): the `size` the API lists. */
  readonly size: number;
  readonly gzip: boolean;
  /** The file starts with the header line. Always true for the first file; later files alternate. */
  readonly headerRepeated: boolean;
}

/** One export: a view of one period, split into files. */
export interface DvpExport {
  readonly view: DvpView;
  readonly timespan: DvpTimespan;
  /** The ISO week-year for weeks (2026 for week 1 starting 2025-12-29), the calendar year for months. */
  readonly year: number;
  /** The week (1..53) or month (1..12) number. */
  readonly n: number;
  /** The period's first day: the week's Monday, or the month's first day. */
  readonly periodStart: string;
  /** The period's last day: the week's Sunday, or the month's last day. */
  readonly periodEnd: string;
  /** The CSV header's column names, as written (some in Title Case with spaces, as Docker's are). */
  readonly columns: readonly string[];
  /** Data rows across all files, headers not counted. */
  readonly rows: number;
  readonly files: readonly DvpExportFile[];
}

/** The DVP side of the simulator, for tests: switches, and what it serves. */
export interface DvpControls {
  /**
   * From now on `POST /v2/users/login` answers `status` (404 by default, or
   * 410 Gone), as the day Docker retires it: a client must fall back to
   * `POST /v2/auth/token`.
   */
  retireLogin(status?: 404 | 410): DvpControls;
  /** `POST /v2/users/login` works again. */
  restoreLogin(): DvpControls;
  /** Every export the namespace has now (by the clock), weeks then months, oldest first, view by view. */
  exports(namespace: string): DvpExport[];
  /** The exact bytes the storage serves for file `index` (0-based) of an export. */
  fileBody(namespace: string, view: string, timespan: DvpTimespan, year: number, n: number, index: number): Buffer;
  /** Data rows across the export's files (repeated headers not counted). */
  rows(namespace: string, view: string, timespan: DvpTimespan, year: number, n: number): number;
}

/** The controls over a catalog; `setRetired` switches the login's answer. */
export function dvpControls(catalog: DvpCatalog, setRetired: (status: 404 | 410 | undefined) => void): DvpControls {
  const exportOf = (namespace: string, view: string, timespan: DvpTimespan, year: number, n: number) => {
    const ns = catalog.namespace(namespace);
    if (!ns) throw new Error(`simulator: no DVP namespace ${namespace}; it simulates ${catalog.options.namespaces.map((x) => x.namespace).join(', ') || 'none'}.`);
    if (!isDvpView(view) || !ns.views.includes(view)) throw new Error(`simulator: namespace ${namespace} has no view ${view}; it offers ${ns.views.join(', ')}.`);
    const period = catalog.find(namespace, timespan, year, n);
    if (!period) throw new Error(`simulator: namespace ${namespace} has no export for ${timespan} ${n} of ${year} now.`);
    return catalog.build(namespace, view, period);
  };
  const controls: DvpControls = {
    retireLogin(status = 404) {
      setRetired(status);
      return controls;
    },
    restoreLogin() {
      setRetired(undefined);
      return controls;
    },
    exports: (namespace) => catalog.exports(namespace),
    fileBody(namespace, view, timespan, year, n, index) {
      const file = exportOf(namespace, view, timespan, year, n).files[index];
      if (!file) throw new Error(`simulator: that export has no file ${index} (files are numbered from 0).`);
      // A copy: the catalog's buffer is what the storage serves next.
      return Buffer.from(file.body);
    },
    rows: (namespace, view, timespan, year, n) => exportOf(namespace, view, timespan, year, n).rows,
  };
  return controls;
}
