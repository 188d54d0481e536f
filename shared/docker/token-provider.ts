import { CredentialsRejectedError, UpstreamHttpError } from '../errors.js';
import type { HttpClient } from '../http/http-client.js';
import type { CredentialSource } from './credentials.js';
import { JwtCache } from './jwt-cache.js';
import { tokenResponseSchema } from './payloads.js';
import { parsePayload, upstreamMessage } from './upstream-answer.js';

export { DEFAULT_TOKEN_LIFETIME_MS } from './jwt-cache.js';

export interface TokenProviderOptions {
  readonly org: string;
  /** e.g. `https://hub.docker.com` */
  readonly hubUrl: string;
  readonly credentials: CredentialSource;
  readonly http: HttpClient;
  readonly now: () => Date;
}

/**
 * Exchanges an org's OAT for a short-lived JWT (`POST {hub}/v2/auth/token`) and
 * caches it until shortly before it expires. However many requests wait, one
 * exchange runs at a time. After a 401, {@link invalidate} drops the rejected
 * token so the next caller gets a fresh one.
 *
 * @example
 * const tokens = new TokenProvider({ org: 'acme', hubUrl, credentials, http, now: () => new Date() });
 * const jwt = await tokens.token();
 */
export class TokenProvider {
  private readonly cache: JwtCache;
  /** How many exchanges this provider made; exposed for tests and benchmarks. */
  exchanges = 0;

  constructor(private readonly options: TokenProviderOptions) {
    this.cache = new JwtCache(() => this.exchange(), options.now);
  }

  token(): Promise<string> {
    return this.cache.token();
  }

  /** Forget `jwt` if it is still the cached one (a request saw it rejected). */
  invalidate(jwt: string): void {
    this.cache.invalidate(jwt);
  }

  private async exchange(): Promise<string> {
    const { org, hubUrl, credentials, http } = this.options;
    const label = `token exchange for org ${org}`;
    const secret = await credentials.oat(org);
    this.exchanges += 1;
    const response = await http.sendForText(label, `${hubUrl.replace(/\/+$/, '')}/v2/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ identifier: org, secret }),
    });
    if (response.status === 401 || response.status === 403) {
      throw new CredentialsRejectedError(
        `${label}: Docker Hub rejected the OAT (${response.status}). Check ${credentials.describe(org)}: ` +
          `it must be an Organization Access Token of ${org} with the "Report read" scope ` +
          '(personal access tokens are not accepted), not expired or revoked.',
        label,
      );
    }
    if (response.status < 200 || response.status > 299) {
      const said = upstreamMessage(response.text);
      throw new UpstreamHttpError(
        `${label}: Docker Hub answered HTTP ${response.status}${said ? `: "${said}"` : ''}. Try again later.`,
        response.status,
        label,
      );
    }
    return parsePayload(label, response, tokenResponseSchema).access_token;
  }
}
