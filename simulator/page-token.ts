import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque listing cursors: the last date of a page, bound to the listing it
 * belongs to and signed, so a forged, garbled or foreign token is a 400 as
 * upstream. A date cursor (not an offset) stays right when the clock moves
 * the retention window between two pages.
 */
export class PageTokens {
  private readonly key = randomBytes(32);

  /** The token that resumes `listing` (e.g. "acme/usage_pulls/daily") after `lastDate`. */
  encode(listing: string, lastDate: string): string {
    const payload = Buffer.from(`${listing}|${lastDate}`, 'utf8').toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The date a token resumes after, or undefined when the token is not one of ours for `listing`. */
  decode(listing: string, token: string): string | undefined {
    const [payload, signature, extra] = token.split('.');
    if (payload === undefined || signature === undefined || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const text = Buffer.from(payload, 'base64url').toString('utf8');
    const cut = text.lastIndexOf('|');
    return text.slice(0, cut) === listing ? text.slice(cut + 1) : undefined;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url').slice(0, 22);
  }
}
