import type { Readable } from 'node:stream';
import { TransportError } from '../errors.js';
import { breakReason, reportBreaks } from '../http/body-breaks.js';
import type { HttpClient } from '../http/http-client.js';

/** A file's bytes from Docker's storage, as they arrive. */
export interface SignedFileDownload {
  readonly body: Readable;
  /** The storage's Content-Length, when it sent one. */
  readonly contentLength: number | undefined;
}

/**
 * Fetches a signed storage URL (already checked by `checkDownloadLocation`):
 * only the URL's own signature goes there, no Authorization header, no
 * redirect followed. A 200 is the download, with a body that says where it
 * broke off if it does; any other status is returned, its body discarded,
 * for the caller to word.
 */
export async function fetchSignedFile(http: HttpClient, target: URL, label: string): Promise<SignedFileDownload | { readonly status: number }> {
  const response = await http.sendForStream(`${label} from ${target.host}`, target.href);
  if (response.status !== 200) {
    response.body.destroy();
    return { status: response.status };
  }
  const length = response.headers.get('content-length');
  const contentLength = length === null ? undefined : Number(length);
  const body = reportBreaks(response.body, (bytes, error) => brokeOff(`${label} from ${target.origin}`, bytes, contentLength, error));
  // The caller may start reading later (landing asks for the download while it fetches the
  // schema): a connection reset before then must wait for its pipeline, not crash the process.
  body.on('error', () => undefined);
  return { body, contentLength };
}

/**
 * A body that broke mid-way: where from (the origin only, never the signed
 * query), how far it got, and that a retry is the cure. Transient, so landing
 * fetches it again with a fresh URL.
 */
function brokeOff(where: string, bytes: number, expected: number | undefined, error: Error): TransportError {
  const of = expected === undefined ? '' : ` of ${expected}`;
  return new TransportError(
    `${where}: broke off after ${bytes}${of} bytes (${breakReason(error)}). It is fetched again; ` +
      'if it keeps breaking, check the network and run again later (nothing partial is kept).',
    { cause: error },
  );
}
