import { CredentialsRejectedError, UpstreamHttpError } from '../errors.js';
import type { HttpClient } from '../http/http-client.js';
import type { CredentialSource } from './credentials.js';
import { jwtTimes } from './jwt-expiry.js';
import { tokenResponseSchema } from './payloads.js';
import { parsePayload, upstreamMessage } from './upstream-answer.js';

/** Docker's Hub reference: a JWT lives 10 minutes; assumed when it carries no `exp`. */
export const DEFAULT_TOKEN_LIFETIME_MS = 10 * 60_000;
const MAX_REFRESH_MARGIN_MS = 60_000;

export interface TokenProviderOptions {
  readonly org: string;
  /** e.g. `https://hub.docker.com` */
  readonly hubUrl: string;
  readonly credentials: CredentialSource;
  readonly http: HttpClient;
  readonly now: () => Date;
}

interface CachedToken {
  readonly jwt: string;
  /** Epoch ms after which the token is not handed out any more. */
  readonly refreshAt: number;
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
  private cached: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;
  /** How many exchanges this provider made; exposed for tests and benchmarks. */
  exchanges = 0;

  constructor(private readonly options: TokenProviderOptions) {}

  async token(): Promise<string> {
    const cached = this.cached;
    if (cached && this.options.now().getTime() < cached.refreshAt) return cached.jwt;
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    return (await this.pending).jwt;
  }

  /** Forget `jwt` if it is still the cached one (a request saw it rejected). */
  invalidate(jwt: string): void {
    if (this.cached?.jwt === jwt) this.cached = undefined;
  }

  private async exchange(): Promise<CachedToken> {
    const { org, hubUrl, credentials, http, now } = this.options;
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
    const { access_token: jwt } = parsePayload(label, response, tokenResponseSchema);
    const receivedAt = now().getTime();
    // The lifetime from the token's own claims (exp - iat), so a skewed local clock does not matter.
    const { expiresAt, issuedAt } = jwtTimes(jwt);
    const lifetime =
      expiresAt === undefined
        ? DEFAULT_TOKEN_LIFETIME_MS
        : Math.max(0, expiresAt - (issuedAt ?? receivedAt));
    const margin = Math.min(MAX_REFRESH_MARGIN_MS, lifetime / 10);
    const token = { jwt, refreshAt: receivedAt + lifetime - margin };
    this.cached = token;
    return token;
  }
}
