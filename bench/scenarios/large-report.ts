import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator } from '../../simulator/index.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from '../../test/support/local-s3.js';
import { CLI, engineEnv } from '../support/engine-cli.js';
import { guideEnv, guideScript } from '../support/guide-workflow.js';
import { expectSuccess, measure, type Measurement } from '../support/measure.js';
import { summarize, type Row } from '../support/results.js';

export interface LargeReportOptions {
  readonly megabytes: number;
  readonly rounds: number;
  /** Whether the `aws` CLI is there for the curl | aws s3 cp row. */
  readonly awsCli: boolean;
}

/**
 * One large report: the engine against Docker's documented workflow, into a
 * folder and into an S3-protocol server. Contestants alternate within each
 * round, so the machine's noise hits all alike.
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
  const runs: Record<string, Measurement[]> = { engine: [], curl: [], engineS3: [], curlS3: [] };
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      const folder = (name: string) => join(work, `${name}-${round}`);
      runs.curl!.push(
        expectSuccess('curl -L -o', await measure('bash', ['-c', guideScript('latest')], guideEnv(sim, 'acme', folder('curl')))),
      );
      runs.engine!.push(
        expectSuccess('engine into a folder', await measure(process.execPath, [CLI, 'sync', '--org', 'acme', '--dest', folder('engine')], engineEnv(sim))),
      );
      if (options.awsCli) {
        const pipe = `aws s3 cp - "s3://${bucket}/curl-${round}/report.csv" --endpoint-url "${s3.endpoint}" --expected-size ${bytes}`;
        runs.curlS3!.push(
          expectSuccess('curl | aws s3 cp -', await measure('bash', ['-c', guideScript('latest', pipe)], { ...guideEnv(sim, 'acme', work), ...s3Env })),
        );
      }
      runs.engineS3!.push(
        expectSuccess(
          'engine into S3',
          await measure(process.execPath, [CLI, 'sync', '--org', 'acme', '--dest', `s3://${bucket}/engine-${round}`], engineEnv(sim, s3Env)),
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
  const row = (contestant: string, key: string, note?: string): Row => ({
    scenario,
    contestant,
    ...summarize(runs[key]!.map((r) => r.wallMs), runs[key]!.map((r) => r.peakRssMb), options.megabytes),
    note,
  });
  const judged = (engine: Row, baseline: Row | undefined, target: number): Row => {
    const memory = `peak RSS ${engine.peakRssMb! < 100 ? '<' : '>='} 100 MB`;
    if (!baseline) return { ...engine, verdict: memory };
    const ratio = engine.throughput! / baseline.throughput!;
    const met = ratio >= target && engine.peakRssMb! < 100;
    return { ...engine, verdict: `${ratio.toFixed(2)}x ${baseline.contestant.split(' (')[0]} (target >= ${target}x), ${memory}: ${met ? 'met' : 'NOT met'}` };
  };
  const curl = row('curl -L -o (Docker guide)', 'curl');
  const curlS3 = options.awsCli ? row('curl -L | aws s3 cp - (Docker guide)', 'curlS3') : undefined;
  const rows = [curl, judged(row('engine into a folder', 'engine', 'hashes, verifies, and writes the query copy too'), curl, 0.8)];
  if (curlS3) rows.push(curlS3);
  rows.push(judged(row('engine into S3 (s3rver)', 'engineS3', curlS3 ? undefined : 'no aws CLI: the curl | aws s3 cp row is skipped'), curlS3, 1.0));
  return rows;
}
