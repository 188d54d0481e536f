import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localS3Client, startLocalS3, type LocalS3 } from './local-s3.js';

/**
 * s3rver with S3's conditional writes: a proxy in front of it that answers
 * `PUT` with `If-None-Match: *` (412 when the key exists) and `If-Match:
 * <etag>` (412 when the ETag differs, 404 when there is no object) as S3
 * does, and forwards everything else as is. s3rver 3.7 ignores both headers.
 * Writes to one key pass one at a time, so a check and its write are atomic,
 * as they are in S3.
 */
export async function startConditionalS3(): Promise<LocalS3 & { conditionalWrites: () => number }> {
  const upstream = await startLocalS3();
  const target = new URL(upstream.endpoint);
  const locks = new Map<string, Promise<void>>();
  let conditionalWrites = 0;

  const forward = (incoming: IncomingMessage, answer: ServerResponse, body?: Buffer) =>
    new Promise<void>((resolve) => {
      const outgoing = request(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (reply) => {
          answer.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(answer);
          reply.on('end', resolve);
        },
      );
      outgoing.on('error', () => {
        answer.destroy();
        resolve();
      });
      if (body) outgoing.end(body);
      else incoming.pipe(outgoing);
    });

  const head = (path: string) =>
    new Promise<{ status: number; etag?: string }>((resolve, reject) => {
      const probe = request({ host: target.hostname, port: target.port, method: 'HEAD', path }, (reply) => {
        reply.resume();
        resolve({ status: reply.statusCode ?? 0, etag: reply.headers.etag });
      });
      probe.on('error', reject);
      probe.end();
    });

  const refuse = (answer: ServerResponse, status: number, code: string) => {
    answer.writeHead(status, { 'content-type': 'application/xml' });
    answer.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
  };

  const conditional = async (incoming: IncomingMessage, answer: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const path = (incoming.url ?? '/').split('?')[0]!;
    const current = await head(path);
    const ifNoneMatch = incoming.headers['if-none-match'];
    const ifMatch = incoming.headers['if-match'];
    conditionalWrites += 1;
    if (ifNoneMatch === '*' && current.status === 200) return refuse(answer, 412, 'PreconditionFailed');
    if (ifMatch !== undefined && current.status !== 200) return refuse(answer, 404, 'NoSuchKey');
    if (ifMatch !== undefined && ifMatch !== current.etag) return refuse(answer, 412, 'PreconditionFailed');
    return forward(incoming, answer, Buffer.concat(chunks));
  };

  const server = createServer((incoming, answer) => {
    const path = (incoming.url ?? '/').split('?')[0]!;
    const writes = incoming.method === 'PUT' || incoming.method === 'DELETE';
    if (!writes) return void forward(incoming, answer);
    const isConditional = incoming.headers['if-none-match'] !== undefined || incoming.headers['if-match'] !== undefined;
    const previous = locks.get(path) ?? Promise.resolve();
    const mine = previous.then(() => (isConditional ? conditional(incoming, answer) : forward(incoming, answer))).catch(() => {
      answer.destroy();
    });
    locks.set(path, mine);
    void mine.finally(() => {
      if (locks.get(path) === mine) locks.delete(path);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = localS3Client(endpoint);
  return {
    endpoint,
    client,
    createBucket: () => upstream.createBucket(),
    conditionalWrites: () => conditionalWrites,
    async close() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
    },
  };
}
