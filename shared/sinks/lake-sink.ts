import type { Readable } from 'node:stream';

export interface LakeObject {
  /** Relative to the sink's root. */
  readonly key: string;
  readonly size: number;
}

/** A small object's text with its version (an S3 ETag; a folder lake's content hash). */
export interface VersionedText {
  readonly text: string;
  readonly version: string;
}

export interface WriteOptions {
  readonly contentType?: string;
}

/**
 * A local file to fill, then put into the lake. Landing writes a period's
 * bytes to staged files, verifies them, converts them locally, and only then
 * publishes them, so nothing unverified is ever visible.
 */
export interface StagedFile {
  /** Where to write the bytes. */
  readonly path: string;
  /** Puts the file's bytes at `key`, whole or not at all; the local file stays readable until {@link discard}. */
  publish(key: string, options?: WriteOptions): Promise<void>;
  /** Removes the local file (published or given up). Safe to call twice. */
  discard(): Promise<void>;
}

/** A lake object's bytes as a local file, for as long as it is needed. */
export interface LocalCopy {
  readonly path: string;
  release(): Promise<void>;
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
  /** Whether publishing a staged file uploads it (S3) rather than renaming it (a folder). */
  readonly remote: boolean;
  /** The full address of a key: a file path or an `s3://` URI. */
  uri(key: string): string;
  write(key: string, body: Readable | string, options?: WriteOptions): Promise<void>;
  /** A small object's text (a manifest), or undefined when it does not exist. */
  read(key: string): Promise<string | undefined>;
  /** Every visible object under a prefix (a folder-like prefix ending in `/`). */
  list(prefix: string): AsyncIterable<LakeObject>;
  /** The names of the folders directly under a prefix ending in `/`. */
  folders(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  /**
   * Compare-and-swap for small objects (leases), atomic across processes and
   * hosts sharing the lake. Creates `key` only if it does not exist.
   * @returns the new version, or undefined when the key exists
   */
  createIfAbsent(key: string, text: string): Promise<string | undefined>;
  /** A small object's text and version, or undefined when it does not exist. */
  readVersioned(key: string): Promise<VersionedText | undefined>;
  /**
   * Replaces `key` only if its version is still `version`.
   * @returns the new version, or undefined when the object changed or is gone
   */
  replaceIfVersion(key: string, text: string, version: string): Promise<string | undefined>;
  /**
   * A local file to stage an object that will be published near `key` (in
   * its folder): for a folder lake, a hidden temporary beside it, so that
   * publishing is a rename; for S3, a spool file.
   */
  stage(key: string): Promise<StagedFile>;
  /** The object at `key` as a local file (a folder lake's own file; an S3 object downloaded to the spool). */
  localCopy(key: string): Promise<LocalCopy>;
  /**
   * Readies the lake for a run: fails early, with what to fix, when it cannot
   * be reached, and removes what an interrupted run left behind.
   * @returns how many leftovers were removed
   */
  prepare(): Promise<number>;
}
