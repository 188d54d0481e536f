import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReportLayout } from '../csv-generator.js';
import type { FaultBoard } from '../faults.js';
import { sendReportBody } from '../report-streaming.js';
import type { DvpObject } from './dvp-catalog.js';

/** gzip's trailer: CRC-32 and length of the uncompressed data. */
const GZIP_TRAILER_BYTES = 8;

/**
 * Streams a DVP export file from the pre-signed storage (which has set S3's
 * own headers and checked the signature), as S3 serves an
 * object: its bytes as stored, gzip included and no Content-Encoding (the
 * file is a `.csv.gz` object, not a compressed transfer, so a client gets and
 * counts the bytes the listing sized). The storage faults apply, matched on
 * the namespace and the file's position.
 */
export async function sendDvpFile(
  req: IncomingMessage,
  res: ServerResponse,
  object: DvpObject,
  faults: FaultBoard,
  onBytes: (count: number) => void,
): Promise<void> {
  const { file, period } = object;
  res.statusCode = 200;
  res.setHeader('content-type', file.gzip ? 'application/x-gzip' : 'text/csv');
  // Docker publishes a period's exports once it is over.
  res.setHeader('last-modified', new Date(Date.parse(`${period.end}T00:00:00Z`) + 86_400_000).toUTCString());
  if (req.method === 'HEAD') {
    res.setHeader('content-length', file.body.length);
    res.end();
    return;
  }
  const target = { org: object.namespace, operation: 'storage' as const, fileIndex: object.index };
  const fault = faults.take('resetMidBody', target) ?? faults.take('shortBody', target) ?? faults.take('stallMidBody', target);
  await sendReportBody(res, bufferLayout(file.body, file.gzip), fault, onBytes);
}

/**
 * A whole body as a report layout, so the Enterprise reports' sending and
 * faults serve it. Its "last row", what a short body leaves out by default,
 * is the gzip trailer (the data inflates completely and only a checking
 * reader notices) or the CSV's last line (the file still looks complete).
 */
function bufferLayout(body: Buffer, gzip: boolean): ReportLayout {
  const tail = gzip ? Math.min(GZIP_TRAILER_BYTES, body.length) : lastLineLength(body);
  const cut = body.length - tail;
  return { size: body.length, header: body.subarray(0, cut), block: Buffer.alloc(0), repeats: 0, partial: 0, lastRow: body.subarray(cut) };
}

function lastLineLength(body: Buffer): number {
  if (body.length === 0) return 0;
  const previous = body.lastIndexOf(0x0a, body.length - 2);
  return body.length - (previous + 1);
}
