import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';

/** What the fake bucket holds, by key. */
export interface FakeBucket {
  readonly objects: Map<string, Buffer>;
  readonly mock: AwsClientStub<S3Client>;
  /** A client for the engine; its calls go to the fake. */
  readonly client: S3Client;
  text(key: string): string;
  keys(prefix?: string): string[];
  /** Puts an object in the bucket as another writer would (a lake of an earlier version, a person). */
  put(key: string, body: Buffer | string): void;
}

/**
 * A GetObject body as the SDK hands it over in Node: a readable stream (the
 * S3 sink pipes it to a local file) with the SDK's `transformTo*` helpers
 * (the S3 sink reads small objects with `transformToString`).
 */
function objectBody(data: Buffer): Readable {
  return Object.assign(Readable.from([data]), {
    transformToString: async (encoding: BufferEncoding = 'utf8') => data.toString(encoding),
    transformToByteArray: async () => new Uint8Array(data),
  });
}

/** The keys under `prefix` split at the next `delimiter`, as S3 answers a listing with one. */
function listing(objects: ReadonlyMap<string, Buffer>, prefix: string, delimiter: string | undefined) {
  const contents: { Key: string; Size: number }[] = [];
  const common = new Set<string>();
  for (const [key, data] of [...objects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!key.startsWith(prefix)) continue;
    const at = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (at >= 0) common.add(key.slice(0, at + delimiter!.length));
    else contents.push({ Key: key, Size: data.length });
  }
  return { contents, commonPrefixes: [...common].map((Prefix) => ({ Prefix })) };
}

/**
 * An in-memory bucket behind aws-sdk-client-mock: enough of S3 for the S3
 * sink and @aws-sdk/lib-storage (single PUTs and multipart uploads), listing
 * (with or without a delimiter), reading (as text or as a stream) and
 * deleting. Every answer is a promise, as `send` returns one (lib-storage
 * chains `.then` on it). Bucket names are not checked: one bucket per test.
 */
export function fakeBucket(): FakeBucket {
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, Map<number, Buffer>>();
  const mock = mockClient(S3Client);
  const bodyOf = (body: unknown): Buffer => {
    if (typeof body === 'string') return Buffer.from(body);
    if (body instanceof Uint8Array) return Buffer.from(body);
    throw new Error(`fake S3: unexpected body type ${typeof body}`);
  };
  mock.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: unknown }) => {
    objects.set(input.Key, bodyOf(input.Body));
    return { ETag: '"fake"' };
  });
  mock.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
    const data = objects.get(input.Key);
    if (!data) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: objectBody(data), ContentLength: data.length };
  });
  mock.on(ListObjectsV2Command).callsFake(async (input: { Prefix?: string; Delimiter?: string }) => {
    const { contents, commonPrefixes } = listing(objects, input.Prefix ?? '', input.Delimiter);
    return {
      Contents: contents,
      ...(input.Delimiter ? { CommonPrefixes: commonPrefixes, Delimiter: input.Delimiter } : {}),
      KeyCount: contents.length + (input.Delimiter ? commonPrefixes.length : 0),
      IsTruncated: false,
    };
  });
  mock.on(DeleteObjectCommand).callsFake(async (input: { Key: string }) => {
    objects.delete(input.Key);
    return {};
  });
  let nextUpload = 0;
  mock.on(CreateMultipartUploadCommand).callsFake(async () => {
    nextUpload += 1;
    uploads.set(String(nextUpload), new Map());
    return { UploadId: String(nextUpload) };
  });
  mock.on(UploadPartCommand).callsFake(async (input: { UploadId: string; PartNumber: number; Body: unknown }) => {
    uploads.get(input.UploadId)!.set(input.PartNumber, bodyOf(input.Body));
    return { ETag: `"part-${input.PartNumber}"` };
  });
  mock.on(CompleteMultipartUploadCommand).callsFake(async (input: { UploadId: string; Key: string }) => {
    const parts = uploads.get(input.UploadId)!;
    objects.set(input.Key, Buffer.concat([...parts.entries()].sort(([a], [b]) => a - b).map(([, data]) => data)));
    uploads.delete(input.UploadId);
    return {};
  });
  mock.on(AbortMultipartUploadCommand).callsFake(async (input: { UploadId: string }) => {
    uploads.delete(input.UploadId);
    return {};
  });
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    objects,
    mock,
    client,
    text: (key) => objects.get(key)?.toString('utf8') ?? '',
    keys: (prefix = '') => [...objects.keys()].filter((key) => key.startsWith(prefix)).sort(),
    put: (key, body) => {
      objects.set(key, Buffer.isBuffer(body) ? body : Buffer.from(body));
    },
  };
}
