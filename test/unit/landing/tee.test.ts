import { createHash } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tee } from '../../../shared/landing/tee.js';

const CHUNK = 16 * 1024;

/** Reads a stream to its end. */
async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A lazy source of `count` distinct chunks that counts how many were pulled from it. */
function countingSource(count: number): { source: Readable; produced: () => number; expected: string } {
  let produced = 0;
  const hash = createHash('sha256');
  const chunkAt = (index: number) => Buffer.alloc(CHUNK, index % 251);
  for (let index = 0; index < count; index += 1) hash.update(chunkAt(index));
  function* chunks() {
    for (let index = 0; index < count; index += 1) {
      produced += 1;
      yield chunkAt(index);
    }
  }
  return { source: Readable.from(chunks()), produced: () => produced, expected: hash.digest('hex') };
}

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');
const settle = <T>(promise: Promise<T>) => promise.then(
  (value) => ({ ok: true as const, value }),
  (error: unknown) => ({ ok: false as const, error: error as Error }),
);

describe('Function: tee', () => {
  it('gives both branches every byte, in order', async () => {
    // Prepare
    const { source, expected } = countingSource(40);

    // Act
    const [left, right] = tee(source);
    const [a, b] = await Promise.all([drain(left), drain(right)]);

    // Assess
    expect(a.length).toBe(40 * CHUNK);
    expect(sha256(a)).toBe(expected);
    expect(sha256(b)).toBe(expected);
  });

  it('gives both branches a source of small text chunks unchanged', async () => {
    // Prepare
    const parts = ['day,count\n', '2026-06-16,', '3\n', 'zoë,"a\nb"\n'];

    // Act
    const [left, right] = tee(Readable.from(parts.map((part) => Buffer.from(part))));
    const [a, b] = await Promise.all([drain(left), drain(right)]);

    // Assess
    expect(a.toString('utf8')).toBe(parts.join(''));
    expect(b.toString('utf8')).toBe(parts.join(''));
  });

  it('holds the source back while one branch is not read, so memory stays bounded', async () => {
    // Prepare
    const total = 1_000;
    const { source, produced, expected } = countingSource(total);
    const [fast, slow] = tee(source);
    const fastDone = drain(fast);

    // Act
    await sleep(100);
    const pulledWhileStalled = produced();
    const slowBody = await drain(slow);
    const fastBody = await fastDone;

    // Assess: at most a few dozen 16 KiB chunks of 16 MiB were pulled while one reader stood still.
    expect(pulledWhileStalled).toBeLessThan(64);
    expect(produced()).toBe(total);
    expect(sha256(fastBody)).toBe(expected);
    expect(sha256(slowBody)).toBe(expected);
  });

  it('lets a slow branch set the pace without losing bytes on either side', async () => {
    // Prepare
    const { source, expected } = countingSource(64);
    const [fast, slow] = tee(source);
    const slowChunks: Buffer[] = [];
    const slowSink = new Writable({
      highWaterMark: CHUNK,
      write(chunk: Buffer, _encoding, callback) {
        slowChunks.push(chunk);
        setTimeout(callback, 1);
      },
    });

    // Act
    const [fastBody] = await Promise.all([drain(fast), pipeline(slow, slowSink)]);

    // Assess
    expect(sha256(fastBody)).toBe(expected);
    expect(sha256(Buffer.concat(slowChunks))).toBe(expected);
  });

  it('destroys both branches with the error of the source', async () => {
    // Prepare
    const source = new PassThrough();
    const [left, right] = tee(source);
    const reading = [settle(drain(left)), settle(drain(right))];
    source.write(Buffer.from('day,count\n'));

    // Act
    source.destroy(new Error('socket hang up'));
    const outcomes = await Promise.all(reading);

    // Assess
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? undefined : outcome.error.message).toBe('socket hang up');
    }
    expect(left.destroyed && right.destroyed).toBe(true);
  });

  it('destroys the source and the other branch when one branch errors', async () => {
    // Prepare
    const source = new PassThrough();
    const [left, right] = tee(source);
    const failing = settle(drain(left));
    const other = settle(drain(right));
    source.write(Buffer.from('day,count\n'));

    // Act
    left.destroy(new Error('the sink failed'));
    const [outcome] = await Promise.all([other, failing]);

    // Assess
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.error.message).toBe('the sink failed');
    expect(source.destroyed).toBe(true);
  });

  it('fails the other branch when one reader stops early without an error', async () => {
    // Prepare
    const { source } = countingSource(100);
    const [left, right] = tee(source);
    const other = settle(drain(right));

    // Act
    left.destroy();
    const outcome = await other;

    // Assess
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.error.message).toMatch(/stopped early/);
    expect(source.destroyed).toBe(true);
  });
});
