import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manifestKey } from '../../../shared/lake/layout.js';
import { parseManifest } from '../../../shared/lake/manifest.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import type { LakeSink, StagedFile } from '../../../shared/sinks/lake-sink.js';
import type { PeriodRef } from '../../../shared/sources/index.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { engineFor } from '../../support/engine.js';
import { lakeRowsByOrg, queryObjectsByPartition, servedRows } from '../../support/lake-rows.js';
import { tempDir } from '../../support/temp-dir.js';

const DAILY = { enterprise: { names: ['usage_pulls'], cadences: ['daily'] } };

/**
 * A folder lake whose `crashAt`-th change (a write, a publish, a delete, a
 * lease's create or swap) fails, as when the process dies or the storage
 * refuses right there. It counts the changes, so a test can walk every step.
 */
class CrashingSink implements LakeSink {
  changes = 0;

  constructor(
    private readonly inner: LakeSink,
    private readonly crashAt: number,
  ) {}

  private step(what: string): void {
    this.changes += 1;
    if (this.changes === this.crashAt) throw new Error(`crashed at change ${this.changes} (${what})`);
  }

  get location() {
    return this.inner.location;
  }
  get remote() {
    return this.inner.remote;
  }
  uri = (key: string) => this.inner.uri(key);
  read = (key: string) => this.inner.read(key);
  list = (prefix: string) => this.inner.list(prefix);
  folders = (prefix: string) => this.inner.folders(prefix);
  localCopy = (key: string) => this.inner.localCopy(key);
  readVersioned = (key: string) => this.inner.readVersioned(key);
  prepare = () => this.inner.prepare();
  write: LakeSink['write'] = async (key, body, options) => {
    this.step(`write ${key}`);
    return this.inner.write(key, body, options);
  };
  delete = async (key: string) => {
    this.step(`delete ${key}`);
    return this.inner.delete(key);
  };
  createIfAbsent = async (key: string, text: string) => {
    this.step(`create ${key}`);
    return this.inner.createIfAbsent(key, text);
  };
  replaceIfVersion = async (key: string, text: string, version: string) => {
    this.step(`swap ${key}`);
    return this.inner.replaceIfVersion(key, text, version);
  };
  stage = async (key: string): Promise<StagedFile> => {
    const staged = await this.inner.stage(key);
    return {
      path: staged.path,
      publish: async (target, options) => {
        this.step(`publish ${target}`);
        return staged.publish(target, options);
      },
      discard: () => staged.discard(),
    };
  };
}

describe('a landing that crashes at any step', () => {
  let sim: Simulator;
  let restated = false;
  let ref: PeriodRef;

  beforeAll(async () => {
    sim = await createSimulator({
      orgs: ['acme'],
      days: 1,
      reportBytes: 30_000,
      sizeFor: (org, type, cadence, date) => (restated && org === ref.scope && type === ref.name && cadence === ref.cadence && date === ref.period ? 45_000 : undefined),
    });
    const report = sim.reports('acme').find((r) => r.ReportType === 'usage_pulls' && r.Cadence === 'daily')!;
    ref = { source: 'enterprise', scope: 'acme', name: report.ReportType, cadence: report.Cadence, period: report.Date };
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(() => {
    restated = false;
  });

  const sync = async (sink: LakeSink) => {
    const engine = engineFor(sim, sink);
    try {
      return await engine.sync({ filters: DAILY });
    } finally {
      await engine.close();
    }
  };
  /** acme's rows in the lake's table, undefined while the lake has no table with data. */
  const rowsInLake = async (lake: string): Promise<number | undefined> => {
    const rows = await lakeRowsByOrg(lake, 'usage_pulls_daily').catch((error: unknown) => {
      if (/does not exist/.test(String(error))) return {} as Record<string, number>;
      throw error;
    });
    return rows.acme;
  };
  const served = async () => servedRows(sim, { org: 'acme', type: ref.name, cadence: ref.cadence, date: ref.period });

  /** What must hold after any crash: at most one query object per partition, and a manifest only ever over the bytes it describes. */
  const assertConsistent = async (lake: string) => {
    for (const [partition, objects] of await queryObjectsByPartition(lake)) expect(objects.length, partition).toBeLessThanOrEqual(1);
    const manifestText = await readFile(join(lake, manifestKey(ref)), 'utf8').catch(() => undefined);
    if (manifestText === undefined) return;
    for (const file of parseManifest(manifestText).files) {
      const bytes = await readFile(join(lake, ...file.key.split('/')));
      expect(createHash('sha256').update(bytes).digest('hex'), file.key).toBe(file.sha256);
    }
  };

  /** Crashes a sync at its 1st, 2nd, ... change until one runs clean; after each, checks the lake and that the next sync repairs it. */
  const everyStep = async (prepare: (lake: string) => Promise<void>, allowedAfterCrash: () => Promise<(number | undefined)[]>) => {
    let steps = 0;
    for (let crashAt = 1; ; crashAt += 1) {
      const lake = await tempDir('crash-step');
      try {
        await prepare(lake.path);
        const crashing = new CrashingSink(new FsSink(lake.path), crashAt);
        const crashed = await sync(crashing);
        if (crashing.changes < crashAt) {
          expect(crashed.failed).toEqual([]);
          break;
        }
        steps += 1;
        await assertConsistent(lake.path);
        expect(await allowedAfterCrash(), `rows after a crash at change ${crashAt}`).toContain(await rowsInLake(lake.path));

        const repaired = await sync(new FsSink(lake.path));
        expect(repaired.failed, `after a crash at change ${crashAt}`).toEqual([]);
        await assertConsistent(lake.path);
        expect(await lakeRowsByOrg(lake.path, 'usage_pulls_daily')).toEqual({ acme: await served() });
        expect((await queryObjectsByPartition(lake.path)).size).toBe(1);
      } finally {
        await lake.remove();
      }
    }
    return steps;
  };

  it('of a new landing leaves nothing or the whole report, and the next sync lands it', async () => {
    // Act
    // No rows, or every row once (a query copy in place a moment before its manifest).
    const steps = await everyStep(async () => undefined, async () => [undefined, await served()]);

    // Assess: lease, audit copy, query copy, lease renewal, manifest, lease release at least.
    expect(steps).toBeGreaterThanOrEqual(5);
  });

  it('of a replacement keeps the earlier landing readable, and the next sync replaces it', async () => {
    // Prepare
    const original = await served();

    // Act
    const steps = await everyStep(
      async (lake) => {
        restated = false;
        expect((await sync(new FsSink(lake))).failed).toEqual([]);
        restated = true;
      },
      // One complete copy is read: the earlier rows or the restated ones, never both.
      async () => [original, await served()],
    );

    // Assess
    expect(steps).toBeGreaterThanOrEqual(5);
    expect(await served()).not.toBe(original);
  });
});
