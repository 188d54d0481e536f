/** The Enterprise Data API's four operations. */
export type ApiOperation = 'types' | 'list' | 'schema' | 'download';
/**
 * The DVP Data API's operations: `dvp-namespace` is `/`, `/namespaces` and
 * `/namespaces/{ns}`; `dvp-years` is `.../exports/years`; `dvp-timespans` is
 * `.../years/{y}/{weeks|months}` and `.../{n}`; `dvp-files` is `.../{n}/{view}`.
 */
export type DvpApiOperation = 'dvp-namespace' | 'dvp-years' | 'dvp-timespans' | 'dvp-files';
/** Operations whose answer a fault can replace: the Hub's token exchange and login, and both APIs'. */
export type AnsweredOperation = 'token' | 'dvp-login' | ApiOperation | DvpApiOperation;

/** Narrows a fault to one org or namespace and, for answer faults, to some operations. */
export interface FaultScope {
  /**
   * Only requests for this org or DVP namespace (the path's; for a token
   * exchange or login, the identifier, or any namespace of that user).
   */
  readonly org?: string;
  /** The same as `org`, for a DVP namespace; `org` wins when both are given. */
  readonly namespace?: string;
  /**
   * Only the DVP export file at this index (0-based, as in
   * `sim.dvp.exports(ns)[i].files` and `sim.dvp.fileBody`): its URL for
   * `expiredUrl`, its download for the storage faults. Enterprise reports
   * never match.
   */
  readonly fileIndex?: number;
  /**
   * Only these operations. @default both APIs' (the Enterprise four and the
   * DVP four); add 'token' or 'dvp-login' to include the Hub
   */
  readonly operations?: readonly AnsweredOperation[];
}

/** How a malformed answer is malformed. */
export type MalformedStyle =
  /** Valid JSON in the wrong shape (a missing or mistyped field). */
  | 'shape'
  /** Not JSON at all: an HTML page, as from a misconfigured proxy. */
  | 'not-json'
  /** JSON cut off mid-way. */
  | 'truncated';

/**
 * Failures tests switch on at run time. Each one applies to the next `times`
 * matching requests and is then used up, so a test can say "the next two
 * calls fail" and check that a retry succeeds.
 */
export interface FaultControls {
  /**
   * The next `times` API calls get 429 with `Retry-After: retryAfterSeconds`
   * (DVP calls and login as Hub sends it: `X-Retry-After`, a Unix time).
   */
  rateLimit(times?: number, retryAfterSeconds?: number, scope?: FaultScope): FaultControls;
  /** The next `times` API calls get a 5xx with the error envelope. */
  serverError(times?: number, status?: 500 | 502 | 503 | 504, scope?: FaultScope): FaultControls;
  /** The next `times` API calls get 404 with the error envelope, as for a report Docker deleted meanwhile. */
  notFound(times?: number, scope?: FaultScope): FaultControls;
  /**
   * The next `times` storage downloads send `afterBytes` of the body (default:
   * half of it) and then reset the connection.
   */
  resetMidBody(times?: number, afterBytes?: number, scope?: FaultScope): FaultControls;
  /**
   * The next `times` storage downloads end cleanly but short, sent chunked
   * (no Content-Length), so only counting the bytes reveals it. By default the
   * whole last row is missing: the CSV still looks complete.
   */
  shortBody(times?: number, missingBytes?: number, scope?: FaultScope): FaultControls;
  /** The next `times` storage downloads send `afterBytes` (default: half) and then nothing, connection open. */
  stallMidBody(times?: number, afterBytes?: number, scope?: FaultScope): FaultControls;
  /**
   * The next `times` download redirects, or DVP file URLs (one use per URL a
   * files answer lists), hand out a pre-signed URL that has already expired.
   */
  expiredUrl(times?: number, scope?: FaultScope): FaultControls;
  /** Every JWT issued so far is refused (401) from now on: expiry in the middle of a run. */
  expireTokens(): FaultControls;
  /** The next `times` answers of `operation` are a 200 that breaks the documented format. */
  malformed(operation: MalformableOperation, times?: number, style?: MalformedStyle, scope?: FaultScope): FaultControls;
  /** The next `times` listing pages asked with a `page_token` return that same token as `next_page_token`. */
  repeatPageToken(times?: number, scope?: FaultScope): FaultControls;
  /** Disarms every fault not used up yet (expired tokens stay expired). */
  clear(): FaultControls;
  /** How many fault uses are still armed, in all. */
  pending(): number;
}

/** Operations that answer JSON a client parses, which a malformed fault can break. */
export type MalformableOperation = 'types' | 'list' | 'schema' | 'dvp-login' | DvpApiOperation;

/** What a request is, for matching faults. */
export interface FaultTarget {
  readonly org: string | undefined;
  /** For a Hub user's login or exchange: the namespaces it reads, each matching a scope's org too. */
  readonly namespaces?: readonly string[];
  readonly operation: AnsweredOperation | 'storage';
  /** For a DVP file's URL or download: its 0-based index in its export. */
  readonly fileIndex?: number;
}

export type Fault =
  | { readonly kind: 'rateLimit'; readonly retryAfterSeconds: number }
  | { readonly kind: 'serverError'; readonly status: number }
  | { readonly kind: 'notFound' }
  | { readonly kind: 'resetMidBody'; readonly afterBytes: number | undefined }
  | { readonly kind: 'shortBody'; readonly missingBytes: number | undefined }
  | { readonly kind: 'stallMidBody'; readonly afterBytes: number | undefined }
  | { readonly kind: 'expiredUrl' }
  | { readonly kind: 'malformed'; readonly operation: MalformableOperation; readonly style: MalformedStyle }
  | { readonly kind: 'repeatPageToken' };

interface Armed {
  readonly fault: Fault;
  remaining: number;
  readonly org: string | undefined;
  readonly fileIndex: number | undefined;
  readonly operations: readonly (AnsweredOperation | 'storage')[];
}

const API_OPERATIONS: readonly AnsweredOperation[] = [
  'types',
  'list',
  'schema',
  'download',
  'dvp-namespace',
  'dvp-years',
  'dvp-timespans',
  'dvp-files',
];

/** The simulator's side of {@link FaultControls}: arms faults and hands each out when a request matches. */
export class FaultBoard implements FaultControls {
  private armed: Armed[] = [];

  constructor(private readonly onExpireTokens: () => void) {}

  rateLimit(times = 1, retryAfterSeconds = 1, scope: FaultScope = {}): this {
    return this.arm({ kind: 'rateLimit', retryAfterSeconds }, times, scope, scope.operations ?? API_OPERATIONS);
  }

  serverError(times = 1, status: 500 | 502 | 503 | 504 = 500, scope: FaultScope = {}): this {
    return this.arm({ kind: 'serverError', status }, times, scope, scope.operations ?? API_OPERATIONS);
  }

  notFound(times = 1, scope: FaultScope = {}): this {
    return this.arm({ kind: 'notFound' }, times, scope, scope.operations ?? API_OPERATIONS);
  }

  resetMidBody(times = 1, afterBytes?: number, scope: FaultScope = {}): this {
    return this.arm({ kind: 'resetMidBody', afterBytes: bytes(afterBytes) }, times, scope, ['storage']);
  }

  shortBody(times = 1, missingBytes?: number, scope: FaultScope = {}): this {
    return this.arm({ kind: 'shortBody', missingBytes: bytes(missingBytes, 1) }, times, scope, ['storage']);
  }

  stallMidBody(times = 1, afterBytes?: number, scope: FaultScope = {}): this {
    return this.arm({ kind: 'stallMidBody', afterBytes: bytes(afterBytes) }, times, scope, ['storage']);
  }

  expiredUrl(times = 1, scope: FaultScope = {}): this {
    return this.arm({ kind: 'expiredUrl' }, times, scope, ['download', 'dvp-files']);
  }

  expireTokens(): this {
    this.onExpireTokens();
    return this;
  }

  malformed(operation: MalformableOperation, times = 1, style: MalformedStyle = 'shape', scope: FaultScope = {}): this {
    return this.arm({ kind: 'malformed', operation, style }, times, scope, [operation]);
  }

  repeatPageToken(times = 1, scope: FaultScope = {}): this {
    return this.arm({ kind: 'repeatPageToken' }, times, scope, ['list']);
  }

  clear(): this {
    this.armed = [];
    return this;
  }

  pending(): number {
    return this.armed.reduce((sum, armed) => sum + armed.remaining, 0);
  }

  /** Uses up one armed fault of `kind` that matches the request, oldest first. */
  take<K extends Fault['kind']>(kind: K, target: FaultTarget): Extract<Fault, { kind: K }> | undefined {
    const armed = this.armed.find(
      (a) =>
        a.fault.kind === kind &&
        a.remaining > 0 &&
        (a.org === undefined || a.org === target.org || (target.namespaces?.includes(a.org) ?? false)) &&
        (a.fileIndex === undefined || a.fileIndex === target.fileIndex) &&
        a.operations.includes(target.operation),
    );
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining === 0) this.armed = this.armed.filter((a) => a !== armed);
    return armed.fault as Extract<Fault, { kind: K }>;
  }

  private arm(fault: Fault, times: number, scope: FaultScope, operations: Armed['operations']): this {
    if (!Number.isInteger(times) || times < 1) throw new Error(`simulator: a fault applies a whole number of times (1 or more), not ${times}.`);
    if (scope.fileIndex !== undefined && (!Number.isInteger(scope.fileIndex) || scope.fileIndex < 0)) {
      throw new Error(`simulator: a fault's fileIndex is a 0-based index (0 or more), not ${scope.fileIndex}.`);
    }
    this.armed.push({ fault, remaining: times, org: scope.org ?? scope.namespace, fileIndex: scope.fileIndex, operations });
    return this;
  }
}

function bytes(value: number | undefined, min = 0): number | undefined {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
    throw new Error(`simulator: a byte count must be a whole number of at least ${min}, not ${value}.`);
  }
  return value;
}
