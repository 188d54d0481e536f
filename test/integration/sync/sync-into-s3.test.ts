import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditFileKey, manifestKey, queryObjectKey } from '../../../shared/lake/layout.js';
import { parseManifest } from '../../../shared/lake/manifest.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { runCliInProcess } from '../../support/cli-runner.js';
import { simulatorEnv } from '../../support/engine.js';
import { sha256OfStream } from '../../support/lake-files.js';
import { LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from '../../support/local-s3.js';

/** The CLI syncing into a real S3-protocol server, as into any S3-compatible endpoint. */
describe('docker-reports sync --dest s3://...', () => {
  let sim: Simulator;
  let s3: LocalS3;
  let bucket: string;

  beforeAll(async () => {
    // One report over 5 MiB, so the multipart path is taken too.
    sim = await createSimulator({
      orgs: ['acme'],
      days: 3,
      sizeFor: (_org, type, cadence, date) => (type === 'usage_pulls' && cadence === 'daily' && date === newestDaily() ? 12_000_000 : undefined),
    });
    s3 = await startLocalS3();
  });

  afterAll(async () => {
    await sim.close();
    await s3.close();
  });

  beforeEach(async () => {
    sim.faults.clear();
    sim.stats.reset();
    bucket = await s3.createBucket();
  });

  function newestDaily(): string {
    const yesterday = new Date(Date.now() - 86_400_000);
    return yesterday.toISOString().slice(0, 10);
  }

  const env = () => ({
    ...simulatorEnv(sim),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
  });

  const objectText = async (key: string) =>
    (await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString('utf8');

  const keys = async () =>
    ((await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!).sort();

  it('lands every report byte for byte under the prefix, then re-runs as a no-op', async () => {
    const first = await runCliInProcess(['sync', '--org', 'acme', '--dest', `s3://${bucket}/docker/reports`], env());

    expect(first.code).toBe(0);
    const refs = sim.reports('acme').map((r) => ({ source: 'enterprise' as const, scope: 'acme', name: r.ReportType, cadence: r.Cadence, period: r.Date }));
    const stored = await keys();
    for (const ref of refs) {
      const body = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: `docker/reports/${auditFileKey(ref, 0)}` }));
      const landed = createHash('sha256').update(Buffer.from(await body.Body!.transformToByteArray())).digest('hex');
      const upstream = await sha256OfStream(sim.reportBody(ref.scope, ref.name, ref.cadence, ref.period));
      expect(landed).toBe(upstream);
      const manifest = parseManifest(await objectText(`docker/reports/${manifestKey(ref)}`));
      expect(manifest.files[0]!.sha256).toBe(upstream);
      // One query object in the report's partition: its Parquet copy.
      const partition = `docker/reports/${queryObjectKey(ref, '.parquet').replace(/[^/]+$/, '')}`;
      expect(stored.filter((key) => key.startsWith(partition))).toEqual([`docker/reports/${manifest.query.key}`]);
    }
    expect(refs.some((ref) => sim.reportSize(ref.scope, ref.name, ref.cadence, ref.period) > 5 * 1024 * 1024)).toBe(true);

    sim.stats.reset();
    const second = await runCliInProcess(['sync', '--org', 'acme', '--dest', `s3://${bucket}/docker/reports`], env());
    expect(second.code).toBe(0);
    expect(sim.stats.storage).toBe(0);
  });

  it('leaves no object of a report whose body broke, small or multipart', async () => {
    sim.faults.resetMidBody(100, 1_000_000);

    const run = await runCliInProcess(['sync', '--org', 'acme', '--type', 'usage_pulls', '--cadence', 'daily', '--dest', `s3://${bucket}`], env());

    expect(run.code).toBe(1);
    expect((await keys()).filter((key) => !key.endsWith('_table.json'))).toEqual(
      // Reports under 1 MB are whole before the reset point; the 12 MB one must have left nothing.
      expect.not.arrayContaining([expect.stringContaining(newestDaily())]),
    );
  });
});
