import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LakeTableCatalog } from '../../../shared/lake/table-catalog.js';
import { PeriodLeases } from '../../../shared/lease/index.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import type { ListedPeriod } from '../../../shared/sources/index.js';
import { runItem } from '../../../shared/sync/run-item.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { engineFor, type TestEngine } from '../../support/engine.js';
import { tempDir } from '../../support/temp-dir.js';

describe('Function: runItem', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };
  let engine: TestEngine;

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme'], days: 1, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] });
    lake = await tempDir('run-item');
    engine = engineFor(sim, new FsSink(lake.path));
  });

  afterAll(async () => {
    await engine.close();
    await sim.close();
    await lake.remove();
  });

  it('lands a period asked for twice at once in one process only once, whichever asker takes the lease first', async () => {
    // Prepare: one process's landings share one catalog (as serve's requests do); the first asker is slow to take
    // the lease, so the second one lands while the first waits.
    const inner = new FsSink(lake.path);
    let creates = 0;
    const sink = Object.assign(Object.create(inner) as FsSink, {
      createIfAbsent: async (key: string, text: string) => {
        creates += 1;
        if (creates === 1) await new Promise((resolve) => setTimeout(resolve, 200));
        return inner.createIfAbsent(key, text);
      },
    });
    const now = () => new Date();
    const deps = {
      sink,
      catalog: new LakeTableCatalog(sink, now),
      engine: engine.engine,
      leases: new PeriodLeases(sink, { pollMs: 50, waitMs: 5_000 }),
      now,
      idleTimeoutMs: 10_000,
    };
    const source = engine.sourceFor('acme');
    const dataset = (await source.datasets())[0]!;
    const period: ListedPeriod = (await source.periods(dataset)[Symbol.asyncIterator]().next()).value[0];
    sim.stats.reset();

    // Act
    const [first, second] = await Promise.all([
      runItem({ action: 'land', period, held: [] }, source, deps),
      runItem({ action: 'land', period, held: [] }, source, deps),
    ]);

    // Assess: one landed it, the other found it landed (no wait for a turn the waiting one held).
    expect([first?.action, second?.action].sort()).toEqual(['landed', undefined].sort());
    expect(sim.stats.storage).toBe(1);
  });
});
