import { IntegrityError, TransportError, UpstreamHttpError } from '../errors.js';

/** Whether a failed download is worth another try: a break, a stall, a short body, a 5xx, a 429. */
export function isTransient(error: unknown): boolean {
  if (error instanceof IntegrityError || error instanceof TransportError) return true;
  if (error instanceof UpstreamHttpError) return error.status >= 500 || error.status === 429;
  // A connection reset mid-body surfaces as a plain network error from the stream.
  return error instanceof Error && isNetworkFailure(error);
}

function isNetworkFailure(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return (
    code === 'ECONNRESET' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'EPIPE' ||
    code === 'ETIMEDOUT' ||
    error.name === 'AbortError' ||
    /terminated|socket|other side closed/i.test(error.message)
  );
}
