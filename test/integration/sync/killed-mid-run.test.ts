import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../../shared/lake/manifest.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { BIN, runCliInProcess } from '../../support/cli-runner.js';
import { simulatorEnv } from '../../support/engine.js';
import { filesUnder, sha256OfFile, sha256OfStream } from '../../support/lake-files.js';
import { tempDir } from '../../support/temp-dir.js';

const REPORT_BYTES = 6_000_000;

/**
 * A sync killed with SIGKILL at any moment leaves nothing visible that is
 * half-written, and the next run cleans up after it and finishes the job.
 */
describe('a sync killed mid-run', () => {
  let sim: Simulator;
  const expected = new Map<string, string>();

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme'], days: 4, reportBytes: REPORT_BYTES });
    for (const r of sim.reports('acme')) {
      const ref = `${r.ReportType}_${r.Cadence}_${r.Date}.csv`;
      expected.set(ref, await sha256OfStream(sim.reportBody('acme', r.ReportType, r.Cadence, r.Date)));
    }
  });

  afterAll(async () => {
    await sim.close();
  });

  async function expectNothingHalfWritten(lake: string): Promise<void> {
    const visible = (await filesUnder(lake)).filter((file) => !file.split('/').pop()!.startsWith('.'));
    for (const file of visible) {
      const path = join(lake, file);
      const name = file.split('/').pop()!;
      if (name.endsWith('.csv')) expect(await sha256OfFile(path), file).toBe(expected.get(name));
      // A Parquet file ends with its magic number: a half-written one would not.
      if (name.endsWith('.parquet')) expect((await readFile(path)).subarray(-4).toString('latin1'), file).toBe('PAR1');
      if (name === '_manifest.json') {
        const manifest = parseManifest(await readFile(path, 'utf8'));
        for (const landed of manifest.files) expect(await sha256OfFile(join(lake, landed.key))).toBe(landed.sha256);
        expect(visible).toContain(manifest.query.key);
      }
    }
  }

  // Kill points: while listing, early in the first body, and well into the run.
  it.each([0, 3_000_000, 14_000_000])('after %i bytes served', async (killAfterBytes) => {
    const lake = await tempDir('killed');
    try {
      sim.stats.reset();
      const child = spawn(process.execPath, [BIN, 'sync', '--org', 'acme', '--dest', lake.path, '--concurrency', '2'], {
        env: { PATH: process.env.PATH, ...simulatorEnv(sim) },
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      while (sim.stats.bytesServed < killAfterBytes || (killAfterBytes === 0 && sim.stats.list === 0)) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      child.kill('SIGKILL');
      await exited;

      await expectNothingHalfWritten(lake.path);

      const rerun = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path], simulatorEnv(sim));
      expect(rerun.code).toBe(0);
      const files = await filesUnder(lake.path);
      expect(files.filter((file) => file.includes('.partial'))).toEqual([]);
      const csvs = files.filter((file) => file.endsWith('.csv'));
      expect(csvs).toHaveLength(expected.size);
      await expectNothingHalfWritten(lake.path);
    } finally {
      await lake.remove();
    }
  });
});
