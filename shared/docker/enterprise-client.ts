import type { Readable } from 'node:stream';
import { NotFoundError, PagingError, UpstreamHttpError } from '../errors.js';
import type { HttpClient, TextResponse } from '../http/http-client.js';
import type { CredentialSource } from './credentials.js';
import { checkDownloadLocation, redactUrl } from './download-location.js';
import { fetchSignedFile } from './signed-file.js';
import {
  reportColumnsSchema,
  reportListResponseSchema,
  reportTypesResponseSchema,
  type Report,
  type ReportColumns,
  type ReportTypeInfo,
} from './payloads.js';
import type { TokenProvider } from './token-provider.js';
import { errorForStatus, parsePayload } from './upstream-answer.js';

export interface EnterpriseClientOptions {
  readonly org: string;
  /** e.g. `https://api.docker.com/enterprise-data/v1` */
  readonly apiUrl: string;
  readonly tokens: TokenProvider;
  readonly credentials: CredentialSource;
  readonly http: HttpClient;
}

export interface ListReportsOptions {
  /** Reports per page, 1 to 100. @default 100 */
  readonly pageSize?: number;
  /** A guard against paging that never ends. @default 500 */
  readonly maxPages?: number;
}

export interface ReportDownload {
  readonly body: Readable;
  /** The storage's Content-Length, when it sent one. */
  readonly contentLength: number | undefined;
}

/** How many times a download asks for a fresh pre-signed URL after the storage refused one. */
const DOWNLOAD_URL_ATTEMPTS = 3;

/**
 * A typed client of one org's Docker Enterprise Data API. Every call is
 * authorized with the org's JWT, retried under the HTTP policy, re-authorized
 * once on a 401, and its answer validated against Docker's documented format.
 */
export class EnterpriseClient {
  /** Calls made, by operation: for tests, benchmarks and the no-op check. */
  readonly calls = { types: 0, list: 0, schema: 0, download: 0, storage: 0 };

  constructor(private readonly options: EnterpriseClientOptions) {}

  get org(): string {
    return this.options.org;
  }

  async listReportTypes(): Promise<ReportTypeInfo[]> {
    const label = `list report types for org ${this.org}`;
    this.calls.types += 1;
    const response = await this.authorized(label, this.path());
    return parsePayload(label, response, reportTypesResponseSchema).report_types;
  }

  /** The reports of a type and cadence, newest first, one page at a time. */
  async *listReports(type: string, cadence: string, options: ListReportsOptions = {}): AsyncGenerator<Report[]> {
    const pageSize = options.pageSize ?? 100;
    const maxPages = options.maxPages ?? 500;
    const seen = new Set<string>();
    let token = '';
    for (let page = 1; ; page += 1) {
      if (page > maxPages) {
        throw new PagingError(
          `list reports for ${this.org}/${type}/${cadence}: more than ${maxPages} pages; stopped, ` +
            'as a real listing is never that long. Please report this.',
        );
      }
      const label = `list reports for ${this.org}/${type}/${cadence} (page ${page})`;
      const query = new URLSearchParams({ page_size: String(pageSize) });
      if (token) query.set('page_token', token);
      this.calls.list += 1;
      const response = await this.authorized(label, `${this.path(type, cadence)}?${query}`);
      const { reports, next_page_token: next } = parsePayload(label, response, reportListResponseSchema);
      yield reports;
      if (!next) return;
      if (seen.has(next)) {
        throw new PagingError(`${label}: Docker returned a page token it had already returned; stopped to avoid a loop.`);
      }
      seen.add(next);
      token = next;
    }
  }

  async getSchema(type: string, cadence: string, date: string): Promise<ReportColumns> {
    const label = `get schema of ${this.org}/${type}/${cadence}/${date}`;
    this.calls.schema += 1;
    const response = await this.authorized(label, `${this.path(type, cadence, date)}/schema`);
    return parsePayload(label, response, reportColumnsSchema);
  }

  /**
   * Opens a report's CSV: asks the download endpoint for its pre-signed URL
   * (without following the redirect), checks the URL, then fetches it without
   * the Authorization header. An expired URL is replaced by a fresh one.
   */
  async openDownload(type: string, cadence: string, date: string): Promise<ReportDownload> {
    const label = `download ${this.org}/${type}/${cadence}/${date}`;
    let refusal = '';
    for (let attempt = 1; attempt <= DOWNLOAD_URL_ATTEMPTS; attempt += 1) {
      this.calls.download += 1;
      const redirect = await this.authorized(label, `${this.path(type, cadence, date)}/download`, { redirect: 'manual' });
      if (redirect.status < 300 || redirect.status > 399) {
        throw new UpstreamHttpError(
          `${label}: expected a redirect to the report's file, got HTTP ${redirect.status}.`,
          redirect.status,
          label,
        );
      }
      const target = checkDownloadLocation(redirect.headers.get('location'), this.options.apiUrl, label);
      this.calls.storage += 1;
      // Only the URL's own signature goes there: no Authorization header, no redirect followed.
      const response = await fetchSignedFile(this.options.http, target, label);
      if (!('status' in response)) return response;
      if (response.status === 404) {
        throw new NotFoundError(
          `${label}: the report's file is gone from Docker's storage (404). Docker deletes reports after ` +
            'its retention period (about 30 days); this one can no longer be landed.',
          label,
        );
      }
      if (response.status !== 403) {
        throw new UpstreamHttpError(
          `${label}: the report's storage (${redactUrl(target)}) answered HTTP ${response.status}. Try again later.`,
          response.status,
          label,
        );
      }
      refusal = `the storage refused the pre-signed URL ${attempt} times (403: expired or invalid)`;
    }
    throw new UpstreamHttpError(`${label}: ${refusal}. Check the clock of this machine, then try again.`, 403, label);
  }

  private path(...segments: string[]): string {
    const base = this.options.apiUrl.replace(/\/+$/, '');
    return `${base}/${['orgs', this.org, 'reports', ...segments].map(encodeURIComponent).join('/')}`;
  }

  /**
   * Sends an authorized GET; on a 401 the rejected JWT is dropped and the call
   * made once more with a fresh one. Any other non-2xx/3xx becomes a clear error.
   */
  private async authorized(label: string, url: string, init: RequestInit = {}): Promise<TextResponse> {
    const { tokens, http, credentials, org } = this.options;
    const send = async (jwt: string) =>
      http.sendForText(label, url, { ...init, headers: { authorization: `Bearer ${jwt}`, accept: 'application/json' } });
    const jwt = await tokens.token();
    let response = await send(jwt);
    if (response.status === 401) {
      tokens.invalidate(jwt);
      response = await send(await tokens.token());
    }
    if (response.status >= 200 && response.status < 400) return response;
    throw errorForStatus({ label, org, credentials: credentials.describe(org) }, response);
  }
}
