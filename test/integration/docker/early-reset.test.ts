import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { engineFor } from '../../support/engine.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import { tempDir } from '../../support/temp-dir.js';

/**
 * Landing asks for a report's download while it fetches the schema, so a body
 * can break before anything reads it. That must reach the reader as an error,
 * never escape as an uncaught exception that takes the process down.
 */
describe('a download whose connection resets before it is read', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme'], days: 1, reportBytes: 4 * 1024 * 1024, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('errors its reader, later, instead of the process', async () => {
    const lake = await tempDir('early-reset');
    try {
      const engine = engineFor(sim, new FsSink(lake.path));
      const [report] = sim.reports('acme');
      sim.faults.resetMidBody(1, 1000);

      const download = await engine.sourceFor('acme').open(engine.sourceFor('acme').periodOf(report!));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const read = pipeline(download.body, new Writable({ write: (_chunk, _encoding, done) => done() }));

      await expect(read).rejects.toThrow();
      await engine.close();
    } finally {
      await lake.remove();
    }
  });
});
