import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulator } from '../../simulator/index.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from '../../test/support/local-s3.js';
import { CLI, engineEnv } from '../support/engine-cli.js';
import { guideEnv, guideScript } from '../support/guide-workflow.js';
import { expectSuccess, measure, median, type Measurement } from '../support/measure.js';
import { summarize, type Row } from '../support/results.js';

export interface LargeReportOptions {
  readonly megabytes: number;
  readonly rounds: number;
  /** Whether the `aws` CLI is there for the S3 pipeline row. */
  readonly awsCli: boolean;
}

/** Peak RSS the engine must stay under, whatever the report's size. */
export const RSS_BUDGET_MB = 256 * 1.048576;

const DUCKDB_COPY = fileURLToPath(new URL('../support/duckdb-copy.mjs', import.meta.url));
/** The manual step after curl: DuckDB's COPY of the CSV to Parquet, with its defaults. */
const COPY_TO_PARQUET = `node "${DUCKDB_COPY}" "$OUT/\${TYPE}_\${DATE}.csv" "$OUT/\${TYPE}_\${DATE}.parquet"`;

/** The engine's own account of where one landing's time went (`sync --json`). */
function downloadMs(run: Measurement): number {
  const summary = JSON.parse(run.stdout) as { landed: { timings: { download_ms: number } }[] };
  return summary.landed[0]!.timings.download_ms;
}

/**
 * One large report: the engine against what a data engineer would do by
 * hand to get a queryable copy (Docker's curl, then DuckDB's COPY to
 * Parquet, then `aws s3 cp` of both), into a folder and into an S3-protocol
 * server. Contestants alternate within each round, so the machine's noise
 * hits all alike.
 */
export async function largeReport(options: LargeReportOptions): Promise<Row[]> {
  const bytes = options.megabytes * 1_000_000;
  const sim = await createSimulator({ orgs: ['acme'], days: 1, reportBytes: bytes, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] });
  const s3 = await startLocalS3();
  const bucket = await s3.createBucket();
  const work = await mkdtemp(join(tmpdir(), 'bench-large-'));
  const s3Env = {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
  };
  const runs: Record<'curl' | 'manual' | 'engine' | 'manualS3' | 'engineS3', Measurement[]> = { curl: [], manual: [], engine: [], manualS3: [], engineS3: [] };
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      const folder = (name: string) => join(work, `${name}-${round}`);
      runs.curl.push(expectSuccess('curl -L -o', await measure('bash', ['-c', guideScript('latest')], guideEnv(sim, 'acme', folder('curl')))));
      runs.manual.push(
        expectSuccess('curl, then DuckDB COPY', await measure('bash', ['-c', guideScript('latest', undefined, COPY_TO_PARQUET)], guideEnv(sim, 'acme', folder('manual')))),
      );
      runs.engine.push(
        expectSuccess('engine into a folder', await measure(process.execPath, [CLI, 'sync', '--org', 'acme', '--dest', folder('engine'), '--json'], engineEnv(sim))),
      );
      if (options.awsCli) {
        const upload = (ext: string) =>
          `aws s3 cp "$OUT/\${TYPE}_\${DATE}.${ext}" "s3://${bucket}/manual-${round}/" --endpoint-url "${s3.endpoint}" --only-show-errors`;
        const steps = `${COPY_TO_PARQUET}\n${upload('csv')}\n${upload('parquet')}`;
        runs.manualS3.push(
          expectSuccess('curl, DuckDB COPY, aws s3 cp', await measure('bash', ['-c', guideScript('latest', undefined, steps)], { ...guideEnv(sim, 'acme', folder('manual-s3')), ...s3Env })),
        );
      }
      runs.engineS3.push(
        expectSuccess(
          'engine into S3',
          await measure(process.execPath, [CLI, 'sync', '--org', 'acme', '--dest', `s3://${bucket}/engine-${round}`, '--json'], engineEnv(sim, s3Env)),
        ),
      );
      await rm(work, { recursive: true, force: true });
    }
  } finally {
    await sim.close();
    await s3.close();
    await rm(work, { recursive: true, force: true });
  }

  const scenario = `one ${options.megabytes} MB report`;
  const row = (contestant: string, key: keyof typeof runs, extra: Partial<Row> = {}): Row => ({
    scenario,
    contestant,
    ...summarize(runs[key].map((r) => r.wallMs), runs[key].map((r) => r.peakRssMb), options.megabytes),
    ...extra,
  });
  const memory = (key: keyof typeof runs) => {
    const peak = Math.max(...runs[key].map((r) => r.peakRssMb));
    return { text: `peak RSS ${peak < RSS_BUDGET_MB ? '<' : '>='} 256 MiB`, met: peak < RSS_BUDGET_MB };
  };
  const curl = row('curl -L -o (Docker guide)', 'curl');
  const manual = row('curl -L -o, then DuckDB COPY to Parquet', 'manual');
  const engine = row('engine into a folder (CSV + Parquet + manifest)', 'engine');
  const download = median(runs.engine.map(downloadMs));
  const toQueryable = manual.wallMs / engine.wallMs;
  const downloadRatio = curl.wallMs / download;
  const folderMemory = memory('engine');
  const rows: Row[] = [
    curl,
    manual,
    {
      ...engine,
      verdict:
        `time to queryable ${toQueryable.toFixed(2)}x curl+COPY (target >= 1.2x) ${toQueryable >= 1.2 ? 'met' : 'NOT met'}; ` +
        `download stage ${downloadRatio.toFixed(2)}x curl (target >= 0.8x) ${downloadRatio >= 0.8 ? 'met' : 'NOT met'}; ` +
        `${folderMemory.text} ${folderMemory.met ? 'met' : 'NOT met'}`,
      note: `download stage ${(download / 1000).toFixed(2)} s (median of --json timings)`,
    },
  ];
  const engineS3 = row('engine into S3 (s3rver)', 'engineS3');
  const s3Memory = memory('engineS3');
  if (options.awsCli) {
    const manualS3 = row('curl, DuckDB COPY, aws s3 cp of both', 'manualS3');
    const ratio = manualS3.wallMs / engineS3.wallMs;
    rows.push(manualS3, {
      ...engineS3,
      verdict: `${ratio.toFixed(2)}x the manual pipeline (target >= 1.5x) ${ratio >= 1.5 ? 'met' : 'NOT met'}; ${s3Memory.text} ${s3Memory.met ? 'met' : 'NOT met'}`,
    });
  } else {
    rows.push({ ...engineS3, verdict: `${s3Memory.text} ${s3Memory.met ? 'met' : 'NOT met'}`, note: 'no aws CLI: the manual S3 pipeline is skipped' });
  }
  return rows;
}

/** The engine alone on one very large report, once into a folder and once into S3: memory must stay bounded. */
export async function largeReportMemory(megabytes: number): Promise<Row[]> {
  const sim = await createSimulator({ orgs: ['acme'], days: 1, reportBytes: megabytes * 1_000_000, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] });
  const s3 = await startLocalS3();
  const bucket = await s3.createBucket();
  const work = await mkdtemp(join(tmpdir(), 'bench-memory-'));
  const s3Env = {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
  };
  try {
    const folder = expectSuccess('engine into a folder', await measure(process.execPath, [CLI, 'sync', '--org', 'acme', '--dest', join(work, 'lake')], engineEnv(sim)));
    const intoS3 = expectSuccess('engine into S3', await measure(process.execPath, [CLI, 'sync', '--org', 'acme', '--dest', `s3://${bucket}/lake`], engineEnv(sim, s3Env)));
    const scenario = `one ${megabytes} MB report, memory`;
    const judged = (contestant: string, run: Measurement): Row => ({
      scenario,
      contestant,
      ...summarize([run.wallMs], [run.peakRssMb], megabytes),
      verdict: `peak RSS ${run.peakRssMb < RSS_BUDGET_MB ? '< 256 MiB: met' : '>= 256 MiB: NOT met'}`,
    });
    return [judged('engine into a folder', folder), judged('engine into S3 (s3rver)', intoS3)];
  } finally {
    await sim.close();
    await s3.close();
    await rm(work, { recursive: true, force: true });
  }
}
