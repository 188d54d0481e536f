import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { runCliInProcess, runCliProcess } from '../../support/cli-runner.js';
import { simulatorEnv } from '../../support/engine.js';
import { filesUnder } from '../../support/lake-files.js';
import { tempDir } from '../../support/temp-dir.js';

describe('docker-reports sync', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme', 'my-org'], days: 2 });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(async (context) => {
    sim.faults.clear();
    sim.stats.reset();
    lake = await tempDir('cli-sync');
    context.onTestFinished(() => lake.remove());
  });

  describe('exit 0', () => {
    it('lands everything and prints a JSON summary with --json', async () => {
      const run = await runCliInProcess(['sync', '--org', 'acme', '--org', 'my-org', '--dest', lake.path, '--json'], simulatorEnv(sim));

      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as { landed: { org: string; sha256: string; uri: string }[]; skipped: number; failed: unknown[] };
      const listed = sim.reports('acme').length + sim.reports('my-org').length;
      expect(summary.landed).toHaveLength(listed);
      expect(summary.failed).toEqual([]);
      expect(summary.landed.every((landed) => landed.uri.startsWith(lake.path) && /^[0-9a-f]{64}$/.test(landed.sha256))).toBe(true);
    });

    it('is 0 too when there is nothing left to land', async () => {
      await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path], simulatorEnv(sim));

      const again = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path], simulatorEnv(sim));

      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/Landed 0 reports .*; \d+ already landed; 0 failed/);
    });

    it('logs a line per landed report when its output is not a terminal', async () => {
      const run = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path], simulatorEnv(sim));

      const landedLines = run.stderr.split('\n').filter((line) => line.startsWith('landed acme/'));
      expect(landedLines).toHaveLength(sim.reports('acme').length);
    });
  });

  describe('exit 1', () => {
    it('when some reports failed, listing each with its reason', async () => {
      sim.faults.shortBody(100, 10, { org: 'my-org' });

      const run = await runCliInProcess(['sync', '--org', 'acme', '--org', 'my-org', '--dest', lake.path], simulatorEnv(sim));

      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/my-org\/[a-z_]+\/[a-z]+\/\d{4}-\d{2}-\d{2}: the download sent fewer bytes/);
      expect(run.stdout).toMatch(/run the same command again/);
      const landedOrgs = new Set((await filesUnder(lake.path)).filter((f) => f.endsWith('_manifest.json')).map((f) => /org=([^/]+)/.exec(f)![1]));
      expect([...landedOrgs]).toEqual(['acme']);
    });
  });

  describe('exit 2, before any request', () => {
    it.each([
      [['--org', 'Acme'], /org "Acme" must be lowercase/],
      [['--org', '../etc'], /org "\.\.\/etc" must be lowercase/],
      [['--org', 'acme', '--since', '2026-02-30'], /"2026-02-30" is not a real date/],
      [['--org', 'acme', '--since', 'yesterday'], /"yesterday" is not a real date/],
      [['--org', 'acme', '--concurrency', '0'], /whole number from 1 to 32/],
      [['--org', 'acme', '--bogus'], /unknown option '--bogus'/],
    ])('for %j', async (flags, message) => {
      const run = await runCliInProcess(['sync', ...flags, '--dest', lake.path], simulatorEnv(sim));

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(sim.stats.token + sim.stats.types).toBe(0);
    });

    it('when an org has no OAT, naming the variable to set', async () => {
      const env = { ...simulatorEnv(sim), DOCKER_OAT_MY_ORG: undefined };

      const run = await runCliInProcess(['sync', '--org', 'acme', '--org', 'my-org', '--dest', lake.path], env);

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/No OAT for org my-org: set DOCKER_OAT_MY_ORG \(or DOCKER_OAT for every org\)/);
      expect(sim.stats.token).toBe(0);
    });

    it('when the destination is not a bucket name', async () => {
      const run = await runCliInProcess(['sync', '--org', 'acme', '--dest', 's3://Not_A_Bucket/x'], simulatorEnv(sim));

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/is not an S3 bucket name/);
    });
  });

  describe('exit 3', () => {
    it('when Docker rejects the OAT, naming where it came from and never showing it', async () => {
      const wrong = `not-the-oat-${process.pid}`;
      const run = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path], { ...simulatorEnv(sim), DOCKER_OAT_ACME: wrong });

      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/Docker Hub rejected the OAT \(401\)\. Check DOCKER_OAT_ACME/);
      expect(run.stdout + run.stderr).not.toContain(wrong);
    });
  });

  it('never writes an OAT or a JWT to its output or the lake', async () => {
    const oat = sim.oatFor('acme');
    sim.faults.expireTokens();

    const run = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path, '--json'], simulatorEnv(sim));

    expect(run.code).toBe(0);
    const everything = [run.stdout, run.stderr];
    for (const file of await filesUnder(lake.path)) {
      if (!file.endsWith('.gz')) everything.push(await readFile(join(lake.path, file), 'utf8'));
    }
    const text = everything.join('\n');
    expect(text).not.toContain(oat);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/); // a JWT's header and payload
    expect(text).not.toMatch(/X-Amz-Signature/i);
  });

  it('runs from the package bin with no build step, and says what it does', async () => {
    const run = await runCliProcess(['sync', '--help'], {});

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--dest <dest>/);
    expect(run.stdout).toMatch(/DOCKER_OAT_<ORG>/);
    expect(run.stdout).toMatch(/3 {2}Docker rejected the credentials/);
  });
});
