import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

/** A streamed GET's answer: its status and headers, and its body still to be read. */
export interface StreamResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Readable;
}

/** Sends a GET and resolves once the headers are in; never follows a redirect. */
export type StreamGet = (url: string, init: { readonly headers?: Readonly<Record<string, string>>; readonly signal: AbortSignal }) => Promise<StreamResponse>;

/** Read buffer of a download: large chunks cost fewer turns of the event loop per byte. */
const BODY_HIGH_WATER_MARK = 1024 * 1024;

/**
 * GET with Node's own HTTP client, for report bodies: a Node stream straight
 * from the socket, about 1.5x the throughput of fetch's web stream turned
 * into a Node stream (measured in `npm run bench`).
 */
export const nodeStreamGet: StreamGet = (url, init) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    // Node takes `highWaterMark` for the response (its types do not list it yet).
    const options: RequestOptions & { highWaterMark: number } = {
      method: 'GET',
      headers: { ...init.headers },
      signal: init.signal,
      highWaterMark: BODY_HIGH_WATER_MARK,
    };
    const request = send(target, options, (response: IncomingMessage) => {
      const headers = new Headers();
      for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) headers.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
      resolve({ status: response.statusCode ?? 0, headers, body: response });
    });
    request.on('error', reject);
    request.end();
  });
