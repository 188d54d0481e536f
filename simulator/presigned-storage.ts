import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isReportDate } from '../shared/names.js';
import type { DvpCatalog } from './dvp/dvp-catalog.js';
import { sendDvpFile } from './dvp/dvp-storage.js';
import type { FaultBoard } from './faults.js';
import { BUCKET, type UrlSigner } from './presigned-url.js';
import type { ReportCatalog } from './report-catalog.js';
import { sendReportBody } from './report-streaming.js';
import type { RequestStats } from './stats.js';

export interface StorageDeps {
  readonly catalog: ReportCatalog;
  readonly dvp: DvpCatalog;
  readonly signer: UrlSigner;
  readonly faults: FaultBoard;
  readonly stats: RequestStats;
  readonly now: () => Date;
}

/** DVP export files live under this prefix of the bucket; Enterprise reports beside it. */
const DVP_PREFIX = `/${BUCKET}/dvp/`;
const OBJECT_PATH = new RegExp(`^/${BUCKET}/([a-z0-9][a-z0-9_-]*)/([a-z0-9][a-z0-9_-]*)/([a-z0-9][a-z0-9_-]*)/([0-9-]{10})\\.csv$`);

/**
 * The pre-signed storage, answering like S3: a GET of a signed URL streams the
 * object; an Authorization header next to a query signature is a 400; an
 * unsigned, tampered or expired URL is a 403; all errors in S3's XML.
 */
export function storageHandler(deps: StorageDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const { catalog, signer, faults, stats, now } = deps;
    stats.count('storage');
    const url = new URL(req.url ?? '/', 'http://storage.invalid');
    const resource = url.pathname;
    const dvpObject = resource.startsWith(DVP_PREFIX);
    if (dvpObject) stats.dvpDownloads += 1;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return s3Error(res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', resource);
    }
    if (req.headers.authorization !== undefined) {
      return s3Error(
        res,
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter ' +
          'or the Authorization header should be specified',
        resource,
        { ArgumentName: 'Authorization', ArgumentValue: 'Bearer ***' },
      );
    }
    const check = signer.check(url, now());
    if (!check.ok) {
      if (check.reason === 'unsigned') return s3Error(res, 403, 'AccessDenied', 'Access Denied', resource);
      if (check.reason === 'signature') {
        return s3Error(
          res,
          403,
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
          resource,
        );
      }
      return s3Error(res, 403, 'AccessDenied', 'Request has expired', resource, {
        'X-Amz-Expires': url.searchParams.get('X-Amz-Expires') ?? '',
        Expires: check.expiresAt.toISOString(),
        ServerTime: now().toISOString(),
      });
    }
    if (dvpObject) {
      const object = deps.dvp.object(resource.slice(BUCKET.length + 2));
      if (!object) return noSuchKey(res, resource);
      s3Headers(res);
      return sendDvpFile(req, res, object, faults, (count) => {
        stats.bytesServed += count;
        stats.dvpBytesServed += count;
      });
    }
    const match = OBJECT_PATH.exec(resource);
    const [org, type, cadence, date] = match ? (match.slice(1) as [string, string, string, string]) : [];
    // A URL outlives its report when the retention window moves on: S3 then has no such key.
    if (!org || !type || !cadence || !date || !isReportDate(date) || !catalog.find(org, type, cadence, date)) {
      return noSuchKey(res, resource);
    }
    const layout = catalog.layout(org, type, cadence, date);
    res.statusCode = 200;
    res.setHeader('content-type', 'text/csv');
    res.setHeader('last-modified', new Date(`${date}T16:00:00Z`).toUTCString());
    s3Headers(res);
    if (req.method === 'HEAD') {
      res.setHeader('content-length', layout.size);
      res.end();
      return;
    }
    const target = { org, operation: 'storage' as const };
    const fault = faults.take('resetMidBody', target) ?? faults.take('shortBody', target) ?? faults.take('stallMidBody', target);
    await sendReportBody(res, layout, fault, (count) => {
      stats.bytesServed += count;
    });
  };
}

function noSuchKey(res: ServerResponse, resource: string): void {
  s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.', resource, { Key: resource.slice(BUCKET.length + 2) });
}

/** The headers S3 puts on every object answer. */
function s3Headers(res: ServerResponse): void {
  res.setHeader('x-amz-request-id', requestId());
  res.setHeader('server', 'AmazonS3');
}

function s3Error(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  resource: string,
  extra: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const id = requestId();
  const elements = Object.entries({ Code: code, Message: message, ...extra, Resource: resource, RequestId: id })
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const body = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error>${elements}</Error>`, 'utf8');
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': body.length,
    'x-amz-request-id': id,
    server: 'AmazonS3',
  });
  res.end(body);
}

function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
