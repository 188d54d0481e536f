import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manifestKey } from '../../../shared/lake/layout.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import { createSimulator, type FaultControls, type Simulator } from '../../../simulator/index.js';
import { BIN, runCliProcess } from '../../support/cli-runner.js';
import { engineFor, simulatorEnv } from '../../support/engine.js';
import { tempDir } from '../../support/temp-dir.js';

/** What a process that died of an unobserved rejection or an uncaught exception prints. */
const CRASH = /Unhandled|uncaught|triggerUncaughtException|\n\s+at .+\(.+:\d+:\d+\)/i;

/** Every fault the simulator can inject, each armed for more attempts than one run retries. */
const FAULTS: Record<string, (faults: FaultControls) => void> = {
  'rate limit': (f) => f.rateLimit(4, 0),
  '500 on every call': (f) => f.serverError(50, 500),
  '503 on the schema while other landings of the table run': (f) => f.serverError(50, 503, { operations: ['schema'] }),
  '404 on the schema': (f) => f.notFound(50, { operations: ['schema'] }),
  '404 on downloads': (f) => f.notFound(50, { operations: ['download'] }),
  'token exchange fails': (f) => f.serverError(50, 500, { operations: ['token'] }),
  'reset mid-body': (f) => f.resetMidBody(50),
  'reset mid-body and 500 on the schema': (f) => f.resetMidBody(50).serverError(50, 500, { operations: ['schema'] }),
  'short body': (f) => f.shortBody(50),
  'expired signed URLs': (f) => f.expiredUrl(50),
  'tokens expire mid-run': (f) => f.expireTokens(),
  'malformed listing (shape)': (f) => f.malformed('list', 50, 'shape'),
  'malformed types (not JSON)': (f) => f.malformed('types', 50, 'not-json'),
  'malformed schema (truncated)': (f) => f.malformed('schema', 50, 'truncated'),
  'repeated page token': (f) => f.repeatPageToken(50),
};

describe('no fault kills the process', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme'], days: 3, reportBytes: 40_000 });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(() => {
    sim.faults.clear();
  });

  describe('docker-reports sync --json', () => {
    it.each(Object.keys(FAULTS))('%s: an exit code the README documents, a JSON summary, no crash', async (name) => {
      // Prepare
      const lake = await tempDir('faults');
      try {
        FAULTS[name]!(sim.faults);

        // Act
        const run = await runCliProcess(['sync', '--org', 'acme', '--dest', lake.path, '--json', '--concurrency', '4'], simulatorEnv(sim));

        // Assess
        expect(run.stderr).not.toMatch(CRASH);
        expect([0, 1, 3]).toContain(run.code);
        const summary = JSON.parse(run.stdout) as { landed: unknown[]; failed: unknown[] };
        expect(Array.isArray(summary.landed) && Array.isArray(summary.failed)).toBe(true);
      } finally {
        await lake.remove();
      }
    });
  });

  describe('docker-reports serve', () => {
    let lake: { path: string; remove: () => Promise<void> };
    let child: ChildProcessWithoutNullStreams;
    let url: string;
    let stderr = '';

    beforeAll(async () => {
      lake = await tempDir('faults-serve');
      const engine = engineFor(sim, new FsSink(lake.path));
      await engine.sync();
      await engine.close();
      // Nothing is landed any more: every download lands on demand, through the faults.
      for (const report of sim.reports('acme')) {
        await new FsSink(lake.path).delete(
          manifestKey({ source: 'enterprise', scope: 'acme', name: report.ReportType, cadence: report.Cadence, period: report.Date }),
        );
      }
      child = spawn(process.execPath, [BIN, 'serve', '--lake', lake.path, '--port', '0', '--org', 'acme'], {
        env: { PATH: process.env.PATH, ...simulatorEnv(sim) },
      });
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      let stdout = '';
      child.stdout.setEncoding('utf8');
      while (!/http:\/\/\S+/.test(stdout)) stdout += String((await once(child.stdout, 'data'))[0]);
      url = /http:\/\/[^\s/]+/.exec(stdout)![0];
    });

    afterAll(async () => {
      child.kill('SIGTERM');
      await once(child, 'close').catch(() => undefined);
      await lake.remove();
    });

    it.each(Object.keys(FAULTS))('%s: concurrent downloads get answers, and the server lives on', async (name) => {
      // Prepare
      FAULTS[name]!(sim.faults);
      const reports = sim.reports('acme').filter((report) => report.Cadence === 'daily');

      // Act: every report twice at once, so landings of one table (and of one report) overlap.
      const answers = await Promise.all(
        [...reports, ...reports].map((report) =>
          fetch(`${url}/orgs/acme/reports/${report.ReportType}/${report.Cadence}/${report.Date}/download?redirect=false`).then((response) => response.status),
        ),
      );
      sim.faults.clear();
      const health = await fetch(`${url}/orgs/acme/reports`);

      // Assess
      expect(answers.every((status) => [200, 404, 502, 503].includes(status))).toBe(true);
      expect(health.status).toBe(200);
      expect(child.exitCode).toBeNull();
      expect(stderr).not.toMatch(CRASH);
    });
  });
});
