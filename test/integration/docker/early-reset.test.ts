import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TransportError } from '../../../shared/errors.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { runCliInProcess } from '../../support/cli-runner.js';
import { engineFor, simulatorEnv } from '../../support/engine.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import { tempDir } from '../../support/temp-dir.js';

const REPORT_BYTES = 4 * 1024 * 1024;

/** What a reader of a broken body is told: the report, the storage's origin, the bytes that came, and what happens next. */
const BROKE_OFF =
  /^download acme\/usage_pulls\/daily\/\d{4}-\d{2}-\d{2} from http:\/\/127\.0\.0\.\d+:\d+: broke off after (\d+) of 4194304 bytes \(the connection was reset, ECONNRESET\)\. It is fetched again; if it keeps breaking, check the network and run again later \(nothing partial is kept\)\.$/;

/**
 * Landing asks for a report's download while it fetches the schema, so a body
 * can break before anything reads it. That must reach the reader as an error
 * that says what broke off where, never escape as an uncaught exception that
 * takes the process down.
 */
describe('a download whose connection resets mid-body', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme'], days: 1, reportBytes: REPORT_BYTES, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(async (context) => {
    sim.faults.clear();
    lake = await tempDir('early-reset');
    context.onTestFinished(() => lake.remove());
  });

  const drain = () => new Writable({ write: (_chunk, _encoding, done) => done() });

  it('errors its reader, later, instead of the process, saying what broke off where', async () => {
    const engine = engineFor(sim, new FsSink(lake.path));
    try {
      const [report] = sim.reports('acme');
      sim.faults.resetMidBody(1, 1000);

      const download = await engine.sourceFor('acme').open(engine.sourceFor('acme').periodOf(report!));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const read = pipeline(download.body, drain());

      await expect(read).rejects.toBeInstanceOf(TransportError);
      await expect(read).rejects.toThrow(BROKE_OFF);
    } finally {
      await engine.close();
    }
  });

  it('counts the bytes that came before the break', async () => {
    const engine = engineFor(sim, new FsSink(lake.path));
    try {
      const [report] = sim.reports('acme');
      sim.faults.resetMidBody(1, 1024 * 1024);

      const download = await engine.sourceFor('acme').open(engine.sourceFor('acme').periodOf(report!));
      const error = await pipeline(download.body, drain()).then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );

      const bytes = Number(BROKE_OFF.exec(error?.message ?? '')?.[1]);
      // An RST may discard what was still in flight, never add to it.
      expect(bytes).toBeGreaterThan(0);
      expect(bytes).toBeLessThanOrEqual(1024 * 1024);
    } finally {
      await engine.close();
    }
  });

  it("is a sync failure that says so, without the storage URL's signature", async () => {
    sim.faults.resetMidBody(10, 1000);

    const run = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path], simulatorEnv(sim));

    expect(run.code).toBe(1);
    const failure = run.stdout.split('\n').find((line) => line.startsWith('  '))?.trim();
    expect(failure).toMatch(BROKE_OFF);
    expect(run.stderr).toMatch(/retrying landing acme\/usage_pulls\/daily\/[\d-]+ \(attempt 2\): download .* broke off after/);
    expect(run.stdout + run.stderr).not.toMatch(/X-Amz|signature|\/storage\//i);
  });
});
