import {
  DockerReportsError,
  IntegrityError,
  LakeError,
  NotFoundError,
  PeriodBusyError,
  TransportError,
  UpstreamHttpError,
  isAuthError,
} from '../errors.js';
import { heldKeys, readHoldings } from '../lake/holdings.js';
import { auditFileKey, manifestKey } from '../lake/layout.js';
import { parseManifest, type Manifest } from '../lake/manifest.js';
import { datasetOfTable, lakeTables } from '../lake/table-catalog.js';
import type { LakeSink } from '../sinks/lake-sink.js';
import type { DatasetRef, PeriodRef, ScopedDataset } from '../sources/model.js';
import type { Source } from '../sources/source.js';
import type { WorkItem } from '../sync/work-item.js';
import { routeOf, type ApiRoute, type DvpRoute } from './api-route.js';
import { ApiError, errorResponse, json, type ApiRequest, type ApiResponse } from './api-types.js';
import type { DownloadSigner } from './download-signer.js';
import { DvpExports } from './dvp-exports.js';
import { encodeCursor } from './page-cursor.js';
import { reportIndex, type IndexedReport } from './report-index.js';

/** How long a download URL works: 5 minutes, long enough to start a download, short enough not to be shared around. */
export const DOWNLOAD_URL_SECONDS = 300;

export interface ReportsApiDeps {
  /** The orgs this lake serves; any other org is a 404. */
  readonly orgs: readonly string[];
  /** The DVP namespaces this lake serves; any other namespace is a 404. @default none */
  readonly namespaces?: readonly string[];
  /** The DVP Data API for a namespace, when this lake has its login; without, the API serves the lake alone. @default none */
  readonly dvpUpstream?: (namespace: string) => Source | undefined;
  readonly sink: LakeSink;
  /** Docker for an org (its Enterprise source), when this lake can reach it (has its OAT); without, the API serves the lake alone. */
  readonly upstream: (org: string) => Source | undefined;
  /** Lands a report that is not in the lake yet (the engine's landing, and its event). */
  readonly land: (item: WorkItem) => Promise<unknown>;
  readonly signer: DownloadSigner;
  /** Starts a sync of one org without waiting for it; says how to follow it. */
  readonly requestSync: (org: string) => Promise<string>;
  readonly now: () => Date;
  /** Told about every failure answered 5xx, for the logs. */
  readonly onServerError?: (error: unknown, request: ApiRequest) => void;
}

/**
 * The lake's HTTP API, with Docker's own paths and error envelope, so a script
 * written for Docker's API works by changing its base URL and credentials.
 * Runtime-agnostic: API Gateway and `docker-reports serve` both carry it.
 */
export class ReportsApi {
  private readonly dvp: DvpExports;

  constructor(private readonly deps: ReportsApiDeps) {
    this.dvp = new DvpExports({
      sink: deps.sink,
      upstream: (namespace) => deps.dvpUpstream?.(namespace),
      land: deps.land,
      signer: deps.signer,
      urlSeconds: DOWNLOAD_URL_SECONDS,
    });
  }

  async handle(request: ApiRequest): Promise<ApiResponse> {
    try {
      const route = routeOf(request);
      if ('namespace' in route) {
        if (!(this.deps.namespaces ?? []).includes(route.namespace)) throw new ApiError(404, 'not found');
        return await this.dvp.answer(route);
      }
      if (!this.deps.orgs.includes(route.org)) throw new ApiError(404, 'not found');
      return await this.answer(route);
    } catch (error) {
      const answer = toApiError(error);
      if (answer.status >= 500) this.deps.onServerError?.(error, request);
      return errorResponse(answer);
    }
  }

  private answer(route: Exclude<ApiRoute, DvpRoute>): Promise<ApiResponse> {
    switch (route.kind) {
      case 'types':
        return this.types(route.org);
      case 'reports':
        return this.reports(route);
      case 'download':
        return this.download(route);
      case 'schema':
        return this.schema(route);
      case 'sync':
        return this.sync(route.org);
    }
  }

  private async types(org: string): Promise<ApiResponse> {
    const offered = await this.offeredTypes(org);
    const report_types = await Promise.all(
      offered.map(async (dataset) => {
        const landed = [...(await readHoldings(this.deps.sink, { ...dataset, scope: org }))]
          .filter(([, holding]) => holding.landed)
          .map(([date]) => date)
          .sort();
        return { ReportType: dataset.name, Cadence: dataset.cadence, LandedReports: landed.length, NewestLandedDate: landed.at(-1) ?? null };
      }),
    );
    return json(200, { report_types });
  }

  private async reports(route: Extract<ApiRoute, { kind: 'reports' }>): Promise<ApiResponse> {
    const index = await this.index(route);
    const { before } = route;
    const remaining = before === undefined ? index : index.filter((entry) => entry.date < before);
    const page = remaining.slice(0, route.pageSize);
    const reports = await Promise.all(page.map((entry) => this.describe(route, entry)));
    const more = remaining.length > page.length;
    return json(200, { reports, next_page_token: more ? encodeCursor(page.at(-1)!.date) : '' });
  }

  private async download(route: Extract<ApiRoute, { kind: 'download' }>): Promise<ApiResponse> {
    const entry = await this.entry(route);
    const ref = periodOf(route, entry.date);
    if (!entry.holding?.landed) {
      if (!entry.upstream) throw new ApiError(404, 'not found');
      await this.deps.land({ action: 'land', period: entry.upstream, held: heldKeys(entry.holding) });
    }
    const expiresAt = new Date(this.deps.now().getTime() + DOWNLOAD_URL_SECONDS * 1000);
    const url = await this.deps.signer.sign(auditFileKey(ref, 0), {
      filename: `${ref.name}_${ref.cadence}_${ref.period}.csv`,
      expiresInSeconds: DOWNLOAD_URL_SECONDS,
    });
    if (!route.redirect) return json(200, { url, expires_at: expiresAt.toISOString() });
    return { status: 302, headers: { location: url, 'cache-control': 'no-store' }, body: '' };
  }

  private async schema(route: Extract<ApiRoute, { kind: 'schema' }>): Promise<ApiResponse> {
    const entry = await this.entry(route);
    if (entry.holding?.landed) {
      const manifest = await this.manifest(periodOf(route, entry.date));
      if (manifest) return json(200, manifest.schema);
    }
    const source = this.deps.upstream(route.org);
    if (!source || !entry.upstream) throw new ApiError(404, 'not found');
    const columns = await source.columns(entry.upstream, async () => {
      throw new ApiError(404, 'not found');
    });
    return json(200, { category: columns.category ?? route.type, fields: columns.fields });
  }

  private async sync(org: string): Promise<ApiResponse> {
    const message = await this.deps.requestSync(org);
    return json(202, { status: 'accepted', org, message });
  }

  /** One report by date, or the newest for `latest`; a 404 when neither Docker nor the lake has it. */
  private async entry(route: { org: string; type: string; cadence: string; date: string }): Promise<IndexedReport> {
    const index = await this.index(route);
    const entry = route.date === 'latest' ? index[0] : index.find((candidate) => candidate.date === route.date);
    if (!entry) throw new ApiError(404, 'not found');
    return entry;
  }

  private async index(route: { org: string; type: string; cadence: string }): Promise<IndexedReport[]> {
    const index = await reportIndex(this.deps.sink, this.deps.upstream(route.org), datasetOf(route));
    if (index.length === 0) throw new ApiError(404, 'not found');
    return index;
  }

  private async describe(route: { org: string; type: string; cadence: string }, entry: IndexedReport) {
    const landed = entry.holding?.landed ?? false;
    // A report Docker no longer lists is described from its manifest.
    const manifest = entry.upstream ? undefined : await this.manifest(periodOf(route, entry.date));
    const listed = entry.upstream?.files[0];
    return {
      ReportType: route.type,
      Cadence: route.cadence,
      Date: entry.date,
      SizeBytes: listed?.sizeBytes ?? manifest?.files[0]?.upstream.size_bytes ?? entry.holding?.files[0]?.size ?? 0,
      Key: listed?.upstreamKey ?? manifest?.files[0]?.upstream.key ?? '',
      Landed: landed,
    };
  }

  private async manifest(ref: PeriodRef): Promise<Manifest | undefined> {
    const text = await this.deps.sink.read(manifestKey(ref));
    return text === undefined ? undefined : parseManifest(text);
  }

  /** Docker's report types; without Docker, the Enterprise tables the lake holds. */
  private async offeredTypes(org: string): Promise<DatasetRef[]> {
    const source = this.deps.upstream(org);
    if (source) return source.datasets();
    return (await lakeTables(this.deps.sink)).map(datasetOfTable).filter((dataset) => dataset.source === 'enterprise');
  }
}

function datasetOf(route: { org: string; type: string; cadence: string }): ScopedDataset {
  return { source: 'enterprise', scope: route.org, name: route.type, cadence: route.cadence };
}

function periodOf(route: { org: string; type: string; cadence: string }, date: string): PeriodRef {
  return { ...datasetOf(route), period: date };
}

/** The status and message an engine failure is answered with; nothing internal leaks. */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof NotFoundError) return new ApiError(404, 'not found');
  if (error instanceof LakeError) return new ApiError(500, 'the lake could not be read or written; the operator can find why in the logs');
  if (error instanceof PeriodBusyError) return new ApiError(503, 'the report is being landed by another request; try again in a minute');
  if (isAuthError(error)) {
    return new ApiError(502, "Docker refused this lake's credentials for the org; an operator must rotate its OAT");
  }
  if (error instanceof IntegrityError) return new ApiError(502, 'the report could not be verified; try again');
  if (error instanceof TransportError || error instanceof UpstreamHttpError) {
    return new ApiError(502, 'Docker is unavailable; try again later');
  }
  if (error instanceof DockerReportsError) return new ApiError(502, 'upstream error; try again later');
  return new ApiError(500, 'internal error');
}
