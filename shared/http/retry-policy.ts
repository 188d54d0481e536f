/**
 * The one HTTP policy every call to Docker (and to its pre-signed storage) follows:
 * bounded attempts, exponential backoff with full jitter, Retry-After honoured,
 * and retries only where a retry can help (429, 5xx, network errors).
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. @default 5 */
  readonly maxAttempts: number;
  /** First backoff step; doubled on each retry. @default 250 */
  readonly baseDelayMs: number;
  /** Ceiling of one backoff step. @default 10_000 */
  readonly maxDelayMs: number;
  /** Longest Retry-After we wait; a longer one is waited this long. @default 60_000 */
  readonly maxRetryAfterMs: number;
  /** Per attempt: time allowed until the response headers (and a JSON body) arrive. @default 30_000 */
  readonly timeoutMs: number;
  /** For streamed bodies: longest silence between two chunks. @default 60_000 */
  readonly idleTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  timeoutMs: 30_000,
  idleTimeoutMs: 60_000,
};

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Milliseconds to wait before retry number `retry` (1 for the first retry).
 * A valid Retry-After (seconds or an HTTP date) wins over the backoff.
 */
export function retryDelayMs(
  retry: number,
  policy: RetryPolicy,
  retryAfter: string | null,
  now: Date,
  random: () => number,
): number {
  const fromHeader = parseRetryAfterMs(retryAfter, now);
  if (fromHeader !== undefined) return Math.min(fromHeader, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}

const HTTP_DATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Retry-After as milliseconds from `now`, or undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only the IMF-fixdate form of an HTTP date: Date.parse reads "1.5" or "-1" as dates in 2001.
  if (!HTTP_DATE.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
