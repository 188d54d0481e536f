import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FaultBoard, FaultTarget, MalformableOperation } from '../faults.js';
import { sendJson, sendText } from '../http-answers.js';

/** Hub's error envelope, which the DVP API and login share: `{"detail": "..."}`. */
export function sendDetail(res: ServerResponse, status: number, detail: string, headers: OutgoingHttpHeaders = {}): void {
  sendJson(res, status, { detail }, headers);
}

/**
 * Hub's 429: no Retry-After, but `X-Retry-After` as a Unix time and the
 * `X-RateLimit-*` headers, as Hub's API documents them. A client that only
 * reads Retry-After finds nothing here, as against Hub itself.
 */
export function sendTooMany(res: ServerResponse, now: Date, retryAfterSeconds: number): void {
  const reset = Math.ceil(now.getTime() / 1000) + retryAfterSeconds;
  sendDetail(res, 429, 'Too Many Requests', {
    'x-retry-after': String(reset),
    // A plausible limit: Hub documents the headers, not the numbers.
    'x-ratelimit-limit': '180',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(reset),
  });
}

const SERVER_ERRORS: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The rate-limit, server-error and not-found faults armed for a request, answered; true when one was. */
export function answeredByFault(res: ServerResponse, faults: FaultBoard, target: FaultTarget, now: Date): boolean {
  const rateFault = faults.take('rateLimit', target);
  if (rateFault) {
    sendTooMany(res, now, rateFault.retryAfterSeconds);
    return true;
  }
  const serverFault = faults.take('serverError', target);
  if (serverFault) {
    sendDetail(res, serverFault.status, SERVER_ERRORS[serverFault.status] ?? 'Internal Server Error');
    return true;
  }
  if (faults.take('notFound', target)) {
    sendDetail(res, 404, 'Not Found');
    return true;
  }
  return false;
}

/** Sends `body`, or, when a malformed fault is armed for the operation, something that breaks the format. */
export function answerJson(
  res: ServerResponse,
  faults: FaultBoard,
  target: FaultTarget & { operation: MalformableOperation },
  body: unknown,
  wrongShape: unknown,
): void {
  const fault = faults.take('malformed', target);
  if (!fault) return sendJson(res, 200, body);
  if (fault.style === 'not-json') {
    return sendText(res, 200, 'text/html', '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n');
  }
  if (fault.style === 'truncated') {
    const text = JSON.stringify(body);
    return sendText(res, 200, 'application/json', text.slice(0, Math.max(1, Math.floor(text.length / 2))));
  }
  sendJson(res, 200, wrongShape);
}
