/** An HTTP request as the reports API sees it, whatever carried it (API Gateway, a local server). */
export interface ApiRequest {
  readonly method: string;
  /** The path as received, below the API's base (`/orgs/acme/reports`), percent-encoding untouched where the carrier allows. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** An answer in Docker's error envelope, `{"error": "..."}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(error: ApiError): ApiResponse {
  return json(error.status, { error: error.message }, { ...error.headers });
}
