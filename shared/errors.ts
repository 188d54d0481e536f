/**
 * Every failure the engine raises is a {@link DockerReportsError}: a message that
 * names what failed and says what to do. Subclasses let callers catch broadly
 * (any engine error) or narrowly (credentials, integrity, ...).
 *
 * Messages never carry an OAT, a JWT or a pre-signed URL's query string.
 */
export class DockerReportsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DockerReportsError';
  }
}

/** Bad input or configuration, found before any request is sent. */
export class ConfigError extends DockerReportsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** Docker answered an HTTP error. `status` is the upstream status code. */
export class UpstreamHttpError extends DockerReportsError {
  constructor(
    message: string,
    readonly status: number,
    readonly endpoint: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'UpstreamHttpError';
  }
}

/** Docker refused the credentials (401 after a fresh exchange). */
export class CredentialsRejectedError extends UpstreamHttpError {
  constructor(message: string, endpoint: string, options?: ErrorOptions) {
    super(message, 401, endpoint, options);
    this.name = 'CredentialsRejectedError';
  }
}

/** The token is valid but lacks the Report read permission, or the org has no eligible subscription (403). */
export class PermissionDeniedError extends UpstreamHttpError {
  constructor(message: string, endpoint: string, options?: ErrorOptions) {
    super(message, 403, endpoint, options);
    this.name = 'PermissionDeniedError';
  }
}

/** Docker has no such org, type, cadence or report (404). */
export class NotFoundError extends UpstreamHttpError {
  constructor(message: string, endpoint: string, options?: ErrorOptions) {
    super(message, 404, endpoint, options);
    this.name = 'NotFoundError';
  }
}

/** A 2xx answer whose JSON does not match Docker's documented contract. */
export class UpstreamPayloadError extends DockerReportsError {
  constructor(
    message: string,
    readonly endpoint: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'UpstreamPayloadError';
  }
}

/** Paging that can never end: a repeated cursor or more pages than any real listing has. */
export class PagingError extends DockerReportsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PagingError';
  }
}

/** A download redirect to a place the engine refuses to fetch from. */
export class LocationRefusedError extends DockerReportsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocationRefusedError';
  }
}

/** A body whose byte count differs from the size Docker listed, or that broke off. */
export class IntegrityError extends DockerReportsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IntegrityError';
  }
}

/** The network failed or a request timed out, after every retry. */
export class TransportError extends DockerReportsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/**
 * Another run holds the period's lease (it is landing it) and did not finish
 * within the wait: the period is left to that run.
 */
export class PeriodBusyError extends DockerReportsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PeriodBusyError';
  }
}

/** The lake itself (S3, a folder) refused or failed an operation: not Docker, not the network to Docker. */
export class LakeError extends DockerReportsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LakeError';
  }
}

/** The lease of a period expired under a landing (another run took it over): the landing stops before its manifest. */
export class LeaseLostError extends DockerReportsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LeaseLostError';
  }
}

/** True for the errors that mean "Docker said no to these credentials". */
export function isAuthError(error: unknown): error is CredentialsRejectedError | PermissionDeniedError {
  return error instanceof CredentialsRejectedError || error instanceof PermissionDeniedError;
}

/** The message of anything thrown, for logs and summaries. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
