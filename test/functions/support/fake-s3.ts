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
import { gunzipSync } from 'node:zlib';

/** What the fake bucket holds, by key. */
export interface FakeBucket {
  readonly objects: Map<string, Buffer>;
  readonly mock: AwsClientStub<S3Client>;
  /** A client for the engine; its calls go to the fake. */
  readonly client: S3Client;
  text(key: string): string;
  /** The rows of a gzip JSON Lines query copy. */
  jsonLines(key: string): Record<string, unknown>[];
  keys(prefix?: string): string[];
}

/**
 * An in-memory bucket behind aws-sdk-client-mock: enough of S3 for the S3
 * sink and @aws-sdk/lib-storage (single PUTs and multipart uploads), listing
 * and deleting. Bucket names are not checked: one bucket per test.
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
  mock.on(PutObjectCommand).callsFake((input: { Key: string; Body: unknown }) => {
    objects.set(input.Key, bodyOf(input.Body));
    return { ETag: '"fake"' };
  });
  mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const data = objects.get(input.Key);
    if (!data) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: { transformToString: async () => data.toString('utf8') }, ContentLength: data.length };
  });
  mock.on(ListObjectsV2Command).callsFake((input: { Prefix?: string }) => ({
    Contents: [...objects.entries()]
      .filter(([key]) => key.startsWith(input.Prefix ?? ''))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([Key, data]) => ({ Key, Size: data.length })),
    IsTruncated: false,
  }));
  mock.on(DeleteObjectCommand).callsFake((input: { Key: string }) => {
    objects.delete(input.Key);
    return {};
  });
  let nextUpload = 0;
  mock.on(CreateMultipartUploadCommand).callsFake(() => {
    nextUpload += 1;
    uploads.set(String(nextUpload), new Map());
    return { UploadId: String(nextUpload) };
  });
  mock.on(UploadPartCommand).callsFake((input: { UploadId: string; PartNumber: number; Body: unknown }) => {
    uploads.get(input.UploadId)!.set(input.PartNumber, bodyOf(input.Body));
    return { ETag: `"part-${input.PartNumber}"` };
  });
  mock.on(CompleteMultipartUploadCommand).callsFake((input: { UploadId: string; Key: string }) => {
    const parts = uploads.get(input.UploadId)!;
    objects.set(input.Key, Buffer.concat([...parts.entries()].sort(([a], [b]) => a - b).map(([, data]) => data)));
    uploads.delete(input.UploadId);
    return {};
  });
  mock.on(AbortMultipartUploadCommand).callsFake((input: { UploadId: string }) => {
    uploads.delete(input.UploadId);
    return {};
  });
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    objects,
    mock,
    client,
    text: (key) => objects.get(key)?.toString('utf8') ?? '',
    jsonLines: (key) =>
      gunzipSync(objects.get(key)!)
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    keys: (prefix = '') => [...objects.keys()].filter((key) => key.startsWith(prefix)).sort(),
  };
}
