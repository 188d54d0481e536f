import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, type RateLimitOptions } from '../../simulator/index.js';
import { CLI, engineEnv } from '../support/engine-cli.js';
import { guideEnv, guideScript } from '../support/guide-workflow.js';
import { expectSuccess, measure, type Measurement } from '../support/measure.js';
import { summarize, type Row } from '../support/results.js';

export interface BackfillOptions {
  readonly reports: number;
  readonly reportBytes: number;
  readonly latencyMs: number;
  readonly rateLimit: RateLimitOptions;
  readonly rounds: number;
}

export interface BackfillResult {
  readonly rows: Row[];
  /** A lake the engine filled, for the no-op scenario; the caller removes it. */
  readonly fullLake: string;
}

/**
 * A first backfill of many small reports behind a slow, rate-limited API:
 * the engine against the guide's steps run report by report.
 */
export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  const sim = await createSimulator({
    orgs: ['acme'],
    days: options.reports,
    reportBytes: options.reportBytes,
    latencyMs: options.latencyMs,
    rateLimit: options.rateLimit,
    reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }],
  });
  const work = await mkdtemp(join(tmpdir(), 'bench-backfill-'));
  const runs: Record<'loop' | 'engine', Measurement[]> = { loop: [], engine: [] };
  const throttled = { loop: 0, engine: 0 };
  let fullLake = '';
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      sim.stats.reset();
      const loopOut = join(work, `loop-${round}`);
      runs.loop.push(expectSuccess('guide loop', await measure('bash', ['-c', guideScript('each')], guideEnv(sim, 'acme', loopOut))));
      throttled.loop += sim.stats.throttled;
      await rm(loopOut, { recursive: true, force: true });

      sim.stats.reset();
      const lake = join(work, `engine-${round}`);
      runs.engine.push(expectSuccess('engine backfill', await measure(process.execPath, [CLI, 'sync', '--org', 'acme', '--dest', lake], engineEnv(sim))));
      throttled.engine += sim.stats.throttled;
      if (round === options.rounds - 1) fullLake = lake;
      else await rm(lake, { recursive: true, force: true });
    }
  } finally {
    await sim.close();
  }
  const megabytes = (options.reports * options.reportBytes) / 1_000_000;
  const scenario = `backfill ${options.reports} x ${options.reportBytes / 1_000_000} MB, ${options.latencyMs} ms latency, ${options.rateLimit.requestsPerSecond} req/s limit`;
  const loop = summarize(runs.loop.map((r) => r.wallMs), [], megabytes);
  const engine = summarize(runs.engine.map((r) => r.wallMs), runs.engine.map((r) => r.peakRssMb), megabytes);
  const speedup = loop.wallMs / engine.wallMs;
  return {
    fullLake,
    rows: [
      { scenario, contestant: 'guide steps, report by report', ...loop, note: `${throttled.loop} throttled (429) calls` },
      {
        scenario,
        contestant: 'engine sync',
        ...engine,
        verdict: `${speedup.toFixed(1)}x the loop (target >= 4x) ${speedup >= 4 && throttled.engine === 0 ? 'met' : 'NOT met'}`,
        note: `${throttled.engine} throttled (429) calls`,
      },
    ],
  };
}
