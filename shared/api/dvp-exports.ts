import { heldKeys, readHoldings } from '../lake/holdings.js';
import { manifestKey } from '../lake/layout.js';
import { parseManifest } from '../lake/manifest.js';
import { datasetOfTable, lakeTables } from '../lake/table-catalog.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import { CADENCE_OF, exportOfPeriod, periodStart, type DvpTimespan } from '../sources/dvp/index.js';
import type { DatasetRef, PeriodRef, ScopedDataset } from '../sources/model.js';
import type { Source } from '../sources/source.js';
import type { WorkItem } from '../sync/work-item.js';
import type { DvpRoute } from './api-route.js';
import { ApiError, json, type ApiResponse } from './api-types.js';
import type { DownloadSigner } from './download-signer.js';
import { listUpstream, reportIndex } from './report-index.js';

export interface DvpExportsDeps {
  readonly sink: LakeSink;
  /** The DVP Data API for a namespace, when this lake has its login; without, the lake alone answers. */
  readonly upstream: (namespace: string) => Source | undefined;
  /** Lands a period that is not in the lake yet (the same landing as the sync's, holding the period's lease). */
  readonly land: (item: WorkItem) => Promise<unknown>;
  readonly signer: DownloadSigner;
  /** How long a file URL works, in seconds. */
  readonly urlSeconds: number;
}

/**
 * Docker's DVP export paths answered from the lake: which years, weeks and
 * months have exports, and an export's files as short-lived URLs of the
 * lake's audit copies (byte for byte what Docker served, gzip or not). What
 * the lake holds is joined with what the DVP API lists, when this lake can
 * reach it, so periods Docker has dropped stay listed and periods not landed
 * yet are landed on demand.
 */
export class DvpExports {
  constructor(private readonly deps: DvpExportsDeps) {}

  answer(route: DvpRoute): Promise<ApiResponse> {
    switch (route.kind) {
      case 'dvp-years':
        return this.years(route.namespace);
      case 'dvp-periods':
        return this.periods(route);
      case 'dvp-period':
        return this.period(route);
      case 'dvp-files':
        return this.files(route);
    }
  }

  private async years(namespace: string): Promise<ApiResponse> {
    const years = new Set<number>();
    for (const timespan of ['weeks', 'months'] as const) {
      for (const period of await this.periodStarts(namespace, timespan)) years.add(exportOfPeriod(timespan, period).year);
    }
    // A namespace with nothing is an empty list, as Docker answers it.
    return json(200, { years: [...years].sort((a, b) => a - b).map((year) => ({ year })) });
  }

  private async periods(route: Extract<DvpRoute, { kind: 'dvp-periods' }>): Promise<ApiResponse> {
    const numbers = await this.numbersIn(route.namespace, route.timespan, route.year);
    const key = route.timespan === 'weeks' ? 'week' : 'month';
    return json(200, { [route.timespan]: numbers.map((n) => ({ [key]: n })) });
  }

  private async period(route: Extract<DvpRoute, { kind: 'dvp-period' }>): Promise<ApiResponse> {
    const numbers = await this.numbersIn(route.namespace, route.timespan, route.year);
    if (!numbers.includes(route.n)) throw new ApiError(404, 'not found');
    return json(200, { [route.timespan === 'weeks' ? 'week' : 'month']: route.n });
  }

  private async files(route: Extract<DvpRoute, { kind: 'dvp-files' }>): Promise<ApiResponse> {
    const period = periodStart(route.timespan, route.year, route.n);
    if (period === undefined) throw new ApiError(404, 'not found');
    const dataset: ScopedDataset = { source: 'dvp', scope: route.namespace, name: route.view, cadence: CADENCE_OF[route.timespan] };
    const index = await reportIndex(this.deps.sink, this.deps.upstream(route.namespace), dataset);
    const entry = index.find((candidate) => candidate.date === period);
    if (!entry) throw new ApiError(404, 'not found');
    if (!entry.holding?.landed) {
      if (!entry.upstream) throw new ApiError(404, 'not found');
      await this.deps.land({ action: 'land', period: entry.upstream, held: heldKeys(entry.holding) });
    }
    const ref: PeriodRef = { ...dataset, period };
    const text = await this.deps.sink.read(manifestKey(ref));
    if (text === undefined) throw new ApiError(404, 'not found');
    const manifest = parseManifest(text);
    const data = await Promise.all(
      manifest.files.map(async (file) => ({
        url: await this.deps.signer.sign(file.key, { filename: file.key.slice(file.key.lastIndexOf('/') + 1), expiresInSeconds: this.deps.urlSeconds }),
        size: file.bytes,
      })),
    );
    return json(200, { data });
  }

  /** The weeks or months of `year` with an export of any view, ascending. */
  private async numbersIn(namespace: string, timespan: DvpTimespan, year: number): Promise<number[]> {
    const numbers = new Set<number>();
    for (const period of await this.periodStarts(namespace, timespan)) {
      const found = exportOfPeriod(timespan, period);
      if (found.year === year) numbers.add(found.n);
    }
    return [...numbers].sort((a, b) => a - b);
  }

  /**
   * Every period start of a timespan with an export: landed in the lake (any
   * view), or listed upstream. Upstream, one view per timespan is asked (every
   * view of an export shares its periods): a listing is one call per year.
   */
  private async periodStarts(namespace: string, timespan: DvpTimespan): Promise<Set<string>> {
    const cadence = CADENCE_OF[timespan];
    const lakeDatasets = (await lakeTables(this.deps.sink)).map(datasetOfTable).filter((d) => d.source === 'dvp' && d.cadence === cadence);
    const starts = new Set<string>();
    await Promise.all(
      lakeDatasets.map(async (dataset) => {
        for (const [period, holding] of await readHoldings(this.deps.sink, { ...dataset, scope: namespace })) {
          if (holding.landed) starts.add(period);
        }
      }),
    );
    const source = this.deps.upstream(namespace);
    if (source) {
      const offered = (await source.datasets()).find((d: DatasetRef) => d.cadence === cadence);
      if (offered) for (const period of await listUpstream(source, offered)) starts.add(period.ref.period);
    }
    return starts;
  }
}
