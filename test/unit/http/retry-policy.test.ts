import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfterMs,
  retryDelayMs,
  type RetryPolicy,
} from '../../../shared/http/retry-policy.js';

const NOW = new Date('2026-06-17T08:00:00.000Z');
const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };
/** A random source pinned at its top, so the delay equals the backoff ceiling. */
const highest = () => 0.999_999_999;

describe('Function: isRetryableStatus', () => {
  it.each([429, 500, 502, 503, 504, 599])('retries HTTP %i', (status) => {
    // Act
    const retryable = isRetryableStatus(status);

    // Assess
    expect(retryable).toBe(true);
  });

  it.each([200, 204, 302, 400, 401, 403, 404, 409, 422, 428, 431])('does not retry HTTP %i', (status) => {
    // Act
    const retryable = isRetryableStatus(status);

    // Assess
    expect(retryable).toBe(false);
  });
});

describe('Function: retryDelayMs', () => {
  it('doubles the backoff ceiling on each retry until maxDelayMs', () => {
    // Prepare
    const retries = [1, 2, 3, 4, 5, 6, 12];

    // Act
    const delays = retries.map((retry) => retryDelayMs(retry, policy, null, NOW, highest));

    // Assess
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('applies full jitter: the delay is random x ceiling, from 0 up to the ceiling', () => {
    // Prepare
    const draws = [0, 0.25, 0.5, 0.75];

    // Act
    const delays = draws.map((draw) => retryDelayMs(3, policy, null, NOW, () => draw));

    // Assess
    expect(delays).toEqual([0, 100, 200, 300]);
  });

  it('draws once from the random source per delay', () => {
    // Prepare
    let draws = 0;
    const random = () => {
      draws += 1;
      return 0.5;
    };

    // Act
    retryDelayMs(2, policy, null, NOW, random);

    // Assess
    expect(draws).toBe(1);
  });

  it('waits the Retry-After seconds instead of the backoff', () => {
    // Act
    const delay = retryDelayMs(1, policy, '3', NOW, highest);

    // Assess
    expect(delay).toBe(3_000);
  });

  it('waits until a Retry-After HTTP date', () => {
    // Prepare
    const inFourSeconds = new Date(NOW.getTime() + 4_000).toUTCString();

    // Act
    const delay = retryDelayMs(1, policy, inFourSeconds, NOW, highest);

    // Assess
    expect(delay).toBe(4_000);
  });

  it('caps a long Retry-After in seconds at maxRetryAfterMs', () => {
    // Act
    const delay = retryDelayMs(1, policy, '3600', NOW, highest);

    // Assess
    expect(delay).toBe(policy.maxRetryAfterMs);
  });

  it('caps a far Retry-After HTTP date at maxRetryAfterMs', () => {
    // Prepare
    const tomorrow = new Date(NOW.getTime() + 86_400_000).toUTCString();

    // Act
    const delay = retryDelayMs(1, policy, tomorrow, NOW, highest);

    // Assess
    expect(delay).toBe(policy.maxRetryAfterMs);
  });

  it('falls back on the backoff when Retry-After is unreadable', () => {
    // Act
    const delay = retryDelayMs(2, policy, 'soon', NOW, highest);

    // Assess
    expect(delay).toBe(200);
  });
});

describe('Function: parseRetryAfterMs', () => {
  it('is undefined without a header', () => {
    // Act
    const parsed = parseRetryAfterMs(null, NOW);

    // Assess
    expect(parsed).toBeUndefined();
  });

  it.each([
    ['0', 0],
    ['7', 7_000],
    [' 12 ', 12_000],
  ])('reads delay-seconds %j as %i ms', (header, expected) => {
    // Act
    const parsed = parseRetryAfterMs(header, NOW);

    // Assess
    expect(parsed).toBe(expected);
  });

  it('reads an IMF-fixdate relative to now', () => {
    // Act
    const parsed = parseRetryAfterMs('Wed, 17 Jun 2026 08:00:30 GMT', NOW);

    // Assess
    expect(parsed).toBe(30_000);
  });

  it('reads a date in the past as no wait at all', () => {
    // Act
    const parsed = parseRetryAfterMs('Wed, 17 Jun 2026 07:59:00 GMT', NOW);

    // Assess
    expect(parsed).toBe(0);
  });

  it.each(['soon', '120s', '', '1e3'])('is undefined for the unreadable value %j', (header) => {
    // Act
    const parsed = parseRetryAfterMs(header, NOW);

    // Assess
    expect(parsed).toBeUndefined();
  });

  it.each(['1.5', '-1', '1 2'])('is undefined for %j, which is neither delay-seconds nor an HTTP date', (header) => {
    // Act
    const parsed = parseRetryAfterMs(header, NOW);

    // Assess
    expect(parsed).toBeUndefined();
  });
});
