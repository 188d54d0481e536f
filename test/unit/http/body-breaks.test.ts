import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakReason, reportBreaks } from '../../../shared/http/body-breaks.js';
import { nodeStreamGet } from '../../../shared/http/stream-get.js';

const BODY = Buffer.alloc(64 * 1024, 'a');

describe('Function: reportBreaks', () => {
  /** Sends 64 KiB with a Content-Length twice that, then resets (/reset) or ends (/whole); /endless never ends. */
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/whole') {
        res.end(BODY);
        return;
      }
      res.writeHead(200, { 'content-length': String(BODY.length * 2) });
      res.write(BODY, () => {
        if (req.url === '/reset') setTimeout(() => res.socket?.resetAndDestroy(), 50);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const get = (path: string) => nodeStreamGet(`${base}${path}`, { signal: new AbortController().signal });
  const drain = () => new Writable({ write: (_chunk, _encoding, done) => done() });

  it("replaces a reset's bare error with the described one, counting the bytes that came", async () => {
    // Prepare
    const response = await get('/reset');
    const seen: { bytes: number; error: Error }[] = [];

    // Act
    const body = reportBreaks(response.body, (bytes, error) => {
      seen.push({ bytes, error });
      return new Error(`broke off after ${bytes} bytes (${breakReason(error)})`);
    });
    const read = pipeline(body, drain());

    // Assess
    await expect(read).rejects.toThrow(`broke off after ${BODY.length} bytes (the connection was reset, ECONNRESET)`);
    expect(seen).toHaveLength(1);
    expect((seen[0]!.error as NodeJS.ErrnoException).code).toBe('ECONNRESET');
  });

  it('passes a whole body through unchanged', async () => {
    // Prepare
    const response = await get('/whole');

    // Act
    const text = Buffer.concat(await reportBreaks(response.body, () => new Error('not expected')).toArray());

    // Assess
    expect(text.equals(BODY)).toBe(true);
  });

  it('frees the connection when its reader gives up', async () => {
    // Prepare
    const response = await get('/endless');
    const body = reportBreaks(response.body, () => new Error('not expected'));
    body.on('error', () => undefined);

    // Act
    body.destroy();
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(response.body.destroyed).toBe(true);
  });
});

describe('Function: breakReason', () => {
  it.each([
    [Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), 'the connection was reset, ECONNRESET'],
    [new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }), 'other side closed, UND_ERR_SOCKET'],
    [new Error('socket hang up'), 'socket hang up'],
  ])('says %s as "%s"', (error, reason) => {
    expect(breakReason(error)).toBe(reason);
  });
});
