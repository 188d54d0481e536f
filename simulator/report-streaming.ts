import type { ServerResponse } from 'node:http';
import { layoutChunks, type ReportLayout } from './csv-generator.js';
import type { Fault } from './faults.js';

/** The storage faults that change how a body is sent. */
export type BodyFault = Extract<Fault, { kind: 'resetMidBody' | 'shortBody' | 'stallMidBody' }>;

/**
 * Writes a report body, honouring backpressure (a 300 MB body never sits in
 * memory), or breaks it the way a fault says. Headers other than the length
 * must already be set. Resolves when done or when the client went away.
 */
export async function sendReportBody(
  res: ServerResponse,
  layout: ReportLayout,
  fault: BodyFault | undefined,
  onBytes: (count: number) => void,
): Promise<void> {
  const half = Math.floor(layout.size / 2);
  switch (fault?.kind) {
    case undefined:
      res.setHeader('content-length', layout.size);
      if (await writeUpTo(res, layout, layout.size, onBytes)) res.end();
      return;
    case 'shortBody': {
      // Chunked, so no Content-Length gives it away: only counting the bytes does.
      const missing = Math.min(layout.size, fault.missingBytes ?? layout.lastRow.length);
      if (await writeUpTo(res, layout, layout.size - missing, onBytes)) res.end();
      return;
    }
    case 'resetMidBody': {
      res.setHeader('content-length', layout.size);
      const sent = Math.min(fault.afterBytes ?? half, Math.max(0, layout.size - 1));
      if (!(await writeUpTo(res, layout, sent, onBytes))) return;
      if (!res.headersSent) res.flushHeaders();
      await flushed(res);
      const socket = res.socket;
      // An RST, not a FIN: the client sees ECONNRESET, as when a proxy or S3 drops the connection.
      if (socket && !socket.destroyed) socket.resetAndDestroy();
      return;
    }
    case 'stallMidBody': {
      res.setHeader('content-length', layout.size);
      const sent = Math.min(fault.afterBytes ?? half, Math.max(0, layout.size - 1));
      if ((await writeUpTo(res, layout, sent, onBytes)) && !res.headersSent) res.flushHeaders();
      // Nothing more is sent; the socket stays open until the client gives up or the simulator closes.
      return;
    }
  }
}

/** Writes the first `limit` bytes of the body; false when the client went away. */
async function writeUpTo(
  res: ServerResponse,
  layout: ReportLayout,
  limit: number,
  onBytes: (count: number) => void,
): Promise<boolean> {
  let sent = 0;
  for (const chunk of layoutChunks(layout)) {
    if (sent >= limit) break;
    if (res.destroyed) return false;
    const piece = sent + chunk.length > limit ? chunk.subarray(0, limit - sent) : chunk;
    sent += piece.length;
    onBytes(piece.length);
    if (!res.write(piece) && !(await drained(res))) return false;
  }
  return !res.destroyed;
}

/** Resolves true on 'drain', false if the connection closes first. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/** Waits until what was written has left for the kernel, so a reset does not swallow it. */
async function flushed(res: ServerResponse): Promise<void> {
  const socket = res.socket;
  for (let waited = 0; socket && !socket.destroyed && socket.writableLength > 0 && waited < 2000; waited += 5) {
    await sleep(5);
  }
  // A moment for the bytes to cross loopback before the RST overtakes them.
  await sleep(20);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
