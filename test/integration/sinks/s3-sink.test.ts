import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LakeObject } from '../../../shared/sinks/lake-sink.js';
import { LakeError } from '../../../shared/errors.js';
import { S3Sink } from '../../../shared/sinks/s3-sink.js';
import { startConditionalS3 } from '../../support/conditional-s3.js';

const MiB = 1024 * 1024;
const CSV_KEY = 'enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.csv';
const CSV = 'day,hub_username\n2026-06-16,"doe, jane"\n2026-06-16,zoë\n';

interface SentCommand {
  readonly name: string;
  readonly input: Record<string, unknown>;
}

async function listAll(sink: S3Sink, prefix: string): Promise<LakeObject[]> {
  const found: LakeObject[] = [];
  for await (const object of sink.list(prefix)) found.push(object);
  return found;
}

/** `count` distinct 256 KiB chunks, made on demand, then `tail` bytes; `breakAfter` chunks in, it errors instead. */
function body(count: number, options: { tail?: number; breakAfter?: number } = {}): { stream: Readable; sha256: string; size: number } {
  const chunkAt = (index: number) => Buffer.alloc(256 * 1024, index % 251);
  const tail = Buffer.alloc(options.tail ?? 0, 0x7a);
  const hash = createHash('sha256');
  for (let index = 0; index < count; index += 1) hash.update(chunkAt(index));
  hash.update(tail);
  function* chunks() {
    for (let index = 0; index < count; index += 1) {
      if (index === options.breakAfter) throw new Error('connection reset mid-body');
      yield chunkAt(index);
    }
    if (tail.length > 0) yield tail;
  }
  return { stream: Readable.from(chunks()), sha256: hash.digest('hex'), size: count * 256 * 1024 + tail.length };
}

describe('Class: S3Sink', () => {
  let directory: string;
  let server: S3rver;
  let client: S3Client;
  const sent: SentCommand[] = [];
  let bucket: string;
  let buckets = 0;

  const objectKeys = async () =>
    ((await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((object) => object.Key);
  const commandNames = () => sent.map((command) => command.name);

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 's3-sink-test-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
    const { port } = await server.run();
    client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      region: 'us-east-1',
      // s3rver's own dummy key pair: nothing real.
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push({ name: String(context.commandName), input: args.input as Record<string, unknown> });
        return next(args);
      },
      { step: 'initialize', name: 'recordSentCommands' },
    );
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });

  beforeEach(async () => {
    buckets += 1;
    bucket = `lake-${buckets}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    sent.length = 0;
  });

  describe('Method: write and read', () => {
    it('writes a small object in one request and reads it back', async () => {
      // Prepare
      const sink = new S3Sink({ client, bucket, prefix: 'lake' });

      // Act
      await sink.write(CSV_KEY, CSV, { contentType: 'text/csv; charset=utf-8' });
      const text = await sink.read(CSV_KEY);

      // Assess
      expect(text).toBe(CSV);
      expect(commandNames()).toContain('PutObjectCommand');
      expect(commandNames()).not.toContain('CreateMultipartUploadCommand');
      const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `lake/${CSV_KEY}` }));
      expect(stored.ContentType).toBe('text/csv; charset=utf-8');
      await stored.Body?.transformToByteArray();
    });

    it('streams a body of more than 5 MiB through a multipart upload, byte for byte', async () => {
      // Prepare
      const sink = new S3Sink({ client, bucket });
      const large = body(24, { tail: 1234 });

      // Act
      await sink.write(CSV_KEY, large.stream);

      // Assess
      expect(large.size).toBeGreaterThan(5 * MiB);
      expect(commandNames().filter((name) => name === 'UploadPartCommand')).toHaveLength(2);
      expect(commandNames()).toContain('CompleteMultipartUploadCommand');
      const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: CSV_KEY }));
      const bytes = Buffer.from(await stored.Body!.transformToByteArray());
      expect(bytes.length).toBe(large.size);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(large.sha256);
      expect(await listAll(sink, 'enterprise/')).toEqual([{ key: CSV_KEY, size: large.size }]);
    });

    it('leaves no object when a small body breaks midway', async () => {
      // Prepare
      const sink = new S3Sink({ client, bucket });

      // Act
      const writing = sink.write(CSV_KEY, body(8, { breakAfter: 3 }).stream);

      // Assess
      await expect(writing).rejects.toThrow('connection reset mid-body');
      expect(commandNames()).not.toContain('PutObjectCommand');
      expect(await objectKeys()).toEqual([]);
    });

    it('aborts the multipart upload and leaves no object when a large body breaks after its first part', async () => {
      // Prepare
      const sink = new S3Sink({ client, bucket });

      // Act
      const writing = sink.write(CSV_KEY, body(40, { breakAfter: 30 }).stream);

      // Assess: s3rver does not implement AbortMultipartUpload, so the error may be its refusal; S3 would pass the body's error on.
      await expect(writing).rejects.toThrow();
      const created = sent.find((command) => command.name === 'CreateMultipartUploadCommand');
      const aborted = sent.find((command) => command.name === 'AbortMultipartUploadCommand');
      expect(created).toBeDefined();
      expect(aborted?.input).toMatchObject({ Bucket: bucket, Key: CSV_KEY, UploadId: expect.any(String) });
      expect(commandNames()).not.toContain('CompleteMultipartUploadCommand');
      expect(await objectKeys()).toEqual([]);
      expect(await sink.read(CSV_KEY)).toBeUndefined();
    });

    it('reads a missing key as undefined', async () => {
      // Prepare
      const sink = new S3Sink({ client, bucket, prefix: 'lake' });

      // Act
      const text = await sink.read('enterprise/none/_manifest.json');

      // Assess
      expect(text).toBeUndefined();
    });
  });

  describe('Method: list', () => {
    it('lists the objects under a prefix, keys relative to the sink prefix', async () => {
      // Prepare
      const sink = new S3Sink({ client, bucket, prefix: '/lake/v1/' });
      await sink.write('enterprise/t/daily/org=acme/date=2026-06-16/_manifest.json', '{}');
      await sink.write('enterprise/t/daily/org=acme/date=2026-06-15/r.csv', 'abc');
      await sink.write('query/enterprise/t/daily/_table.json', '[]');
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'lake/v10/enterprise/t/daily/org=acme/x.csv', Body: 'x' }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'enterprise/t/daily/org=acme/y.csv', Body: 'y' }));

      // Act
      const underOrg = await listAll(sink, 'enterprise/t/daily/org=acme/');
      const everything = await listAll(sink, '');

      // Assess
      expect(underOrg).toEqual([
        { key: 'enterprise/t/daily/org=acme/date=2026-06-15/r.csv', size: 3 },
        { key: 'enterprise/t/daily/org=acme/date=2026-06-16/_manifest.json', size: 2 },
      ]);
      expect(everything.map((object) => object.key)).toEqual([
        'enterprise/t/daily/org=acme/date=2026-06-15/r.csv',
        'enterprise/t/daily/org=acme/date=2026-06-16/_manifest.json',
        'query/enterprise/t/daily/_table.json',
      ]);
    });

    it('lists keys as they are when the sink has no prefix', async () => {
      // Prepare
      const sink = new S3Sink({ client, bucket });
      await sink.write('enterprise/a.csv', 'a');

      // Act
      const objects = await listAll(sink, 'enterprise/');

      // Assess
      expect(objects).toEqual([{ key: 'enterprise/a.csv', size: 1 }]);
    });
  });

  describe('Method: delete', () => {
    it('deletes an object', async () => {
      // Prepare
      const sink = new S3Sink({ client, bucket, prefix: 'lake' });
      await sink.write(CSV_KEY, CSV);

      // Act
      await sink.delete(CSV_KEY);

      // Assess
      expect(await sink.read(CSV_KEY)).toBeUndefined();
      expect(await objectKeys()).toEqual([]);
    });
  });

  describe('Method: prepare', () => {
    it('has nothing to remove', async () => {
      // Prepare
      const sink = new S3Sink({ client, bucket });

      // Act
      const removed = await sink.prepare();

      // Assess
      expect(removed).toBe(0);
    });
  });

  describe('Property: location and uri', () => {
    it('names the bucket and prefix as s3:// addresses', () => {
      // Prepare
      const prefixed = new S3Sink({ client, bucket: 'reports', prefix: '/lake/' });
      const bare = new S3Sink({ client, bucket: 'reports' });

      // Act
      const uri = prefixed.uri('enterprise/a.csv');

      // Assess
      expect(prefixed.location).toBe('s3://reports/lake');
      expect(uri).toBe('s3://reports/lake/enterprise/a.csv');
      expect(bare.location).toBe('s3://reports');
      expect(bare.uri('enterprise/a.csv')).toBe('s3://reports/enterprise/a.csv');
    });
  });
});

describe('Class: S3Sink, conditional writes (against a proxy that enforces them, as S3 does)', () => {
  const LEASE_KEY = '_leases/enterprise/usage_pulls/daily/org=acme/date=2026-06-16.json';
  let s3: Awaited<ReturnType<typeof startConditionalS3>>;
  let sink: S3Sink;

  beforeAll(async () => {
    s3 = await startConditionalS3();
  });

  afterAll(async () => {
    await s3.close();
  });

  beforeEach(async () => {
    sink = new S3Sink({ client: s3.client, bucket: await s3.createBucket(), prefix: 'lake' });
  });

  it('creates a key once (If-None-Match: *): a second create finds it and changes nothing', async () => {
    // Act
    const first = await sink.createIfAbsent(LEASE_KEY, '{"n":1}');
    const second = await sink.createIfAbsent(LEASE_KEY, '{"n":2}');

    // Assess
    expect(first).toMatch(/^"[0-9a-f]+"$/);
    expect(second).toBeUndefined();
    expect(await sink.readVersioned(LEASE_KEY)).toEqual({ text: '{"n":1}', version: first });
  });

  it('lets one of many creates racing for a key win', async () => {
    // Act
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => sink.createIfAbsent(LEASE_KEY, `{"n":${i}}`)));

    // Assess
    expect(results.filter((result) => result !== undefined)).toHaveLength(1);
  });

  it('replaces only the version that was read (If-Match)', async () => {
    // Prepare
    const before = s3.conditionalWrites();
    const version = (await sink.createIfAbsent(LEASE_KEY, '{"n":1}'))!;

    // Act
    const swapped = await sink.replaceIfVersion(LEASE_KEY, '{"n":2}', version);
    const stale = await sink.replaceIfVersion(LEASE_KEY, '{"n":3}', version);

    // Assess
    expect(swapped).toBeDefined();
    expect(stale).toBeUndefined();
    expect((await sink.readVersioned(LEASE_KEY))?.text).toBe('{"n":2}');
    expect(s3.conditionalWrites() - before).toBe(3);
  });

  it('answers undefined for a key that does not exist', async () => {
    // Act & Assess
    expect(await sink.readVersioned(LEASE_KEY)).toBeUndefined();
    expect(await sink.replaceIfVersion(LEASE_KEY, '{}', '"0badc0de"')).toBeUndefined();
  });

  it("says that a failure was the lake's, and where", async () => {
    // Prepare: a bucket that does not exist.
    const missing = new S3Sink({ client: s3.client, bucket: 'no-such-bucket', prefix: 'lake' });

    // Act
    const failures = await Promise.all([
      missing.write('enterprise/x.json', '{}').catch((error: unknown) => error),
      missing.read('enterprise/x.json').catch((error: unknown) => error),
      missing.createIfAbsent(LEASE_KEY, '{}').catch((error: unknown) => error),
    ]);

    // Assess
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(LakeError);
      expect((failure as Error).message).toMatch(/^the lake at s3:\/\/no-such-bucket\/lake: (writing|reading) \S+ failed: /);
    }
  });
});
