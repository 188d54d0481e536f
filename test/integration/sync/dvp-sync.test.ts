import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalLake } from '../../../cli/local-lake-query.js';
import { auditFileKey, auditPeriodFolder, manifestKey, queryPartitionFolder } from '../../../shared/lake/layout.js';
import { parseManifest } from '../../../shared/lake/manifest.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import type { PeriodRef } from '../../../shared/sources/index.js';
import { CADENCE_OF } from '../../../shared/sources/dvp/index.js';
import { createSimulator, type DvpExport, type DvpNamespaceOptions, type Simulator } from '../../../simulator/index.js';
import { dvpEngineFor, type DvpTestEngine } from '../../support/dvp-engine.js';
import { filesUnder } from '../../support/lake-files.js';
import { tempDir } from '../../support/temp-dir.js';

const NS = 'pubco';
/** Pins the exports whatever the day the tests run: the last week is ISO week 1 of 2026 (2025-12-29..2026-01-04). */
const LAST_WEEK = '2026-01-04';

/**
 * The DVP source end to end against the simulator: what Docker serves lands
 * byte for byte, one manifest per period, with the login, the signed URLs
 * and the multi-file exports handled the way the API wants.
 */
describe('syncLake over DVP namespaces', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };
  let engine: DvpTestEngine;

  async function start(namespace: Partial<DvpNamespaceOptions> = {}, options: { now?: () => Date; jwtTtlSeconds?: number } = {}): Promise<FsSink> {
    sim = await createSimulator({
      orgs: ['acme'],
      days: 1,
      ...(options.now ? { now: options.now } : {}),
      ...(options.jwtTtlSeconds ? { jwtTtlSeconds: options.jwtTtlSeconds } : {}),
      dvp: { namespaces: [{ namespace: NS, lastWeekEnding: LAST_WEEK, weeks: 2, months: 1, views: ['raw', 'summary'], ...namespace }] },
    });
    lake = await tempDir('dvp-sync');
    const sink = new FsSink(lake.path);
    engine = dvpEngineFor(sim, sink, options.now ? { now: options.now } : {});
    return sink;
  }

  afterEach(async () => {
    await engine?.close();
    await sim?.close();
    await lake?.remove();
  });

  const refOf = (item: DvpExport): PeriodRef => ({ source: 'dvp', scope: NS, name: item.view, cadence: CADENCE_OF[item.timespan], period: item.periodStart });
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const rawWeek = (periodStart: string) => sim.dvp.exports(NS).find((item) => item.view === 'raw' && item.timespan === 'weeks' && item.periodStart === periodStart)!;

  it('lands every export byte for byte as part-NNN.csv.gz, with one manifest per period counting the rows served', async () => {
    // Prepare
    await start();

    // Act
    const summary = await engine.sync();

    // Assess
    const exports = sim.dvp.exports(NS);
    expect(summary.failed).toEqual([]);
    expect(summary.landed).toHaveLength(exports.length);
    for (const item of exports) {
      const ref = refOf(item);
      const manifest = parseManifest(await readFile(join(lake.path, manifestKey(ref)), 'utf8'));
      expect(manifest.files).toHaveLength(item.files.length);
      for (const [index, file] of item.files.entries()) {
        const body = sim.dvp.fileBody(NS, item.view, item.timespan, item.year, item.n, index);
        const landed = await readFile(join(lake.path, auditFileKey(ref, index, file.gzip)));
        expect(landed.length).toBe(file.size);
        expect(sha256(landed)).toBe(sha256(body));
        expect(manifest.files[index]).toMatchObject({ bytes: file.size, sha256: sha256(body), upstream: { size_bytes: file.size } });
      }
      expect(manifest.query.rows).toBe(sim.dvp.rows(NS, item.view, item.timespan, item.year, item.n));
    }
    expect(engine.storageHeaders.length).toBe(exports.reduce((sum, item) => sum + item.files.length, 0));
  });

  it('lands ISO week 1 of 2026 under period_start=2025-12-29, and December 2025 under 2025-12-01', async () => {
    // Prepare
    await start();

    // Act
    await engine.sync();

    // Assess
    const files = await filesUnder(lake.path);
    expect(rawWeek('2025-12-29')).toMatchObject({ year: 2026, n: 1 });
    expect(files).toContain('dvp/raw/weekly/namespace=pubco/period_start=2025-12-29/_manifest.json');
    expect(files).toContain('dvp/raw/weekly/namespace=pubco/period_start=2025-12-22/_manifest.json');
    expect(files).toContain('dvp/summary/monthly/namespace=pubco/period_start=2025-12-01/_manifest.json');
    expect(files).toContain('query/dvp/raw/weekly/namespace=pubco/period_start=2025-12-29/raw_weekly_2025-12-29.parquet');
  });

  it('leaves nothing of a three-file gzip export whose second file comes short every time, and lands it on the next run', async () => {
    // Prepare
    const sink = await start({ views: ['raw'], months: 0, weeks: 1, filesPerExport: 3, gzip: true });
    const item = sim.dvp.exports(NS)[0]!;
    const ref = refOf(item);
    sim.faults.shortBody(10, undefined, { namespace: NS, fileIndex: 1 });

    // Act
    const failed = await engine.sync();
    const afterFailure = await filesUnder(lake.path);
    sim.faults.clear();
    const again = await engine.sync();

    // Assess
    expect(item.files).toHaveLength(3);
    expect(failed.landed).toEqual([]);
    expect(failed.failed).toHaveLength(1);
    expect(failed.failed[0]!.reason).toMatch(/file 2 of 3/);
    expect(afterFailure.filter((file) => file.startsWith(auditPeriodFolder(ref)) || file.startsWith(queryPartitionFolder(ref)))).toEqual([]);
    expect(again.failed).toEqual([]);
    expect(again.landed.map((landed) => landed.ref)).toEqual([ref]);
    expect(await sink.read(manifestKey(ref))).toBeDefined();
  });

  it('lists the export again for a fresh URL when the one it got had expired, and never sends the JWT there', async () => {
    // Prepare
    await start({ views: ['raw'], months: 0, weeks: 1, filesPerExport: 3 });
    const source = engine.sourceFor(NS);
    const periods = [];
    for await (const page of source.periods({ source: 'dvp', name: 'raw', cadence: 'weekly' })) periods.push(...page);
    const item = sim.dvp.exports(NS)[0]!;
    const listed = sim.stats.dvpFiles;
    sim.faults.expiredUrl(1, { namespace: NS, fileIndex: 1 });

    // Act
    const download = await source.open(periods[0]!, 1);
    const body = Buffer.concat(await download.body.toArray());

    // Assess
    expect(sha256(body)).toBe(sha256(sim.dvp.fileBody(NS, item.view, item.timespan, item.year, item.n, 1)));
    // The export listed for the URL it opens, and once more after the storage refused the expired one.
    expect(sim.stats.dvpFiles - listed).toBe(2);
    expect(sim.faults.pending()).toBe(0);
    expect(engine.storageHeaders).toHaveLength(2);
    expect(engine.storageHeaders.every((headers) => !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization'))).toBe(true);
  });

  it('downloads nothing on a rerun with nothing new, and logs in once per run', async () => {
    // Prepare
    await start();
    await engine.sync();
    const downloads = sim.stats.dvpDownloads;

    // Act
    const again = await engine.sync();

    // Assess
    expect(again.landed).toEqual([]);
    expect(again.failed).toEqual([]);
    expect(again.skipped).toBe(sim.dvp.exports(NS).length);
    expect(sim.stats.dvpDownloads).toBe(downloads);
    expect(sim.stats.dvpLogin).toBe(1);
  });

  it('logs in again once the JWT has expired by its exp, and after the API rejected it', async () => {
    // Prepare
    let clock = new Date('2026-01-10T08:00:00Z');
    await start({}, { now: () => clock, jwtTtlSeconds: 600 });
    const source = engine.sourceFor(NS);
    await source.datasets();

    // Act
    clock = new Date(clock.getTime() + 5 * 60_000);
    await source.datasets();
    const whileValid = sim.stats.dvpLogin;
    clock = new Date(clock.getTime() + 6 * 60_000);
    await source.datasets();
    const afterExpiry = sim.stats.dvpLogin;
    sim.faults.expireTokens();
    const datasets = await source.datasets();

    // Assess
    expect(whileValid).toBe(1);
    expect(afterExpiry).toBe(2);
    expect(sim.stats.dvpLogin).toBe(3);
    expect(datasets.map((d) => `${d.name}/${d.cadence}`).sort()).toEqual(['raw/monthly', 'raw/weekly', 'summary/monthly', 'summary/weekly']);
  });

  it('logs in through /v2/auth/token once Hub has retired /v2/users/login', async () => {
    // Prepare
    await start({ views: ['summary'], weeks: 1, months: 0 });
    sim.dvp.retireLogin(410);

    // Act
    const summary = await engine.sync();

    // Assess
    expect(summary.failed).toEqual([]);
    expect(summary.landed).toHaveLength(1);
    expect(sim.stats.dvpLogin).toBe(1);
    expect(sim.stats.token).toBe(1);
  });

  it('has nothing to land for a namespace with no exports, and says so', async () => {
    // Prepare
    await start({ empty: true });

    // Act
    const summary = await engine.sync();

    // Assess
    expect(summary).toMatchObject({ landed: [], failed: [], skipped: 0 });
    expect(engine.events).toContainEqual({ kind: 'notice', message: 'namespace pubco has nothing to land yet.' });
    expect(sim.stats.dvpDownloads).toBe(0);
  });

  it('adds a column a later week brings to the table: earlier weeks read NULL there', async () => {
    // Prepare
    await start({ views: ['summary'], weeks: 3, months: 0, addColumnFromWeek: 3, addedColumn: 'Cloud Provider' });

    // Act
    const summary = await engine.sync();
    const local = await LocalLake.open(lake.path);
    const result = await local
      .query('SELECT CAST(period_start AS VARCHAR) AS week, count(*) AS rows, count(cloud_provider) AS with_provider FROM dvp_summary_weekly GROUP BY 1 ORDER BY 1')
      .finally(() => local.close());

    // Assess
    const weeks = sim.dvp.exports(NS).filter((item) => item.timespan === 'weeks');
    expect(summary.failed).toEqual([]);
    expect(weeks.map((item) => item.columns.includes('Cloud Provider'))).toEqual([false, false, true]);
    expect(result.rows.map((row) => row.slice(0, 2))).toEqual(weeks.map((item) => [item.periodStart, String(item.rows)]));
    expect(result.rows.map((row) => Number(row[2]) > 0)).toEqual([false, false, true]);
  });
});
