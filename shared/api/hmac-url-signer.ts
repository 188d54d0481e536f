import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DownloadSigner } from './download-signer.js';

/** Where signed local URLs point: `{base}/lake/{key}?expires=...&signature=...`. */
export const LOCAL_LAKE_PATH = '/lake/';

/**
 * Signs local download URLs the way S3 pre-signs its own: the key and an
 * expiry, with an HMAC only this process can make (a random key per process),
 * so a URL works for its few minutes and cannot be edited into another.
 */
export class HmacUrlSigner implements DownloadSigner {
  private readonly secret = randomBytes(32);

  constructor(
    private readonly baseUrl: string,
    private readonly now: () => Date,
  ) {}

  async sign(key: string, options: { filename: string; expiresInSeconds: number }): Promise<string> {
    const expires = Math.floor(this.now().getTime() / 1000) + options.expiresInSeconds;
    const query = new URLSearchParams({ expires: String(expires), filename: options.filename, signature: this.mac(key, expires, options.filename) });
    return `${this.baseUrl}${LOCAL_LAKE_PATH}${key.split('/').map(encodeURIComponent).join('/')}?${query}`;
  }

  /** The key a signed URL grants, or why it grants nothing. */
  verify(url: URL): { key: string; filename: string } | { refused: 'expired' | 'invalid' } {
    const key = decodeURIComponent(url.pathname.slice(LOCAL_LAKE_PATH.length));
    const expires = Number(url.searchParams.get('expires'));
    const filename = url.searchParams.get('filename') ?? '';
    const given = Buffer.from(url.searchParams.get('signature') ?? '', 'hex');
    const wanted = Buffer.from(this.mac(key, expires, filename), 'hex');
    if (!Number.isInteger(expires) || given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { refused: 'invalid' };
    if (expires * 1000 < this.now().getTime()) return { refused: 'expired' };
    return { key, filename };
  }

  private mac(key: string, expires: number, filename: string): string {
    return createHmac('sha256', this.secret).update(`${key}\n${expires}\n${filename}`).digest('hex');
  }
}
