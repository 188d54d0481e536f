import { CredentialsRejectedError, UpstreamHttpError } from '../errors.js';
import type { HttpClient, TextResponse } from '../http/http-client.js';
import { describeDvpCredentials, type DvpCredentialSource, type DvpCredentials } from './dvp-credentials.js';
import { hubLoginRefusalSchema, hubLoginSchema } from './dvp-payloads.js';
import { JwtCache } from './jwt-cache.js';
import { tokenResponseSchema } from './payloads.js';
import { parsePayload, upstreamMessage } from './upstream-answer.js';

export interface DvpLoginOptions {
  readonly namespace: string;
  /** e.g. `https://hub.docker.com` */
  readonly hubUrl: string;
  readonly credentials: DvpCredentialSource;
  readonly http: HttpClient;
  readonly now: () => Date;
}

/**
 * The Hub JWT the DVP Data API wants, for one namespace's account. It logs in
 * the way the DVP spec documents (`POST {hub}/v2/users/login` with the user
 * name and a personal access token as the password) and keeps the JWT until
 * shortly before its `exp`; one login at a time however many requests wait.
 * Hub's reference marks that endpoint deprecated in favour of
 * `POST {hub}/v2/auth/token`: when the login answers 404 or 410 (retired), the
 * same user name and token are exchanged there, and from then on only there.
 */
export class DvpLogin {
  private readonly cache: JwtCache;
  /** Set once `/v2/users/login` answered 404/410: it is not asked again. */
  private loginRetired = false;
  /** Logins made (either endpoint): for tests and the no-op check. */
  logins = 0;

  constructor(private readonly options: DvpLoginOptions) {
    this.cache = new JwtCache(() => this.login(), options.now);
  }

  token(): Promise<string> {
    return this.cache.token();
  }

  /** Forget `jwt` if it is still the cached one (a request saw it rejected). */
  invalidate(jwt: string): void {
    this.cache.invalidate(jwt);
  }

  private async login(): Promise<string> {
    const { namespace, credentials } = this.options;
    const account = await credentials.credentialsFor(namespace);
    if (!this.loginRetired) {
      const label = `Docker Hub login for namespace ${namespace}`;
      const response = await this.post(label, '/v2/users/login', { username: account.username, password: account.pat });
      if (response.status !== 404 && response.status !== 410) {
        this.refuseUnlessOk(label, response, account);
        return parsePayload(label, response, hubLoginSchema).token;
      }
      this.loginRetired = true;
    }
    const label = `Docker Hub token exchange for namespace ${namespace}`;
    const response = await this.post(label, '/v2/auth/token', { identifier: account.username, secret: account.pat });
    if (response.status === 404 || response.status === 410) {
      throw new UpstreamHttpError(
        `${label}: Docker Hub answered ${response.status} to both /v2/users/login and /v2/auth/token. Docker may have ` +
          'retired this login (the legacy DVP program is deprecated); see "Docker Verified Publisher analytics" in README.md.',
        response.status,
        label,
      );
    }
    this.refuseUnlessOk(label, response, account);
    return parsePayload(label, response, tokenResponseSchema).access_token;
  }

  private async post(label: string, path: string, body: Record<string, string>): Promise<TextResponse> {
    this.logins += 1;
    return this.options.http.sendForText(label, `${this.options.hubUrl.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** A refusal of the account is exit 3 with what to fix; anything else not 2xx says Hub failed. */
  private refuseUnlessOk(label: string, response: TextResponse, account: DvpCredentials): void {
    if (response.status >= 200 && response.status <= 299) return;
    const where = describeDvpCredentials(this.options.credentials, this.options.namespace);
    if (response.status === 401 || response.status === 403) {
      if (wantsSecondFactor(response.text)) {
        throw new CredentialsRejectedError(
          `${label}: the account ${account.username} has two-factor authentication, and Docker Hub asked for a second ` +
            `factor: a personal access token must be used, not the account's password (no unattended run can answer a ` +
            `two-factor prompt). Create a personal access token with read access (Docker Hub: Account settings > ` +
            `Personal access tokens) and give it in ${where}.`,
          label,
        );
      }
      throw new CredentialsRejectedError(
        `${label}: Docker Hub rejected the user name and token (${response.status}). Check ${where}: the user name of a ` +
          `Docker Hub account with access to the analytics of namespace ${this.options.namespace}, and a personal access ` +
          'token of that account (read access), not expired or revoked.',
        label,
      );
    }
    const said = hubMessage(response.text);
    throw new UpstreamHttpError(
      `${label}: Docker Hub answered HTTP ${response.status}${said ? `: "${said}"` : ''}. Try again later.`,
      response.status,
      label,
    );
  }
}

function wantsSecondFactor(text: string): boolean {
  try {
    const parsed = hubLoginRefusalSchema.safeParse(JSON.parse(text));
    return parsed.success && Boolean(parsed.data.login_2fa_token);
  } catch {
    return false;
  }
}

/** Hub's own words from `{"detail"}` or `{"error"}`, cut short: they are quoted in a message. */
function hubMessage(text: string): string | undefined {
  try {
    const parsed = hubLoginRefusalSchema.safeParse(JSON.parse(text));
    const said = (parsed.success ? parsed.data.detail : undefined) ?? upstreamMessage(text);
    return said?.slice(0, 200);
  } catch {
    return undefined;
  }
}
