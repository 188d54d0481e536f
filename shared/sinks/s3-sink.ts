import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigError, LakeError, messageOf } from '../errors.js';
import type { LakeObject, LakeSink, LocalCopy, StagedFile, VersionedText, WriteOptions } from './lake-sink.js';

export interface S3SinkOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix of the lake inside the bucket, without leading or trailing `/`. @default '' */
  readonly prefix?: string;
  /** Multipart part size; S3's minimum is 5 MiB. @default 5 MiB */
  readonly partSize?: number;
  /** Parts uploaded at once per object; memory is about (queueSize + 1) x partSize. @default 4 */
  readonly queueSize?: number;
  /** Where staged files wait before their upload (a Lambda's /tmp). @default the system's temporary folder */
  readonly spoolDir?: string;
}

/**
 * A lake under an S3 prefix. Bodies stream through a multipart upload
 * (`@aws-sdk/lib-storage`): nothing is visible until the upload completes, and
 * a body that errors aborts the upload. Memory stays bounded by the part size.
 */
export class S3Sink implements LakeSink {
  readonly remote = true;
  private readonly prefix: string;

  constructor(private readonly options: S3SinkOptions) {
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
  }

  get location(): string {
    return `s3://${this.options.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  uri(key: string): string {
    return `s3://${this.options.bucket}/${this.keyOf(key)}`;
  }

  async write(key: string, body: Readable | string, options: WriteOptions = {}): Promise<void> {
    // The upload reads the body later; its error reaches us through done(), never as an unhandled event.
    if (typeof body !== 'string') body.on('error', () => undefined);
    const upload = new Upload({
      client: this.options.client,
      params: { Bucket: this.options.bucket, Key: this.keyOf(key), Body: body, ContentType: options.contentType },
      partSize: this.options.partSize ?? 5 * 1024 * 1024,
      queueSize: this.options.queueSize ?? 4,
      leavePartsOnError: false,
    });
    await this.lakeCall(`writing ${key}`, () => upload.done());
  }

  async read(key: string): Promise<string | undefined> {
    try {
      const answer = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }),
      );
      return await answer.Body?.transformToString('utf8');
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw this.lakeError(`reading ${key}`, error);
    }
  }

  async *list(prefix: string): AsyncIterable<LakeObject> {
    const full = this.keyOf(prefix);
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    const pages = paginateListObjectsV2({ client: this.options.client }, { Bucket: this.options.bucket, Prefix: full });
    try {
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (object.Key) yield { key: object.Key.slice(strip), size: object.Size ?? 0 };
        }
      }
    } catch (error) {
      throw this.lakeError(`listing ${prefix}`, error);
    }
  }

  async delete(key: string): Promise<void> {
    await this.lakeCall(`deleting ${key}`, () => this.options.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) })));
  }

  /** S3's conditional write: `If-None-Match: *` fails with 412 when the key exists. */
  async createIfAbsent(key: string, text: string): Promise<string | undefined> {
    return this.putConditionally(key, text, { IfNoneMatch: '*' });
  }

  async readVersioned(key: string): Promise<VersionedText | undefined> {
    try {
      const answer = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }));
      const text = (await answer.Body?.transformToString('utf8')) ?? '';
      return { text, version: answer.ETag ?? '' };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw this.lakeError(`reading ${key}`, error);
    }
  }

  /** `If-Match: <etag>`: S3 swaps only the version that was read. */
  async replaceIfVersion(key: string, text: string, version: string): Promise<string | undefined> {
    return this.putConditionally(key, text, { IfMatch: version });
  }

  /**
   * 412 (the condition failed), 409 (a concurrent conditional write to the
   * key won) and NoSuchKey (`If-Match` on an object deleted meanwhile) all
   * mean another writer got there first.
   */
  private async putConditionally(key: string, text: string, condition: { IfNoneMatch?: string; IfMatch?: string }): Promise<string | undefined> {
    try {
      const answer = await this.options.client.send(
        new PutObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key), Body: text, ContentType: 'application/json', ...condition }),
      );
      return answer.ETag ?? '';
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const name = (error as { name?: string }).name;
      if (status === 412 || status === 409 || name === 'PreconditionFailed' || name === 'NoSuchKey') return undefined;
      throw this.lakeError(`writing ${key}`, error);
    }
  }

  async folders(prefix: string): Promise<string[]> {
    const full = this.keyOf(prefix);
    const names: string[] = [];
    const pages = paginateListObjectsV2({ client: this.options.client }, { Bucket: this.options.bucket, Prefix: full, Delimiter: '/' });
    try {
      for await (const page of pages) {
        for (const common of page.CommonPrefixes ?? []) {
          const name = common.Prefix?.slice(full.length).replace(/\/$/, '');
          if (name) names.push(name);
        }
      }
    } catch (error) {
      throw this.lakeError(`listing ${prefix}`, error);
    }
    return names.sort();
  }

  /** A spool file; publishing uploads it (the file stays until discarded). */
  async stage(_key: string): Promise<StagedFile> {
    const path = await this.spoolPath();
    return {
      path,
      publish: (target, options) => this.write(target, createReadStream(path), options),
      discard: () => rm(path, { force: true }),
    };
  }

  /** Downloads the object to the spool. */
  async localCopy(key: string): Promise<LocalCopy> {
    const path = await this.spoolPath();
    try {
      const answer = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }));
      await pipeline(answer.Body as Readable, createWriteStream(path));
    } catch (error) {
      await rm(path, { force: true });
      throw this.lakeError(`reading ${key}`, error);
    }
    return { path, release: () => rm(path, { force: true }) };
  }

  /**
   * Checks the bucket can be listed. Nothing is left to clean: an interrupted
   * multipart upload is never visible, and the bucket's
   * `AbortIncompleteMultipartUpload` lifecycle rule reclaims its parts.
   */
  async prepare(): Promise<number> {
    try {
      await this.options.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.keyOf(''), Delimiter: '/', MaxKeys: 1 }),
      );
    } catch (error) {
      throw new ConfigError(
        `cannot reach the lake at ${this.location}: ${(error as Error).message}. ` +
          'Check the AWS credentials (profile, AWS_ACCESS_KEY_ID, SSO), the region, and that the bucket exists.',
        { cause: error },
      );
    }
    return 0;
  }

  /** The object key in the bucket of a lake key (the prefix applied). */
  objectKey(key: string): string {
    return this.keyOf(key);
  }

  /** S3's (or the network's) failure, saying that it was the lake's and which object it was about. */
  private lakeError(what: string, error: unknown): Error {
    if (error instanceof LakeError) return error;
    return new LakeError(`the lake at ${this.location}: ${what} failed: ${messageOf(error)}`, { cause: error });
  }

  private async lakeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.lakeError(what, error);
    }
  }

  private async spoolPath(): Promise<string> {
    const folder = join(this.options.spoolDir ?? tmpdir(), 'docker-reports-spool');
    await mkdir(folder, { recursive: true });
    return join(folder, `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  private keyOf(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }
}
