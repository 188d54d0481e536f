import pLimit from 'p-limit';
import type { DvpClient, DvpExportRef } from '../../docker/dvp-client.js';
import { isDvpTimespan, type DvpExportFile, type DvpTimespan } from '../../docker/dvp-payloads.js';
import { IntegrityError, UpstreamHttpError, UpstreamPayloadError } from '../../errors.js';
import type { DatasetRef, ListedFile, ListedPeriod, PeriodRef, ScopeRef } from '../model.js';
import type { FileDownload, PeriodWindow, Source, SourceColumns } from '../source.js';
import { dvpColumns } from './dvp-columns.js';
import { CADENCE_OF, TIMESPAN_OF, exportOfPeriod, isDvpCadence, lastPeriodStartOf, periodStart } from './dvp-periods.js';

/** Export listings asked at once while a year's periods are listed. */
const LISTING_CONCURRENCY = 4;
/** How many times a file is asked for with a freshly listed URL after the storage refused one. */
const URL_ATTEMPTS = 3;

/**
 * Docker's DVP Data API as a source: a namespace is the scope, a view and
 * timespan a dataset (`raw`, `weekly`), an ISO week or a month a period,
 * whose export may be split into several files. Columns come from the first
 * file's header. A file is always opened from a freshly listed URL (they are
 * signed and expire), never with the Hub JWT.
 */
export class DvpSource implements Source {
  readonly scope: ScopeRef;

  constructor(private readonly client: DvpClient) {
    this.scope = { source: 'dvp', scope: client.namespace };
  }

  /** Every view in every timespan the namespace offers; none when it has no export yet. */
  async datasets(): Promise<DatasetRef[]> {
    const described = await this.client.describeNamespace();
    // Exports exist for the `pulls` dataset only (`/pulls/exports/...`).
    const pulls = described.datasets.filter((dataset) => dataset.name === 'pulls');
    if (pulls.length === 0 || (await this.client.years()).length === 0) return [];
    const found = new Map<string, DatasetRef>();
    for (const dataset of pulls) {
      for (const timespan of dataset.timespans.filter(isDvpTimespan)) {
        for (const view of dataset.views) {
          const ref: DatasetRef = { source: 'dvp', name: view, cadence: CADENCE_OF[timespan] };
          found.set(`${ref.name}/${ref.cadence}`, ref);
        }
      }
    }
    return [...found.values()];
  }

  /** A year of periods per page, newest first; weeks and months with no file for the view are not periods. */
  async *periods(dataset: DatasetRef, window: PeriodWindow = {}): AsyncIterable<ListedPeriod[]> {
    const timespan = this.timespanOf(dataset);
    const years = [...new Set(await this.client.years())].sort((a, b) => b - a);
    const limit = pLimit(LISTING_CONCURRENCY);
    for (const year of years) {
      // Every period of this year (and so of older ones) starts before `since`.
      if (window.since && lastPeriodStartOf(timespan, year) < window.since) return;
      const starts = [...new Set(await this.client.timespans(year, timespan))]
        .map((n) => ({ n, period: this.periodOf(timespan, year, n) }))
        .filter(({ period }) => !window.since || period >= window.since)
        .sort((a, b) => b.period.localeCompare(a.period));
      if (window.latest) {
        for (const { n, period } of starts) {
          const listed = await this.listPeriod(dataset, { year, timespan, n, view: dataset.name }, period);
          if (listed) {
            yield [listed];
            return;
          }
        }
        continue;
      }
      const listed = await Promise.all(
        starts.map(({ n, period }) => limit(() => this.listPeriod(dataset, { year, timespan, n, view: dataset.name }, period))),
      );
      const kept = listed.filter((period): period is ListedPeriod => period !== undefined);
      if (kept.length > 0) yield kept;
    }
  }

  async columns(_period: ListedPeriod, header: () => Promise<readonly string[]>): Promise<SourceColumns> {
    return dvpColumns(await header());
  }

  /**
   * Lists the period's export again for a fresh signed URL, then fetches file
   * `index` from it; a URL the storage refuses (expired) is listed afresh.
   * A short or broken body is the landing's to retry: it calls here again.
   */
  async open(period: ListedPeriod, index: number): Promise<FileDownload> {
    const ref = this.exportOf(period.ref);
    const listed = period.files[index];
    if (!listed) throw new RangeError(`file ${index} of a period with ${period.files.length} files`);
    for (let attempt = 1; attempt <= URL_ATTEMPTS; attempt += 1) {
      const files = await this.client.exportFiles(ref);
      const file = files[index];
      if (files.length !== period.files.length || file?.size !== listed.sizeBytes) {
        // Transient to the landing: it asks again, and a run after a changed export lands it whole.
        throw new IntegrityError(
          `${this.client.describeExport(ref)} changed since it was listed (${files.length} files now, ${period.files.length} ` +
            'then, or other sizes); nothing of it was kept. Run again to land it as it is now.',
        );
      }
      const download = await this.client.openFile(ref, file.url, index);
      if (download) return download;
    }
    throw new UpstreamHttpError(
      `${this.client.describeExport(ref)} (file ${index + 1}): the storage refused ${URL_ATTEMPTS} freshly listed URLs ` +
        '(403: expired or invalid). Check the clock of this machine, then try again.',
      403,
      this.client.describeExport(ref),
    );
  }

  private async listPeriod(dataset: DatasetRef, ref: DvpExportRef, period: string): Promise<ListedPeriod | undefined> {
    const files = await this.client.exportFiles(ref);
    // A week or month with no file for this view has nothing to land (and landing needs a first file's header).
    if (files.length === 0) return undefined;
    const periodRef: PeriodRef = { source: 'dvp', scope: this.client.namespace, name: dataset.name, cadence: dataset.cadence, period };
    return { ref: periodRef, files: files.map((file) => listedFile(file)) };
  }

  private periodOf(timespan: DvpTimespan, year: number, n: number): string {
    const start = periodStart(timespan, year, n);
    if (start === undefined) {
      const label = `list export ${timespan} of ${year} for DVP namespace ${this.client.namespace}`;
      throw new UpstreamPayloadError(`${label}: Docker listed ${timespan} ${n} of ${year}, which that year does not have. Please report it with this message.`, label);
    }
    return start;
  }

  private exportOf(ref: PeriodRef): DvpExportRef {
    const timespan = this.timespanOf(ref);
    return { ...exportOfPeriod(timespan, ref.period), timespan, view: ref.name };
  }

  private timespanOf(dataset: DatasetRef): DvpTimespan {
    if (dataset.source !== 'dvp' || !isDvpCadence(dataset.cadence)) {
      throw new RangeError(`not a DVP dataset: ${dataset.source}/${dataset.name}/${dataset.cadence}`);
    }
    return TIMESPAN_OF[dataset.cadence];
  }
}

/** A file as listed: its name is the URL's last path segment (the signature, in the query, is never kept). */
function listedFile(file: DvpExportFile): ListedFile {
  return { upstreamKey: fileName(file.url), sizeBytes: file.size };
}

function fileName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() || 'export.csv');
  } catch {
    // An unusable URL is refused when the file is opened; the listing only names it.
    return 'export.csv';
  }
}
