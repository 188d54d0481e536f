import { performance } from 'node:perf_hooks';
import type { RateLimitOptions } from './simulator-options.js';

/**
 * A token bucket over the API's calls. It runs on real elapsed time, not the
 * simulator's clock: tests freeze or jump that clock, and a bucket that never
 * refills would make every retry fail.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limits: RateLimitOptions,
    private readonly elapsedMs: () => number = () => performance.now(),
  ) {
    this.tokens = limits.burst;
    this.last = this.elapsedMs();
  }

  /** Takes a token; when none is left, the whole seconds to wait until one is (a Retry-After). */
  take(): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.elapsedMs();
    const { requestsPerSecond, burst } = this.limits;
    this.tokens = Math.min(burst, this.tokens + ((now - this.last) / 1000) * requestsPerSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / requestsPerSecond)) };
  }
}
