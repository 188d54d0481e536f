import { createHash } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { IntegrityError, TransportError } from '../../../shared/errors.js';
import { ByteMeter, type ByteMeterOptions } from '../../../shared/landing/byte-meter.js';

const LABEL = 'acme/usage_pulls/daily/2026-06-16';
const BODY = Buffer.from('day,hub_username,event_count\n2026-06-16,"doe, jane",3\n2026-06-16,zoë,5\n', 'utf8');

/** A downstream that records what reached it, and whether its end did. */
class Recorder extends Writable {
  readonly chunks: Buffer[] = [];
  ended = false;

  constructor(private readonly delayMs = 0) {
    super({ highWaterMark: 1024 });
  }

  get received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    if (this.delayMs > 0) setTimeout(callback, this.delayMs);
    else callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.ended = true;
    callback();
  }
}

/** `body` cut in pieces of `size` bytes. */
function pieces(body: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) out.push(body.subarray(at, at + size));
  return out;
}

function meter(overrides: Partial<ByteMeterOptions> = {}): ByteMeter & { meterEnded: () => boolean } {
  const created = new ByteMeter({ expectedBytes: BODY.length, label: LABEL, idleTimeoutMs: 1_000, ...overrides });
  let ended = false;
  created.on('end', () => (ended = true));
  return Object.assign(created, { meterEnded: () => ended });
}

describe('Class: ByteMeter', () => {
  it('passes a body of exactly the listed size through and knows its SHA-256', async () => {
    // Prepare
    const counted: number[] = [];
    const through = meter({ onBytes: (count) => counted.push(count) });
    const downstream = new Recorder();

    // Act
    await pipeline(Readable.from(pieces(BODY, 7)), through, downstream);

    // Assess
    expect(downstream.received.equals(BODY)).toBe(true);
    expect(downstream.ended).toBe(true);
    expect(through.bytes).toBe(BODY.length);
    expect(through.sha256).toBe(createHash('sha256').update(BODY).digest('hex'));
    expect(counted.reduce((sum, count) => sum + count, 0)).toBe(BODY.length);
  });

  it('passes an empty body when zero bytes were listed', async () => {
    // Prepare
    const through = meter({ expectedBytes: 0 });
    const downstream = new Recorder();

    // Act
    await pipeline(Readable.from([]), through, downstream);

    // Assess
    expect(downstream.ended).toBe(true);
    expect(through.sha256).toBe(createHash('sha256').digest('hex'));
  });

  it('does not tell the SHA-256 before the body ended', () => {
    // Prepare
    const through = meter();

    // Act
    const read = () => through.sha256;

    // Assess
    expect(read).toThrow(/only after the body ended/);
    through.destroy();
  });

  it('fails a short body with IntegrityError before its end reaches downstream', async () => {
    // Prepare
    const through = meter();
    const downstream = new Recorder();
    const short = BODY.subarray(0, BODY.length - 1);

    // Act
    const error = await pipeline(Readable.from(pieces(short, 10)), through, downstream).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toContain('fewer bytes');
    expect((error as Error).message).toContain(LABEL);
    expect((error as Error).message).toContain(String(BODY.length));
    expect(downstream.ended).toBe(false);
    expect(through.meterEnded()).toBe(false);
  });

  it('fails a long body with IntegrityError at the first extra byte, before anything extra or the end passes', async () => {
    // Prepare
    const through = meter();
    const downstream = new Recorder();
    const long = Buffer.concat([BODY, Buffer.from('2026-06-16,extra,1\n')]);

    // Act
    const error = await pipeline(Readable.from(pieces(long, 10)), through, downstream).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toContain('more bytes');
    expect(downstream.received.length).toBeLessThanOrEqual(BODY.length);
    expect(downstream.ended).toBe(false);
    expect(through.meterEnded()).toBe(false);
  });

  it('passes nothing of a long body sent as one chunk', async () => {
    // Prepare
    const through = meter();
    const downstream = new Recorder();

    // Act
    const error = await pipeline(Readable.from([Buffer.concat([BODY, BODY])]), through, downstream).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(IntegrityError);
    expect(downstream.received.length).toBe(0);
  });

  it('gives up a body that stalls, with TransportError, before its end reaches downstream', async () => {
    // Prepare
    const source = new PassThrough();
    const through = meter({ idleTimeoutMs: 30 });
    const downstream = new Recorder();
    source.write(BODY.subarray(0, 10));

    // Act
    const started = Date.now();
    const error = await pipeline(source, through, downstream).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toContain('stalled (no data for 30 ms)');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(downstream.received.length).toBe(10);
    expect(downstream.ended).toBe(false);
  });

  it('gives up a body that never sends a byte', async () => {
    // Prepare
    const through = meter({ idleTimeoutMs: 20 });

    // Act
    const error = await pipeline(new PassThrough(), through, new Recorder()).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(TransportError);
  });

  it('keeps a body that moves, however long it takes in all', async () => {
    // Prepare
    const through = meter({ idleTimeoutMs: 150 });
    const downstream = new Recorder();
    async function* trickle() {
      for (const piece of pieces(BODY, 6)) {
        await sleep(15);
        yield piece;
      }
    }

    // Act
    const started = Date.now();
    await pipeline(Readable.from(trickle()), through, downstream);

    // Assess
    expect(Date.now() - started).toBeGreaterThan(150);
    expect(downstream.received.equals(BODY)).toBe(true);
  });

  it('stops its idle timer once the body ended', async () => {
    // Prepare
    const through = meter({ idleTimeoutMs: 20 });

    // Act
    await pipeline(Readable.from([BODY]), through, new Recorder());
    await sleep(50);

    // Assess
    expect(through.errored).toBeNull();
  });

  it('does not blame the download for a downstream that reads slowly', async () => {
    // Prepare
    const body = Buffer.alloc(64 * 1024, 0x61);
    const through = meter({ expectedBytes: body.length, idleTimeoutMs: 40 });
    const slow = new Recorder(60);

    // Act
    const outcome = await pipeline(Readable.from(pieces(body, 16 * 1024)), through, slow).then(
      () => 'landed',
      (error: unknown) => error,
    );

    // Assess
    expect(outcome).toBe('landed');
  });
});
