import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LakeObject } from '../../../shared/sinks/lake-sink.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import { deadPid } from '../../support/dead-pid.js';

const CSV_KEY = 'enterprise/usage_pulls/daily/org=acme/date=2026-06-16/usage_pulls_daily_2026-06-16.csv';
const CSV = 'day,hub_username\n2026-06-16,"doe, jane"\n2026-06-16,zoë\n';
/** This host as the sink writes it in temporary names. */
const HOST = hostname().replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40);
const temporaryName = (name: string, pid: number, host = HOST) => `.${name}.${host}.${pid}.0badc0de.partial`;
const LEASE_KEY = '_leases/enterprise/usage_pulls/daily/org=acme/date=2026-06-16.json';

async function listAll(sink: FsSink, prefix: string): Promise<LakeObject[]> {
  const found: LakeObject[] = [];
  for await (const object of sink.list(prefix)) found.push(object);
  return found;
}

/** A body that sends some bytes, then breaks. */
function breakingBody(): Readable {
  let sent = 0;
  return new Readable({
    read() {
      sent += 1;
      if (sent <= 3) this.push(Buffer.from(`2026-06-16,row${sent}\n`));
      else this.destroy(new Error('connection reset mid-body'));
    },
  });
}

describe('Class: FsSink', () => {
  let root: string;
  let sink: FsSink;
  let exited: number;

  beforeAll(async () => {
    exited = await deadPid();
  });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'fs-sink-test-'));
    sink = new FsSink(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('Method: write and read', () => {
    it('writes a string and reads it back, creating the folders', async () => {
      // Act
      await sink.write(CSV_KEY, CSV);
      const text = await sink.read(CSV_KEY);

      // Assess
      expect(text).toBe(CSV);
      expect(await readFile(join(root, ...CSV_KEY.split('/')), 'utf8')).toBe(CSV);
    });

    it('writes a stream byte for byte', async () => {
      // Prepare
      const bytes = Buffer.from(CSV, 'utf8');
      const body = Readable.from([bytes.subarray(0, 5), bytes.subarray(5, 33), bytes.subarray(33)]);

      // Act
      await sink.write(CSV_KEY, body);

      // Assess
      expect((await readFile(join(root, ...CSV_KEY.split('/')))).equals(bytes)).toBe(true);
    });

    it('replaces an object written before', async () => {
      // Prepare
      await sink.write('a/manifest.json', '{"v":1}');

      // Act
      await sink.write('a/manifest.json', '{"v":2}');

      // Assess
      expect(await sink.read('a/manifest.json')).toBe('{"v":2}');
      expect(await readdir(join(root, 'a'))).toEqual(['manifest.json']);
    });

    it('reads a missing key as undefined', async () => {
      // Act
      const text = await sink.read('enterprise/none.csv');

      // Assess
      expect(text).toBeUndefined();
    });

    it('leaves no file and no temporary when the body breaks midway', async () => {
      // Act
      const writing = sink.write(CSV_KEY, breakingBody());

      // Assess
      await expect(writing).rejects.toThrow('connection reset mid-body');
      const left = await readdir(root, { recursive: true, withFileTypes: true });
      expect(left.filter((entry) => entry.isFile())).toEqual([]);
      expect(await sink.read(CSV_KEY)).toBeUndefined();
    });

    it('keeps the earlier object when a rewrite breaks midway', async () => {
      // Prepare
      await sink.write(CSV_KEY, CSV);

      // Act
      const writing = sink.write(CSV_KEY, breakingBody());

      // Assess
      await expect(writing).rejects.toThrow();
      expect(await sink.read(CSV_KEY)).toBe(CSV);
      expect(await listAll(sink, '')).toEqual([{ key: CSV_KEY, size: Buffer.byteLength(CSV) }]);
    });
  });

  describe('Method: list', () => {
    it('lists the objects under a prefix with their sizes, in key order', async () => {
      // Prepare
      await sink.write('enterprise/t/daily/org=acme/date=2026-06-16/_manifest.json', '{}');
      await sink.write('enterprise/t/daily/org=acme/date=2026-06-15/r.csv', 'abc');
      await sink.write('enterprise/t/daily/org=globex/date=2026-06-15/r.csv', 'abcd');
      await sink.write('query/enterprise/t/daily/_table.json', '[]');

      // Act
      const objects = await listAll(sink, 'enterprise/t/daily/org=acme/');

      // Assess
      expect(objects).toEqual([
        { key: 'enterprise/t/daily/org=acme/date=2026-06-15/r.csv', size: 3 },
        { key: 'enterprise/t/daily/org=acme/date=2026-06-16/_manifest.json', size: 2 },
      ]);
    });

    it('skips temporaries and folders', async () => {
      // Prepare
      await sink.write('lake/date=2026-06-16/r.csv', 'abc');
      await writeFile(join(root, 'lake', 'date=2026-06-16', temporaryName('r2.csv', exited)), 'half');
      await mkdir(join(root, 'lake', 'empty'), { recursive: true });

      // Act
      const objects = await listAll(sink, 'lake/');

      // Assess
      expect(objects).toEqual([{ key: 'lake/date=2026-06-16/r.csv', size: 3 }]);
    });

    it('lists nothing under a prefix that does not exist', async () => {
      // Act
      const objects = await listAll(sink, 'enterprise/none/');

      // Assess
      expect(objects).toEqual([]);
    });
  });

  describe('Method: delete', () => {
    it('deletes an object, and a missing one quietly', async () => {
      // Prepare
      await sink.write(CSV_KEY, CSV);

      // Act
      await sink.delete(CSV_KEY);
      await sink.delete(CSV_KEY);

      // Assess
      expect(await sink.read(CSV_KEY)).toBeUndefined();
    });
  });

  describe('Method: prepare', () => {
    it('removes a temporary of a process that is gone and keeps one of a live process', async () => {
      // Prepare
      const folder = join(root, 'enterprise', 'date=2026-06-16');
      await mkdir(folder, { recursive: true });
      const stale = temporaryName('usage_pulls_daily_2026-06-16.csv', exited);
      const live = temporaryName('_manifest.json', process.ppid);
      await writeFile(join(folder, stale), 'half a body');
      await writeFile(join(folder, live), '{}');
      await writeFile(join(folder, 'kept.csv'), 'a,b\n');

      // Act
      const removed = await sink.prepare();

      // Assess
      expect(removed).toBe(1);
      expect((await readdir(folder)).sort()).toEqual([live, 'kept.csv'].sort());
    });

    it("keeps another host's fresh temporary whatever its pid, and removes one a day old", async () => {
      // Prepare: the folder is shared with a machine whose pids mean nothing here.
      const fresh = temporaryName('a.csv', exited, 'other-host');
      const old = temporaryName('b.csv', exited, 'other-host');
      await writeFile(join(root, fresh), 'x');
      await writeFile(join(root, old), 'x');
      const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
      await utimes(join(root, old), twoDaysAgo, twoDaysAgo);

      // Act
      const removed = await sink.prepare();

      // Assess
      expect(removed).toBe(1);
      expect(await readdir(root)).toEqual([fresh]);
    });

    it('keeps the temporaries of this process', async () => {
      // Prepare
      const own = temporaryName('r.csv', process.pid);
      await writeFile(join(root, own), 'x');

      // Act
      const removed = await sink.prepare();

      // Assess
      expect(removed).toBe(0);
      expect(await readdir(root)).toEqual([own]);
    });

    it('removes nothing from a lake folder that does not exist yet', async () => {
      // Prepare
      const absent = new FsSink(join(root, 'not-yet'));

      // Act
      const removed = await absent.prepare();

      // Assess
      expect(removed).toBe(0);
    });
  });

  describe('Keys outside the lake', () => {
    it.each(['../outside.csv', 'enterprise/../../outside.csv', '..'])('refuses the key %j everywhere', async (key) => {
      // Act
      const write = sink.write(key, 'x');
      const read = sink.read(key);
      const remove = sink.delete(key);
      const list = listAll(sink, key);

      // Assess
      await expect(write).rejects.toThrow(/outside the lake/);
      await expect(read).rejects.toThrow(/outside the lake/);
      await expect(remove).rejects.toThrow(/outside the lake/);
      await expect(list).rejects.toThrow(/outside the lake/);
      expect(() => sink.uri(key)).toThrow(/outside the lake/);
    });

    it('keeps a key that only looks absolute inside the lake', async () => {
      // Act
      await sink.write('/escape.csv', 'x');

      // Assess
      expect(await readFile(join(root, 'escape.csv'), 'utf8')).toBe('x');
    });
  });

  describe('Property: location and uri', () => {
    it('names the folder and the file of a key', () => {
      // Act
      const uri = sink.uri('a/b.csv');

      // Assess
      expect(sink.location).toBe(root);
      expect(uri).toBe(join(root, 'a', 'b.csv'));
    });
  });
  describe('Methods: createIfAbsent, readVersioned, replaceIfVersion', () => {
    it('creates a key once: a second create finds it and changes nothing', async () => {
      // Act
      const first = await sink.createIfAbsent(LEASE_KEY, '{"n":1}');
      const second = await sink.createIfAbsent(LEASE_KEY, '{"n":2}');

      // Assess
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(second).toBeUndefined();
      expect(await sink.readVersioned(LEASE_KEY)).toEqual({ text: '{"n":1}', version: first });
      expect((await readdir(join(root, '_leases', 'enterprise', 'usage_pulls', 'daily', 'org=acme'))).sort()).toEqual(['date=2026-06-16.json']);
    });

    it('lets one of many creates racing for a key win', async () => {
      // Act
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => sink.createIfAbsent(LEASE_KEY, `{"n":${i}}`)));

      // Assess
      expect(results.filter((result) => result !== undefined)).toHaveLength(1);
    });

    it('replaces only the version that was read', async () => {
      // Prepare
      const version = (await sink.createIfAbsent(LEASE_KEY, '{"n":1}'))!;

      // Act
      const swapped = await sink.replaceIfVersion(LEASE_KEY, '{"n":2}', version);
      const stale = await sink.replaceIfVersion(LEASE_KEY, '{"n":3}', version);

      // Assess
      expect(swapped).toBeDefined();
      expect(stale).toBeUndefined();
      expect((await sink.readVersioned(LEASE_KEY))?.text).toBe('{"n":2}');
    });

    it('lets one of many swaps of one version win', async () => {
      // Prepare
      const version = (await sink.createIfAbsent(LEASE_KEY, '{"n":0}'))!;

      // Act
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => sink.replaceIfVersion(LEASE_KEY, `{"n":${i + 1}}`, version)));

      // Assess
      expect(results.filter((result) => result !== undefined)).toHaveLength(1);
    });

    it('answers undefined for a key that does not exist', async () => {
      // Act & Assess
      expect(await sink.readVersioned(LEASE_KEY)).toBeUndefined();
      expect(await sink.replaceIfVersion(LEASE_KEY, '{}', 'f'.repeat(64))).toBeUndefined();
    });
  });
});
