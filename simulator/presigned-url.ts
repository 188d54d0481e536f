import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The simulated bucket, in every pre-signed URL's path. */
export const BUCKET = 'docker-reports-sim-exports';
const ALGORITHM = 'AWS4-HMAC-SHA256';
const CREDENTIAL_ID = 'SIMULATOR-NOT-A-KEY';

/** Why a pre-signed URL is refused, if it is. */
export type UrlCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'unsigned' }
  | { readonly ok: false; readonly reason: 'signature' }
  | { readonly ok: false; readonly reason: 'expired'; readonly expiresAt: Date };

/**
 * Pre-signed URLs shaped like S3's SigV4 query signatures (X-Amz-Algorithm,
 * X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders,
 * X-Amz-Signature). The signature is an HMAC of the path and the validity
 * window, so changing any of them, or the expiry, is refused.
 */
export class UrlSigner {
  private readonly key = randomBytes(32);

  /** A URL for `objectKey` under `storageUrl`, valid `ttlSeconds` from `issuedAt`. */
  sign(storageUrl: string, objectKey: string, issuedAt: Date, ttlSeconds: number): string {
    const amzDate = issuedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const credential = `${CREDENTIAL_ID}/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
    const path = `/${BUCKET}/${objectKey}`;
    const query = new URLSearchParams({
      'X-Amz-Algorithm': ALGORITHM,
      'X-Amz-Credential': credential,
      'X-Amz-Date': amzDate,
      'X-Amz-Expires': String(ttlSeconds),
      'X-Amz-SignedHeaders': 'host',
    });
    query.set('X-Amz-Signature', this.signature(path, query));
    return `${storageUrl}${path}?${query}`;
  }

  check(url: URL, now: Date): UrlCheck {
    const query = url.searchParams;
    const given = query.get('X-Amz-Signature');
    if (query.get('X-Amz-Algorithm') !== ALGORITHM || given === null) return { ok: false, reason: 'unsigned' };
    const expected = Buffer.from(this.signature(url.pathname, query));
    const provided = Buffer.from(given);
    if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) return { ok: false, reason: 'signature' };
    const issued = parseAmzDate(query.get('X-Amz-Date') ?? '');
    const expiresAt = new Date(issued + Number(query.get('X-Amz-Expires')) * 1000);
    if (Number.isNaN(expiresAt.getTime())) return { ok: false, reason: 'signature' };
    if (now.getTime() > expiresAt.getTime()) return { ok: false, reason: 'expired', expiresAt };
    return { ok: true };
  }

  private signature(path: string, query: URLSearchParams): string {
    const signed = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders']
      .map((name) => `${name}=${query.get(name) ?? ''}`)
      .join('&');
    return createHmac('sha256', this.key).update(`GET\n${path}\n${signed}`).digest('hex');
  }
}

function parseAmzDate(value: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return match ? Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!, +match[5]!, +match[6]!) : Number.NaN;
}
