import { describe, expect, it } from 'vitest';
import { TransportError, UpstreamHttpError } from '../../../shared/errors.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { HttpClient, type Attempt, type FetchLike, type HttpDeps } from '../../../shared/http/http-client.js';
import type { StreamGet, StreamResponse } from '../../../shared/http/stream-get.js';
import type { RetryPolicy } from '../../../shared/http/retry-policy.js';

const URL_WITH_SECRET = 'https://api.example.test:8443/enterprise-data/v1/orgs/acme/reports?page_token=tok-abc123secret';
const NOW = new Date('2026-06-17T08:00:00.000Z');
const FAST: Partial<RetryPolicy> = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, timeoutMs: 5_000 };

/** One scripted answer of the fake fetch: a response, a thrown error, or a fetch that never answers. */
type Step = (() => Response) | Error | 'hang';

interface FakeHttp {
  readonly deps: HttpDeps;
  readonly calls: { url: string; init: RequestInit | undefined }[];
  readonly sleeps: number[];
}

/** A fake fetch that plays `steps` in order (the last one repeats) and a sleep that only records. */
function fakeHttp(steps: Step[]): FakeHttp {
  const calls: FakeHttp['calls'] = [];
  const sleeps: number[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const step = steps[Math.min(calls.length, steps.length) - 1]!;
    if (step === 'hang') return hangUntilAborted(init?.signal);
    if (step instanceof Error) throw step;
    return step();
  };
  const deps: HttpDeps = {
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => NOW,
  };
  return { deps, calls, sleeps };
}

function hangUntilAborted(signal: AbortSignal | null | undefined): Promise<Response> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

const answer = (status: number, body = '', headers: Record<string, string> = {}) => () =>
  new Response(status === 204 ? null : body, { status, headers });

/** What undici throws when the connection fails. */
function networkError(code: string): TypeError {
  const cause = Object.assign(new Error(`connect ${code} 203.0.113.9:8443`), { code });
  return new TypeError('fetch failed', { cause });
}

/** A body that sends `first`, then waits `ms` before `rest`; it breaks if `signal` aborts meanwhile. */
function slowBody(signal: AbortSignal | null | undefined, first: string, rest: string, ms: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(first));
      const timer = setTimeout(() => {
        controller.enqueue(encoder.encode(rest));
        controller.close();
      }, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        controller.error(signal.reason);
      });
    },
  });
}

describe('Class: HttpClient', () => {
  describe('Method: sendForText', () => {
    it('returns a 2xx answer with its body after one call', async () => {
      // Prepare
      const http = fakeHttp([answer(200, '{"ok":true}', { 'x-test': 'yes' })]);
      const client = new HttpClient(http.deps, FAST);

      // Act
      const response = await client.sendForText('list', URL_WITH_SECRET);

      // Assess
      expect(response.status).toBe(200);
      expect(response.text).toBe('{"ok":true}');
      expect(response.headers.get('x-test')).toBe('yes');
      expect(http.calls).toHaveLength(1);
      expect(http.sleeps).toEqual([]);
    });

    it('passes the request through with an abort signal', async () => {
      // Prepare
      const http = fakeHttp([answer(200)]);
      const client = new HttpClient(http.deps, FAST);

      // Act
      await client.sendForText('exchange', URL_WITH_SECRET, { method: 'POST', body: '{"a":1}', headers: { 'x-a': 'b' } });

      // Assess
      const init = http.calls[0]!.init!;
      expect(http.calls[0]!.url).toBe(URL_WITH_SECRET);
      expect(init.method).toBe('POST');
      expect(init.body).toBe('{"a":1}');
      expect(init.headers).toEqual({ 'x-a': 'b' });
      expect(init.signal).toBeInstanceOf(AbortSignal);
    });

    it('never lets fetch follow a redirect, and refuses a 3xx naming origins only, without retrying', async () => {
      // Prepare
      const http = fakeHttp([answer(307, '', { location: 'http://elsewhere.example.test:8080/v2/auth/token?sig=abc123secret' })]);
      const client = new HttpClient(http.deps, FAST);

      // Act
      const error = await client.sendForText('exchange', URL_WITH_SECRET, { method: 'POST', redirect: 'follow' }).catch((caught: unknown) => caught);

      // Assess
      expect(http.calls).toHaveLength(1);
      expect(http.calls[0]!.init!.redirect).toBe('manual');
      expect(error).toBeInstanceOf(UpstreamHttpError);
      expect((error as UpstreamHttpError).status).toBe(307);
      const { message } = error as Error;
      expect(message).toContain('exchange: https://api.example.test:8443 answered HTTP 307, a redirect to http://elsewhere.example.test:8080;');
      expect(message).not.toMatch(/secret|enterprise-data|auth\/token/);
    });

    it.each([
      ['no Location', {}],
      ['a Location that is not a URL', { location: 'http://[not-a-host' }],
    ])('refuses a 3xx with %s too, naming the asked origin', async (_case, headers) => {
      // Prepare
      const http = fakeHttp([answer(302, '', headers)]);
      const client = new HttpClient(http.deps, FAST);

      // Act
      const sent = client.sendForText('list', URL_WITH_SECRET);

      // Assess
      await expect(sent).rejects.toThrow(/^list: https:\/\/api\.example\.test:8443 answered HTTP 302, a redirect; not followed/);
    });

    it("hands a 3xx to a caller that reads redirects itself (redirect: 'manual')", async () => {
      // Prepare
      const http = fakeHttp([answer(302, '', { location: 'https://storage.example.test/r.csv?X-Amz-Signature=s' })]);
      const client = new HttpClient(http.deps, FAST);

      // Act
      const response = await client.sendForText('download', URL_WITH_SECRET, { redirect: 'manual' });

      // Assess
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('https://storage.example.test/r.csv?X-Amz-Signature=s');
      expect(http.calls[0]!.init!.redirect).toBe('manual');
    });

    it('retries 503 and 429 with exponential backoff until an answer succeeds', async () => {
      // Prepare
      const http = fakeHttp([answer(503), answer(429), answer(502), answer(200, 'done')]);
      const client = new HttpClient(http.deps, FAST);

      // Act
      const response = await client.sendForText('list', URL_WITH_SECRET);

      // Assess
      expect(response.status).toBe(200);
      expect(response.text).toBe('done');
      expect(http.calls).toHaveLength(4);
      // random() is 0.5: half of 100, 200, 400.
      expect(http.sleeps).toEqual([50, 100, 200]);
    });

    it.each([400, 401, 403, 404, 409])('does not retry HTTP %i', async (status) => {
      // Prepare
      const http = fakeHttp([answer(status, '{"error":"no"}'), answer(200)]);
      const client = new HttpClient(http.deps, FAST);

      // Act
      const response = await client.sendForText('list', URL_WITH_SECRET);

      // Assess
      expect(response.status).toBe(status);
      expect(response.text).toBe('{"error":"no"}');
      expect(http.calls).toHaveLength(1);
      expect(http.sleeps).toEqual([]);
    });

    it('waits what Retry-After asks instead of the backoff', async () => {
      // Prepare
      const http = fakeHttp([answer(429, '', { 'retry-after': '7' }), answer(200)]);
      const client = new HttpClient(http.deps, FAST);

      // Act
      await client.sendForText('list', URL_WITH_SECRET);

      // Assess
      expect(http.sleeps).toEqual([7_000]);
    });

    it('waits until a Retry-After HTTP date, measured with the injected clock', async () => {
      // Prepare
      const at = new Date(NOW.getTime() + 3_000).toUTCString();
      const http = fakeHttp([answer(503, '', { 'retry-after': at }), answer(200)]);
      const client = new HttpClient(http.deps, FAST);

      // Act
      await client.sendForText('list', URL_WITH_SECRET);

      // Assess
      expect(http.sleeps).toEqual([3_000]);
    });

    it('returns the last answer when every attempt was retryable', async () => {
      // Prepare
      const http = fakeHttp([answer(503, '{"error":"busy"}')]);
      const client = new HttpClient(http.deps, { ...FAST, maxAttempts: 3 });

      // Act
      const response = await client.sendForText('list', URL_WITH_SECRET);

      // Assess
      expect(response.status).toBe(503);
      expect(response.text).toBe('{"error":"busy"}');
      expect(http.calls).toHaveLength(3);
      expect(http.sleeps).toHaveLength(2);
    });

    it('retries network errors and returns the answer that finally came', async () => {
      // Prepare
      const http = fakeHttp([networkError('ECONNRESET'), networkError('ECONNREFUSED'), answer(200, 'ok')]);
      const client = new HttpClient(http.deps, FAST);

      // Act
      const response = await client.sendForText('list', URL_WITH_SECRET);

      // Assess
      expect(response.text).toBe('ok');
      expect(http.calls).toHaveLength(3);
      expect(http.sleeps).toEqual([50, 100]);
    });

    it('throws a TransportError naming the label and host, without the query string, after repeated network errors', async () => {
      // Prepare
      const http = fakeHttp([networkError('ECONNREFUSED')]);
      const client = new HttpClient(http.deps, { ...FAST, maxAttempts: 3 });

      // Act
      const sending = client.sendForText('list reports for acme', URL_WITH_SECRET);

      // Assess
      const error = await sending.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TransportError);
      const { message } = error as TransportError;
      expect(message).toContain('list reports for acme');
      expect(message).toContain('3 attempts');
      expect(message).toContain('api.example.test:8443');
      expect(message).toContain('ECONNREFUSED');
      expect(message).not.toContain('tok-abc123secret');
      expect(message).not.toContain('page_token');
      expect((error as TransportError).cause).toBeInstanceOf(TypeError);
      expect(http.calls).toHaveLength(3);
      expect(http.sleeps).toHaveLength(2);
    });

    it('aborts a fetch that hangs past timeoutMs and retries it', async () => {
      // Prepare
      const http = fakeHttp(['hang', answer(200, 'second try')]);
      const client = new HttpClient(http.deps, { ...FAST, timeoutMs: 15 });

      // Act
      const response = await client.sendForText('list', URL_WITH_SECRET);

      // Assess
      expect(response.text).toBe('second try');
      expect(http.calls[0]!.init!.signal!.aborted).toBe(true);
      expect(http.calls[1]!.init!.signal!.aborted).toBe(false);
    });

    it('gives up with a TransportError saying it timed out when every attempt hangs', async () => {
      // Prepare
      const http = fakeHttp(['hang']);
      const client = new HttpClient(http.deps, { ...FAST, maxAttempts: 2, timeoutMs: 10 });

      // Act
      const sending = client.sendForText('list', URL_WITH_SECRET);

      // Assess
      await expect(sending).rejects.toThrow(TransportError);
      await expect(sending).rejects.toThrow(/timed out after 10 ms/);
      expect(http.calls).toHaveLength(2);
    });

    it('counts reading the body within the deadline', async () => {
      // Prepare
      const calls: (AbortSignal | null | undefined)[] = [];
      const deps: HttpDeps = {
        ...fakeHttp([]).deps,
        fetch: async (_url, init) => {
          calls.push(init?.signal);
          return new Response(slowBody(init?.signal, '{"a":', '1}', 200), { status: 200 });
        },
      };
      const client = new HttpClient(deps, { ...FAST, maxAttempts: 2, timeoutMs: 20 });

      // Act
      const sending = client.sendForText('list', URL_WITH_SECRET);

      // Assess
      await expect(sending).rejects.toThrow(/timed out after 20 ms/);
      expect(calls).toHaveLength(2);
    });

    it('tells onRetry about each retry with its delay and reason', async () => {
      // Prepare
      const http = fakeHttp([answer(503), networkError('ECONNRESET'), answer(200)]);
      const seen: [string, Attempt][] = [];
      const client = new HttpClient(http.deps, FAST, (label, attempt) => seen.push([label, attempt]));

      // Act
      await client.sendForText('schema', URL_WITH_SECRET);

      // Assess
      expect(seen).toEqual([
        ['schema', { attempt: 1, delayMs: 50, reason: 'HTTP 503' }],
        ['schema', { attempt: 2, delayMs: 100, reason: expect.stringContaining('ECONNRESET') }],
      ]);
    });
  });

  describe('Method: sendForStream', () => {
    /** A stream GET that plays `answers` in order, recording what it was sent. */
    const streamGets = (answers: (() => StreamResponse)[]) => {
      const calls: { url: string; headers: Readonly<Record<string, string>> | undefined }[] = [];
      const streamGet: StreamGet = async (url, init) => {
        calls.push({ url, headers: init.headers });
        return answers[Math.min(calls.length, answers.length) - 1]!();
      };
      return { streamGet, calls };
    };
    const streamed = (status: number, body: string | Readable) => () => ({
      status,
      headers: new Headers(),
      body: typeof body === 'string' ? Readable.from([Buffer.from(body)]) : body,
    });
    const text = async (body: Readable) => Buffer.concat(await body.toArray()).toString('utf8');

    it('returns the answer with its body unread, sending only the headers given', async () => {
      // Prepare
      const gets = streamGets([streamed(200, 'a,b\n1,2\n')]);
      const client = new HttpClient({ ...fakeHttp([]).deps, streamGet: gets.streamGet }, FAST);

      // Act
      const response = await client.sendForStream('download', URL_WITH_SECRET);

      // Assess
      expect(response.body.readableDidRead).toBe(false);
      expect(await text(response.body)).toBe('a,b\n1,2\n');
      expect(gets.calls).toEqual([{ url: URL_WITH_SECRET, headers: {} }]);
    });

    it('destroys the body of an answer it retries', async () => {
      // Prepare
      const busy = new Readable({ read() {} });
      const gets = streamGets([streamed(503, busy), streamed(200, 'csv')]);
      const http = fakeHttp([]);
      const client = new HttpClient({ ...http.deps, streamGet: gets.streamGet }, FAST);

      // Act
      const response = await client.sendForStream('download', URL_WITH_SECRET);

      // Assess
      expect(await text(response.body)).toBe('csv');
      expect(busy.destroyed).toBe(true);
      expect(http.sleeps).toHaveLength(1);
    });

    it('lets a body stream for longer than timeoutMs once the headers came', async () => {
      // Prepare
      const slow = new Readable({ read() {} });
      slow.push('day,');
      setTimeout(() => {
        slow.push('count\n');
        slow.push(null);
      }, 60);
      const gets = streamGets([streamed(200, slow)]);
      const client = new HttpClient({ ...fakeHttp([]).deps, streamGet: gets.streamGet }, { ...FAST, timeoutMs: 15 });

      // Act
      const response = await client.sendForStream('download', URL_WITH_SECRET);

      // Assess
      expect(await text(response.body)).toBe('day,count\n');
    });

    it('streams a real HTTP answer through Node, without following its redirect', async () => {
      // Prepare
      const server = createServer((request, answer) => {
        if (request.url === '/moved') answer.writeHead(302, { location: '/elsewhere' }).end();
        else answer.writeHead(200, { 'content-length': '6' }).end('x,y\n1\n');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = new HttpClient(fakeHttp([]).deps, FAST);

      try {
        // Act
        const moved = await client.sendForStream('download', `${base}/moved`);
        const file = await client.sendForStream('download', `${base}/file`);

        // Assess
        expect([moved.status, moved.headers.get('location')]).toEqual([302, '/elsewhere']);
        moved.body.destroy();
        expect([file.status, file.headers.get('content-length'), await text(file.body)]).toEqual([200, '6', 'x,y\n1\n']);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  });
});
