import type { Readable } from 'node:stream';

export interface LakeObject {
  /** Relative to the sink's root. */
  readonly key: string;
  readonly size: number;
}

export interface WriteOptions {
  readonly contentType?: string;
}

/**
 * Where the lake lives: a local folder or an S3 prefix. Keys are relative to the
 * sink's root and use `/`. A write is all or nothing: the object becomes
 * visible only once its whole body was written, and a body that errors leaves
 * nothing behind (no temporary file, no multipart upload).
 */
export interface LakeSink {
  /** For people: `/path/to/lake` or `s3://bucket/prefix`. */
  readonly location: string;
  /** The full address of a key: a file path or an `s3://` URI. */
  uri(key: string): string;
  write(key: string, body: Readable | string, options?: WriteOptions): Promise<void>;
  /** A small object's text (a manifest), or undefined when it does not exist. */
  read(key: string): Promise<string | undefined>;
  /** Every visible object under a prefix (a folder-like prefix ending in `/`). */
  list(prefix: string): AsyncIterable<LakeObject>;
  delete(key: string): Promise<void>;
  /**
   * Readies the lake for a run: fails early, with what to fix, when it cannot
   * be reached, and removes what an interrupted run left behind.
   * @returns how many leftovers were removed
   */
  prepare(): Promise<number>;
}
