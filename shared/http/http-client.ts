import { TransportError, UpstreamHttpError, messageOf } from '../errors.js';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, retryDelayMs, type RetryPolicy } from './retry-policy.js';
import { nodeStreamGet, type StreamGet, type StreamResponse } from './stream-get.js';

/** The slice of WHATWG fetch the engine needs; Node's global fetch fits. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpDeps {
  readonly fetch: FetchLike;
  /** Streamed GETs of report bodies. @default Node's http/https */
  readonly streamGet?: StreamGet;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly now: () => Date;
}

export const defaultHttpDeps: HttpDeps = {
  fetch: (input, init) => globalThis.fetch(input, init),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: () => new Date(),
};

/** A response whose body has been read as text within the attempt's deadline. */
export interface TextResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface Attempt {
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

/**
 * Sends requests under a {@link RetryPolicy}. Retryable answers (429, 5xx) and
 * network errors are retried; the last answer is returned when attempts run out,
 * so callers turn statuses into errors in one place.
 */
export class HttpClient {
  readonly policy: RetryPolicy;

  constructor(
    private readonly deps: HttpDeps = defaultHttpDeps,
    policy: Partial<RetryPolicy> = {},
    private readonly onRetry?: (label: string, attempt: Attempt) => void,
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...policy };
  }

  /**
   * Sends and reads the body as text; the deadline covers headers and body.
   *
   * It never follows a redirect: every request sent here carries a credential
   * (the OAT in the body, our JWT in a header), and fetch would send it again,
   * body included on a 307/308, to whatever origin the `Location` names, over
   * plain http too. A 3xx is an {@link UpstreamHttpError} naming only origins,
   * unless the caller passes `redirect: 'manual'` to read the redirect itself
   * (the download endpoint, whose `Location` is checked before use).
   */
  async sendForText(label: string, url: string, init: RequestInit = {}): Promise<TextResponse> {
    const response = await this.fetchWithRetries(label, url, { ...init, redirect: 'manual' }, async (answer) => ({
      status: answer.status,
      headers: answer.headers,
      text: await answer.text(),
    }));
    if (isRedirect(response.status) && init.redirect !== 'manual') throw redirectRefused(label, url, response);
    return response;
  }

  /**
   * GETs and returns the answer with its body unread, as a Node stream; the
   * deadline covers the headers only, so a large body streams for as long as
   * it keeps moving (see {@link RetryPolicy.idleTimeoutMs}). It never follows
   * a redirect, and sends only the headers given.
   */
  async sendForStream(label: string, url: string, headers: Readonly<Record<string, string>> = {}): Promise<StreamResponse> {
    const get = this.deps.streamGet ?? nodeStreamGet;
    return this.withRetries(
      label,
      url,
      (signal) => get(url, { headers, signal }),
      async (response) => response,
      (response) => {
        response.body.destroy();
      },
    );
  }

  private async fetchWithRetries<T>(label: string, url: string, init: RequestInit, read: (response: Response) => Promise<T>): Promise<T> {
    return this.withRetries(
      label,
      url,
      (signal) => this.deps.fetch(url, { ...init, signal }),
      read,
      // Free the connection: the body of an answer we retry is not needed.
      (response) => response.body?.cancel().catch(() => undefined),
    );
  }

  private async withRetries<A extends { status: number; headers: Headers }, T>(
    label: string,
    url: string,
    send: (signal: AbortSignal) => Promise<A>,
    read: (answer: A) => Promise<T>,
    discard: (answer: A) => unknown,
  ): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= this.policy.maxAttempts;
      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new Error(`timed out after ${this.policy.timeoutMs} ms`)),
        this.policy.timeoutMs,
      );
      try {
        const response = await send(controller.signal);
        if (last || !isRetryableStatus(response.status)) return await read(response);
        await discard(response);
        clearTimeout(timer);
        await this.pause(label, attempt, response.headers.get('retry-after'), `HTTP ${response.status}`);
      } catch (error) {
        clearTimeout(timer);
        if (last) {
          throw new TransportError(
            `${label}: no answer after ${attempt} attempts (${describeNetworkError(error)}). ` +
              `Check the network path to ${new URL(url).host} and try again.`,
            { cause: error },
          );
        }
        await this.pause(label, attempt, null, describeNetworkError(error));
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private async pause(label: string, attempt: number, retryAfter: string | null, reason: string): Promise<void> {
    const delayMs = retryDelayMs(attempt, this.policy, retryAfter, this.deps.now(), this.deps.random);
    this.onRetry?.(label, { attempt, delayMs, reason });
    await this.deps.sleep(delayMs);
  }
}

function isRedirect(status: number): boolean {
  return status >= 300 && status <= 399;
}

/**
 * The error for a redirect not followed. It names origins only: a path or a
 * query can hold a pre-signed signature or a token, and the origin is all a
 * user needs to see which setting sends requests astray.
 */
function redirectRefused(label: string, url: string, response: TextResponse): UpstreamHttpError {
  const target = originOf(response.headers.get('location'), url);
  return new UpstreamHttpError(
    `${label}: ${new URL(url).origin} answered HTTP ${response.status}, a redirect${target ? ` to ${target}` : ''}; ` +
      'not followed, because this request carries a credential. If DOCKER_API_URL, DOCKER_DVP_API_URL or DOCKER_HUB_URL is set, ' +
      'set it to the https address that answers without a redirect; if not, please report this message.',
    response.status,
    label,
  );
}

/** The origin of a (possibly relative) `Location`, or undefined when it is not a URL. */
function originOf(location: string | null, base: string): string | undefined {
  if (!location) return undefined;
  try {
    const origin = new URL(location, base).origin;
    // Non-special schemes (data:, javascript:) have the opaque origin "null": nothing worth naming.
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && error.cause instanceof Error) {
    const code = (error.cause as NodeJS.ErrnoException).code;
    return code ? `${error.cause.message} [${code}]` : error.cause.message;
  }
  return messageOf(error);
}
