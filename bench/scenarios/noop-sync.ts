import { createSimulator, type SimulatorOptions } from '../../simulator/index.js';
import { CLI, engineEnv } from '../support/engine-cli.js';
import { expectSuccess, measure } from '../support/measure.js';
import { summarize, type Row } from '../support/results.js';

/**
 * A sync of a lake that already holds everything: how long it takes and what
 * it asks Docker (it must download nothing and fetch no schema).
 */
export async function noopSync(lake: string, simulator: SimulatorOptions, rounds: number, label: string): Promise<Row> {
  const sim = await createSimulator(simulator);
  const walls: number[] = [];
  const rss: number[] = [];
  let calls = '';
  try {
    for (let round = 0; round < rounds; round += 1) {
      sim.stats.reset();
      const run = expectSuccess('no-op sync', await measure(process.execPath, [CLI, 'sync', '--org', 'acme', '--dest', lake], engineEnv(sim)));
      walls.push(run.wallMs);
      rss.push(run.peakRssMb);
      const { token, types, list, schema, download, storage } = sim.stats;
      calls = `calls: token ${token}, types ${types}, list pages ${list}, schema ${schema}, download ${download}, storage ${storage}`;
      if (schema + download + storage > 0) throw new Error(`the no-op sync landed something: ${calls}`);
    }
  } finally {
    await sim.close();
  }
  return { scenario: `no-op sync of a full lake (${label})`, contestant: 'engine sync', ...summarize(walls, rss), note: calls };
}
