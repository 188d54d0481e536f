import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { IntegrityError, TransportError } from '../errors.js';

export interface ByteMeterOptions {
  /** The size Docker listed; the body must be exactly this long. */
  readonly expectedBytes: number;
  /** What the bytes are, for messages: "acme/usage_pulls/daily/2026-06-16". */
  readonly label: string;
  /** Longest silence between two chunks before the body is given up. */
  readonly idleTimeoutMs: number;
  readonly onBytes?: (count: number) => void;
}

/**
 * Passes a body through while counting and hashing it (SHA-256). It fails the
 * stream, before its end reaches anything downstream, when the body is longer
 * or shorter than listed or stalls; a sink therefore never completes a body
 * that did not verify.
 */
export class ByteMeter extends Transform {
  bytes = 0;
  /** The body's first two bytes, for its magic number. */
  private head = Buffer.alloc(0);
  private readonly hash: Hash = createHash('sha256');
  private digest: string | undefined;
  private idle: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(private readonly options: ByteMeterOptions) {
    super();
    this.armIdleTimer();
  }

  /** Hex SHA-256 of the whole body; available once the stream has ended. */
  get sha256(): string {
    if (this.digest === undefined) throw new Error('sha256 is known only after the body ended');
    return this.digest;
  }

  /** Whether the body is gzip (its magic number, not its name, says so). */
  get gzip(): boolean {
    return this.head.length === 2 && this.head[0] === 0x1f && this.head[1] === 0x8b;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.armIdleTimer();
    if (this.head.length < 2) this.head = Buffer.concat([this.head, chunk.subarray(0, 2 - this.head.length)]);
    this.bytes += chunk.length;
    if (this.bytes > this.options.expectedBytes) {
      callback(this.mismatch('more'));
      return;
    }
    this.hash.update(chunk);
    this.options.onBytes?.(chunk.length);
    callback(null, chunk);
    // Waiting on a slow reader is not a stalled download: the clock restarts when it asks for more.
    if (this.readableLength >= this.readableHighWaterMark) this.stopIdleTimer();
  }

  override _read(size: number): void {
    if (!this.ended) this.armIdleTimer();
    super._read(size);
  }

  override _flush(callback: TransformCallback): void {
    this.ended = true;
    this.stopIdleTimer();
    if (this.bytes !== this.options.expectedBytes) {
      callback(this.mismatch('fewer'));
      return;
    }
    this.digest = this.hash.digest('hex');
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.ended = true;
    this.stopIdleTimer();
    callback(error);
  }

  private mismatch(kind: 'more' | 'fewer'): IntegrityError {
    const { label, expectedBytes } = this.options;
    return new IntegrityError(
      `${label}: the download sent ${kind} bytes than the ${expectedBytes} Docker listed ` +
        `(${this.bytes}${kind === 'more' ? ' and counting' : ''}); nothing was kept.`,
    );
  }

  private armIdleTimer(): void {
    this.stopIdleTimer();
    const { idleTimeoutMs, label } = this.options;
    this.idle = setTimeout(() => {
      this.destroy(new TransportError(`${label}: the download stalled (no data for ${idleTimeoutMs} ms); nothing was kept.`));
    }, idleTimeoutMs);
    this.idle.unref();
  }

  private stopIdleTimer(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
  }
}
