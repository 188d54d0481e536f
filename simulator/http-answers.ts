import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  sendText(res, status, 'application/json', JSON.stringify(body), headers);
}

/** The Enterprise Data API's envelope on every non-2xx answer: `{"error": "..."}`. */
export function sendError(res: ServerResponse, status: number, message: string, headers: OutgoingHttpHeaders = {}): void {
  sendJson(res, status, { error: message }, headers);
}

export function sendText(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: OutgoingHttpHeaders = {},
): void {
  // A client that hung up, or a simulator closing, leaves nothing to answer.
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': body.length });
  res.end(body);
}

/** The request body, or undefined when it is longer than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}
