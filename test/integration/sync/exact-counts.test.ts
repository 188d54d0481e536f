import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditFileKey, manifestKey, queryObjectKey, tableDefinitionKey } from '../../../shared/lake/layout.js';
import { parseManifest } from '../../../shared/lake/manifest.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import type { LakeSink } from '../../../shared/sinks/lake-sink.js';
import { S3Sink } from '../../../shared/sinks/s3-sink.js';
import type { PeriodRef } from '../../../shared/sources/index.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { engineFor, orgScopes, type TestEngine } from '../../support/engine.js';
import { filesUnder } from '../../support/lake-files.js';
import { lakeRowsByOrg, queryObjectsByPartition, servedRows } from '../../support/lake-rows.js';
import { startConditionalS3 } from '../../support/conditional-s3.js';
import type { LocalS3 } from '../../support/local-s3.js';
import { tempDir } from '../../support/temp-dir.js';

const DAILY = { enterprise: { names: ['usage_pulls'], cadences: ['daily'] } };

/** A lake whose manifest writes fail for the chosen periods: a process killed between the query copy and the manifest. */
class ManifestsFail implements LakeSink {
  constructor(
    private readonly inner: LakeSink,
    private readonly failing: (key: string) => boolean,
  ) {}
  get location() {
    return this.inner.location;
  }
  get remote() {
    return this.inner.remote;
  }
  uri = (key: string) => this.inner.uri(key);
  write: LakeSink['write'] = async (key, body, options) => {
    if (key.endsWith('/_manifest.json') && this.failing(key)) throw new Error('killed before the manifest was written');
    return this.inner.write(key, body, options);
  };
  read = (key: string) => this.inner.read(key);
  list = (prefix: string) => this.inner.list(prefix);
  folders = (prefix: string) => this.inner.folders(prefix);
  delete = (key: string) => this.inner.delete(key);
  createIfAbsent = (key: string, text: string) => this.inner.createIfAbsent(key, text);
  readVersioned = (key: string) => this.inner.readVersioned(key);
  replaceIfVersion = (key: string, text: string, version: string) => this.inner.replaceIfVersion(key, text, version);
  stage = (key: string) => this.inner.stage(key);
  localCopy = (key: string) => this.inner.localCopy(key);
  prepare = () => this.inner.prepare();
}

describe('exact counts: one query object per period, however landings end or race', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };
  const engines: TestEngine[] = [];
  const engine = (sink: LakeSink) => {
    const made = engineFor(sim, sink);
    engines.push(made);
    return made;
  };

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme', 'globex'], days: 5, reportBytes: 60_000 });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(async () => {
    sim.stats.reset();
    lake = await tempDir('exact-counts');
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((made) => made.close()));
    await lake.remove();
  });

  const dailies = (org: string): PeriodRef[] =>
    sim
      .reports(org)
      .filter((r) => r.ReportType === 'usage_pulls' && r.Cadence === 'daily')
      .map((r) => ({ source: 'enterprise', scope: org, name: r.ReportType, cadence: r.Cadence, period: r.Date }));

  /** Rows Docker served per org, for the daily usage_pulls reports. */
  const served = async (): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const org of sim.orgs) {
      const rows = await Promise.all(dailies(org).map((ref) => servedRows(sim, { org, type: ref.name, cadence: ref.cadence, date: ref.period })));
      counts[org] = rows.reduce((a, b) => a + b, 0);
    }
    return counts;
  };

  /** Every query partition holds exactly its one Parquet object. */
  const onePerPartition = async (root: string) => {
    const partitions = await queryObjectsByPartition(root);
    expect(partitions.size).toBeGreaterThan(0);
    for (const [partition, objects] of partitions) expect(objects, partition).toEqual([expect.stringMatching(/\.parquet$/)]);
  };

  it('a run killed between query copy and manifest leaves nothing counted twice, and the next sync completes it', async () => {
    // Prepare: the two newest reports of acme lose their manifest write.
    const [newest, second] = dailies('acme').sort((a, b) => b.period.localeCompare(a.period));
    const killed = new Set([manifestKey(newest!), manifestKey(second!)]);
    const crashed = await engine(new ManifestsFail(new FsSink(lake.path), (key) => killed.has(key))).sync({ filters: DAILY });
    expect(crashed.failed.map((f) => f.period).sort()).toEqual([second!.period, newest!.period].sort());

    // Act
    const next = await engine(new FsSink(lake.path)).sync({ filters: DAILY });

    // Assess
    expect(next.failed).toEqual([]);
    expect(next.landed.map((l) => l.ref.period).sort()).toEqual([second!.period, newest!.period].sort());
    await onePerPartition(lake.path);
    expect(await lakeRowsByOrg(lake.path, 'usage_pulls_daily')).toEqual(await served());
  });

  const dailyCount = () => sim.orgs.reduce((sum, org) => sum + dailies(org).length, 0);

  it('two syncs racing into one folder lake end with exactly the rows Docker served, each report downloaded once', async () => {
    // Act
    const [a, b] = await Promise.all([engine(new FsSink(lake.path)).sync({ filters: DAILY }), engine(new FsSink(lake.path)).sync({ filters: DAILY })]);

    // Assess: the leases made one run land each report; the other found it landed.
    expect([...a.failed, ...b.failed]).toEqual([]);
    expect(a.landed.length + b.landed.length).toBe(dailyCount());
    expect(sim.stats.storage).toBe(dailyCount());
    expect((await filesUnder(lake.path)).filter((file) => file.includes('_leases/') && file.endsWith('.json'))).toEqual([]);
    await onePerPartition(lake.path);
    expect((await filesUnder(lake.path)).filter((file) => file.includes('.partial'))).toEqual([]);
    expect(await lakeRowsByOrg(lake.path, 'usage_pulls_daily')).toEqual(await served());
  });

  describe('into one S3 prefix', () => {
    let s3: LocalS3;

    beforeAll(async () => {
      // s3rver ignores If-None-Match and If-Match: the proxy enforces them as S3 does.
      s3 = await startConditionalS3();
    });

    afterAll(async () => {
      await s3.close();
    });

    /** The lake's query tree, copied from the bucket into a folder, where DuckDB reads every object as Athena would. */
    const mirrorQueryTree = async (bucket: string, prefix: string, into: string) => {
      const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/query/` }));
      for (const object of listed.Contents ?? []) {
        const body = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key! }));
        const path = join(into, object.Key!.slice(prefix.length + 1));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, Buffer.from(await body.Body!.transformToByteArray()));
      }
    };

    it('two syncs racing end with exactly the rows Docker served, each report downloaded once', async () => {
      // Prepare
      const bucket = await s3.createBucket();
      const sink = () => new S3Sink({ client: s3.client, bucket, prefix: 'lake' });

      // Act
      const [a, b] = await Promise.all([engine(sink()).sync({ filters: DAILY }), engine(sink()).sync({ filters: DAILY })]);

      // Assess
      expect([...a.failed, ...b.failed]).toEqual([]);
      expect(a.landed.length + b.landed.length).toBe(dailyCount());
      expect(sim.stats.storage).toBe(dailyCount());
      const leases = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'lake/_leases/' }));
      expect(leases.Contents ?? []).toEqual([]);
      await mirrorQueryTree(bucket, 'lake', lake.path);
      await onePerPartition(lake.path);
      expect(await lakeRowsByOrg(lake.path, 'usage_pulls_daily')).toEqual(await served());
    });
  });

  it('a failing run racing a healthy one loses nothing: every report ends landed and readable, and the next sync has nothing to do', async () => {
    // Prepare: one run whose every manifest write fails (a full disk, S3 503s), one that works.
    const failing = engine(new ManifestsFail(new FsSink(lake.path), () => true));
    const healthy = engine(new FsSink(lake.path));

    // Act
    const [bad, good] = await Promise.all([failing.sync({ filters: DAILY }), healthy.sync({ filters: DAILY })]);
    const repair = await engine(new FsSink(lake.path)).sync({ filters: DAILY });

    // Assess
    expect(bad.landed).toEqual([]);
    expect(good.failed).toEqual([]);
    expect(good.landed.length + repair.landed.length).toBe(dailyCount());
    const after = await engine(new FsSink(lake.path)).sync({ filters: DAILY });
    expect(after.landed).toEqual([]);
    expect(after.skipped).toBe(dailyCount());
    await onePerPartition(lake.path);
    expect(await lakeRowsByOrg(lake.path, 'usage_pulls_daily')).toEqual(await served());
  });

  it('upgrades a lake of the first version in one sync: Parquet copies rebuilt from the audit CSV, no download, exact counts', async () => {
    // Prepare: a lake as version 0.1.0 left it (manifest version 1, gzip JSON Lines copies, the old _table.json).
    for (const org of sim.orgs) {
      for (const ref of dailies(org)) {
        const bytes = await bufferOf(sim.reportBody(org, ref.name, ref.cadence, ref.period));
        const csvKey = auditFileKey(ref, 0);
        const jsonKey = `${queryObjectKey(ref, '').replace(/[^/]+$/, '')}part-20260101T000000Z.json.gz`;
        await put(csvKey, bytes);
        await put(jsonKey, gzipSync('{"day":"2026-01-01"}\n'));
        await put(manifestKey(ref), JSON.stringify(v1Manifest(ref, bytes, csvKey, jsonKey)));
      }
    }
    const columns = sim.reportSchema('usage_pulls', 'daily', dailies('acme')[0]!.period).fields.map((f) => ({ name: f.name, type: f.type === 'integer' ? 'bigint' : f.type === 'date' ? 'date' : 'string' }));
    await put(tableDefinitionKey({ source: 'enterprise', name: 'usage_pulls', cadence: 'daily' }), JSON.stringify({ type: 'usage_pulls', cadence: 'daily', columns, updated_at: '2026-01-01T00:00:00.000Z' }));

    // Act
    const summary = await engine(new FsSink(lake.path)).sync({ scopes: orgScopes(sim.orgs), filters: DAILY });

    // Assess
    const all = sim.orgs.flatMap(dailies);
    expect(summary.rebuilt).toHaveLength(all.length);
    expect(summary.landed).toEqual([]);
    expect({ download: sim.stats.download, storage: sim.stats.storage }).toEqual({ download: 0, storage: 0 });
    await onePerPartition(lake.path);
    for (const ref of all) {
      const manifest = parseManifest(await readFile(join(lake.path, manifestKey(ref)), 'utf8'));
      expect(manifest).toMatchObject({ manifest_version: 2, query: { format: 'parquet', key: queryObjectKey(ref, '.parquet') } });
    }
    expect(await lakeRowsByOrg(lake.path, 'usage_pulls_daily')).toEqual(await served());

    // And a second sync has nothing left to do.
    const again = await engine(new FsSink(lake.path)).sync({ filters: DAILY });
    expect({ rebuilt: again.rebuilt.length, landed: again.landed.length }).toEqual({ rebuilt: 0, landed: 0 });
  });

  async function put(key: string, body: Buffer | string): Promise<void> {
    const path = join(lake.path, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }

  function v1Manifest(ref: PeriodRef, bytes: Buffer, csvKey: string, jsonKey: string) {
    return {
      manifest_version: 1,
      org: ref.scope,
      report_type: ref.name,
      cadence: ref.cadence,
      date: ref.period,
      upstream: { key: `${ref.scope}/${ref.name}/${ref.cadence}/${ref.period}.csv`, size_bytes: bytes.length },
      bytes: bytes.length,
      sha256: createSha(bytes),
      schema: sim.reportSchema(ref.name, ref.cadence, ref.period),
      files: { csv: csvKey, query: jsonKey },
      query: { rows: 1, invalid_values: 0, columns: [] },
      fetched_at: '2026-01-01T00:00:00.000Z',
      tool: { name: 'docker-reports-lake', version: '0.1.0' },
    };
  }
});

async function bufferOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function createSha(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
