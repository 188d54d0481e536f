import { jwtTimes } from './jwt-expiry.js';

/** Docker's Hub reference: a JWT lives 10 minutes; assumed when it carries no `exp`. */
export const DEFAULT_TOKEN_LIFETIME_MS = 10 * 60_000;
const MAX_REFRESH_MARGIN_MS = 60_000;

interface CachedToken {
  readonly jwt: string;
  /** Epoch ms after which the token is not handed out any more. */
  readonly refreshAt: number;
}

/**
 * One JWT kept until shortly before it expires, and renewed by `obtain` when
 * asked for after that or after {@link invalidate}. However many callers wait,
 * one `obtain` runs at a time: a burst of requests after expiry logs in once.
 */
export class JwtCache {
  private cached: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;

  constructor(
    private readonly obtain: () => Promise<string>,
    private readonly now: () => Date,
  ) {}

  async token(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now().getTime() < cached.refreshAt) return cached.jwt;
    this.pending ??= this.renew().finally(() => {
      this.pending = undefined;
    });
    return (await this.pending).jwt;
  }

  /** Forget `jwt` if it is still the cached one (a request saw it rejected). */
  invalidate(jwt: string): void {
    if (this.cached?.jwt === jwt) this.cached = undefined;
  }

  private async renew(): Promise<CachedToken> {
    const jwt = await this.obtain();
    const receivedAt = this.now().getTime();
    // The lifetime from the token's own claims (exp - iat), so a skewed local clock does not matter.
    const { expiresAt, issuedAt } = jwtTimes(jwt);
    const lifetime = expiresAt === undefined ? DEFAULT_TOKEN_LIFETIME_MS : Math.max(0, expiresAt - (issuedAt ?? receivedAt));
    const margin = Math.min(MAX_REFRESH_MARGIN_MS, lifetime / 10);
    const token = { jwt, refreshAt: receivedAt + lifetime - margin };
    this.cached = token;
    return token;
  }
}
