import type { Readable } from 'node:stream';
import { NotFoundError, PermissionDeniedError, CredentialsRejectedError, UpstreamHttpError } from '../errors.js';
import type { HttpClient, TextResponse } from '../http/http-client.js';
import { describeDvpCredentials, type DvpCredentialSource } from './dvp-credentials.js';
import type { DvpLogin } from './dvp-login.js';
import {
  dvpExportFilesSchema,
  dvpMonthsSchema,
  dvpNamespaceSchema,
  dvpWeeksSchema,
  dvpYearsSchema,
  type DvpExportFile,
  type DvpNamespace,
  type DvpTimespan,
} from './dvp-payloads.js';
import { checkDownloadLocation, redactUrl } from './download-location.js';
import { fetchSignedFile } from './signed-file.js';
import { parsePayload, upstreamMessage } from './upstream-answer.js';

export interface DvpClientOptions {
  readonly namespace: string;
  /** e.g. `https://hub.docker.com/api/publisher/analytics/v1` */
  readonly dvpUrl: string;
  readonly login: DvpLogin;
  readonly credentials: DvpCredentialSource;
  readonly http: HttpClient;
}

/** One export: a view of a namespace's pulls over one week or month. */
export interface DvpExportRef {
  readonly year: number;
  readonly timespan: DvpTimespan;
  /** The ISO week (1-53) or the month (1-12). */
  readonly n: number;
  readonly view: string;
}

export interface DvpFileDownload {
  readonly body: Readable;
  /** The storage's Content-Length, when it sent one. */
  readonly contentLength: number | undefined;
}

/**
 * A typed client of one namespace's DVP Data API (Verified Publisher pull
 * analytics). Every API call carries the namespace's Hub JWT, is retried
 * under the HTTP policy, made once more with a fresh JWT after a 401, and its
 * answer validated. Export files are fetched from their signed URLs with no
 * Authorization header: the JWT never goes to the storage.
 */
export class DvpClient {
  /** Calls made, by operation: for tests, benchmarks and the no-op check. */
  readonly calls = { namespace: 0, years: 0, timespans: 0, files: 0, storage: 0 };

  constructor(private readonly options: DvpClientOptions) {}

  get namespace(): string {
    return this.options.namespace;
  }

  /** What the namespace offers: its views and timespans (`datasets[].views`, `.timespans`). */
  async describeNamespace(): Promise<DvpNamespace> {
    const label = `describe DVP namespace ${this.namespace}`;
    this.calls.namespace += 1;
    const response = await this.authorized(label, this.path('namespaces', this.namespace), () =>
      new NotFoundError(
        `${label}: the DVP Data API has no namespace ${this.namespace} (404). Check the name, that it is a Docker ` +
          `Verified Publisher namespace, and that the account in ${this.describeCredentials()} can see its analytics. ` +
          'If every namespace answers 404, Docker may have retired the API (the legacy DVP program is deprecated).',
        label,
      ),
    );
    return parsePayload(label, response, dvpNamespaceSchema);
  }

  /** The years that have exports; none (not an error) for a namespace with no data yet. */
  async years(): Promise<number[]> {
    const label = `list export years of DVP namespace ${this.namespace}`;
    this.calls.years += 1;
    const response = await this.authorized(label, this.exportsPath('years'), 'empty');
    if (response === undefined) return [];
    return parsePayload(label, response, dvpYearsSchema).years.map((entry) => entry.year);
  }

  /** The weeks (ISO 8601) or months of a year that have exports. */
  async timespans(year: number, timespan: DvpTimespan): Promise<number[]> {
    const label = `list export ${timespan} of ${year} for DVP namespace ${this.namespace}`;
    this.calls.timespans += 1;
    const response = await this.authorized(label, this.exportsPath('years', String(year), timespan), 'empty');
    if (response === undefined) return [];
    return timespan === 'weeks'
      ? parsePayload(label, response, dvpWeeksSchema).weeks.map((entry) => entry.week)
      : parsePayload(label, response, dvpMonthsSchema).months.map((entry) => entry.month);
  }

  /** An export's files with their listed sizes and freshly signed URLs; none when the export does not exist. */
  async exportFiles(ref: DvpExportRef): Promise<DvpExportFile[]> {
    const label = `list files of ${this.describeExport(ref)}`;
    this.calls.files += 1;
    const response = await this.authorized(label, this.exportsPath('years', String(ref.year), ref.timespan, String(ref.n), ref.view), 'empty');
    if (response === undefined) return [];
    return parsePayload(label, response, dvpExportFilesSchema).data;
  }

  /**
   * Fetches one export file from its signed URL, which must be https (or
   * loopback http beside a loopback API). No Authorization header goes there
   * and no redirect is followed. `undefined` when the storage refused the
   * URL (403: expired or invalid), so the caller lists the export again.
   */
  async openFile(ref: DvpExportRef, url: string, index: number): Promise<DvpFileDownload | undefined> {
    const label = `download ${this.describeExport(ref)} (file ${index + 1})`;
    const target = checkDownloadLocation(url, this.options.dvpUrl, label, 'the export file URL');
    this.calls.storage += 1;
    const response = await fetchSignedFile(this.options.http, target, label);
    if (!('status' in response)) return response;
    if (response.status === 403) return undefined;
    if (response.status === 404 || response.status === 410) {
      throw new NotFoundError(`${label}: the export file is gone from Docker's storage (${response.status}); run again later.`, label);
    }
    throw new UpstreamHttpError(
      `${label}: the export's storage (${redactUrl(target)}) answered HTTP ${response.status}. Try again later.`,
      response.status,
      label,
    );
  }

  /** `acme/raw/weeks/2026/1`: an export in messages. */
  describeExport(ref: DvpExportRef): string {
    return `DVP export ${this.namespace}/${ref.view}/${ref.timespan}/${ref.year}/${ref.n}`;
  }

  private describeCredentials(): string {
    return describeDvpCredentials(this.options.credentials, this.namespace);
  }

  private path(...segments: string[]): string {
    return `${this.options.dvpUrl.replace(/\/+$/, '')}/${segments.map(encodeURIComponent).join('/')}`;
  }

  private exportsPath(...segments: string[]): string {
    return this.path('namespaces', this.namespace, 'pulls', 'exports', ...segments);
  }

  /**
   * Sends an authorized GET; on a 401 the rejected JWT is dropped and the call
   * made once more with a fresh one. A 404 is `undefined` (`'empty'`: nothing
   * there yet) or the error `notFound` makes; any other failure a clear error.
   */
  private async authorized(label: string, url: string, notFound: () => NotFoundError): Promise<TextResponse>;
  private async authorized(label: string, url: string, notFound: 'empty'): Promise<TextResponse | undefined>;
  private async authorized(label: string, url: string, notFound: (() => NotFoundError) | 'empty'): Promise<TextResponse | undefined> {
    const { login, http } = this.options;
    const send = async (jwt: string) => http.sendForText(label, url, { headers: { authorization: `Bearer ${jwt}`, accept: 'application/json' } });
    const jwt = await login.token();
    let response = await send(jwt);
    if (response.status === 401) {
      login.invalidate(jwt);
      response = await send(await login.token());
    }
    if (response.status >= 200 && response.status <= 299) return response;
    if (response.status === 404) {
      if (notFound === 'empty') return undefined;
      throw notFound();
    }
    throw this.errorFor(label, response);
  }

  private errorFor(label: string, response: TextResponse): UpstreamHttpError {
    const said = upstreamMessage(response.text) ?? detailOf(response.text);
    const quoted = said ? `: "${said.slice(0, 200)}"` : '';
    const where = this.describeCredentials();
    switch (response.status) {
      case 401:
        return new CredentialsRejectedError(
          `${label}: the DVP Data API rejected the Hub token of namespace ${this.namespace} (401${quoted}) even after a ` +
            `fresh login. Check ${where}: a Docker Hub account with access to the namespace's analytics and a personal access token of it.`,
          label,
        );
      case 403:
        return new PermissionDeniedError(
          `${label}: the DVP Data API refused access to namespace ${this.namespace} (403${quoted}). The account in ${where} ` +
            "must be able to see the namespace's analytics (a member of the Verified Publisher's organization), and its " +
            'personal access token needs read access.',
          label,
        );
      case 410:
        return new UpstreamHttpError(
          `${label}: the DVP Data API answered 410 Gone${quoted}. Docker calls the legacy DVP program deprecated and may ` +
            'have retired this API; see "Docker Verified Publisher analytics" in README.md.',
          410,
          label,
        );
      case 400:
        return new UpstreamHttpError(`${label}: the DVP Data API refused the request as invalid (400${quoted}).`, 400, label);
      default:
        return new UpstreamHttpError(
          `${label}: the DVP Data API answered HTTP ${response.status}${quoted} after every retry. Docker may be having trouble: try again later.`,
          response.status,
          label,
        );
    }
  }
}

/** `{"detail": ...}`, Hub's usual error body. */
function detailOf(text: string): string | undefined {
  try {
    const json: unknown = JSON.parse(text);
    const detail = typeof json === 'object' && json !== null ? (json as { detail?: unknown }).detail : undefined;
    return typeof detail === 'string' ? detail : undefined;
  } catch {
    return undefined;
  }
}
