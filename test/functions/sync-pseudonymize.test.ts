import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { parse } from 'csv-parse/sync';
import { createHmac, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FUNCTION_ENV } from '../../shared/aws/function-config.js';
import { PSEUDONYMIZED_NOTE } from '../../shared/aws/glue-table-definition.js';
import { parseManifest, type Manifest } from '../../shared/lake/manifest.js';
import { lambdaContext } from './support/lambda-context.js';
import { LambdaHarness, PREFIX } from './support/lambda-harness.js';
import { readParquetBytes } from './support/parquet-object.js';

const KEY_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:PseudonymKeySecret-AbCdEf';
/** Generated per run and obviously fake, as Secrets Manager would generate it. */
const KEY = `fakeTestKey${randomBytes(24).toString('hex')}`;
const hmac = (value: string) => createHmac('sha256', KEY).update(value, 'utf8').digest('hex');

let harness: LambdaHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(columns: string, key: string | null = KEY): Promise<LambdaHarness> {
  const h = await LambdaHarness.start({
    sim: { orgs: ['acme'], days: 2, reportTypes: [{ type: 'usage_pulls', cadence: 'daily' }] },
    env: { [FUNCTION_ENV.pseudonymize]: columns, [FUNCTION_ENV.pseudonymKeySecret]: KEY_SECRET },
  });
  const secret = h.secretsMock.on(GetSecretValueCommand, { SecretId: KEY_SECRET });
  if (key === null) secret.rejects(new ResourceNotFoundException({ message: 'Secrets Manager can\'t find the specified secret.', $metadata: {} }));
  else secret.resolves({ ARN: KEY_SECRET, SecretString: key });
  return h;
}

function manifests(h: LambdaHarness): Manifest[] {
  return h.bucket
    .keys(`${PREFIX}/enterprise/`)
    .filter((key) => key.endsWith('/_manifest.json'))
    .map((key) => parseManifest(h.bucket.text(key)));
}

/** The audit rows and the query rows of a landed period. */
async function rowsOf(h: LambdaHarness, manifest: Manifest) {
  const csv = parse(h.bucket.text(`${PREFIX}/${manifest.files[0]!.key}`), { columns: true }) as Record<string, string>[];
  const { rows } = await readParquetBytes(h.bucket.objects.get(`${PREFIX}/${manifest.query.key}`)!);
  return { csv, rows };
}

const sorted = (values: readonly unknown[]) => values.map((value) => (value === '' || value === null ? null : String(value))).sort();

describe('Handler: sync with query.pseudonymize', () => {
  it('writes keyed hashes with the key from Secrets Manager, records the columns, and says so in the Glue comments', async () => {
    // Prepare
    harness = await start('hub_username,ip_address');

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer).toMatchObject({ landed: harness.sim.reports('acme').length, failed: [] });
    for (const manifest of manifests(harness)) {
      expect(manifest.query.pseudonymized).toEqual(['hub_username', 'ip_address']);
      const { csv, rows } = await rowsOf(harness, manifest);
      for (const column of ['hub_username', 'ip_address']) {
        expect(sorted(rows.map((row) => row[column]))).toEqual(sorted(csv.map((row) => (row[column] === '' ? null : hmac(row[column]!)))));
      }
      expect(sorted(rows.map((row) => row.os))).toEqual(sorted(csv.map((row) => row.os)));
    }
    const columns = harness.catalog.table('usage_pulls_daily').StorageDescriptor!.Columns!;
    expect(columns.find((c) => c.Name === 'hub_username')!.Comment).toMatch(new RegExp(`^${PSEUDONYMIZED_NOTE.replace(/[().]/g, '\\$&')} Docker Hub user`));
    expect(columns.find((c) => c.Name === 'ip_address')!.Comment).toMatch(/^Pseudonymised: HMAC-SHA-256/);
    expect(columns.find((c) => c.Name === 'os')!.Comment).not.toMatch(/Pseudonymised/);
    // The key is read through Powertools (once, cached) and printed nowhere.
    expect(harness.secretsMock.commandCalls(GetSecretValueCommand, { SecretId: KEY_SECRET })).toHaveLength(1);
    expect(harness.rawOutput.join('\n')).not.toContain(KEY);
  });

  it('rebuilds the copies and rewrites the comments when the columns change', async () => {
    // Prepare
    harness = await start('hub_username,ip_address');
    await harness.syncHandler()({}, lambdaContext());
    const env = harness.env as Record<string, string>;
    env[FUNCTION_ENV.pseudonymize] = 'ip_address';

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer).toMatchObject({ landed: 0, rebuilt: harness.sim.reports('acme').length, failed: [] });
    for (const manifest of manifests(harness)) {
      expect(manifest.query.pseudonymized).toEqual(['ip_address']);
      const { csv, rows } = await rowsOf(harness, manifest);
      expect(sorted(rows.map((row) => row.hub_username))).toEqual(sorted(csv.map((row) => row.hub_username)));
    }
    const columns = harness.catalog.table('usage_pulls_daily').StorageDescriptor!.Columns!;
    expect(columns.find((c) => c.Name === 'hub_username')!.Comment).toBe('Docker Hub user who pulled; empty for anonymous pulls.');
    expect(columns.find((c) => c.Name === 'ip_address')!.Comment).toMatch(/^Pseudonymised: /);
  });

  it('fails each landing with what to do when the key secret is missing, and lands nothing in clear', async () => {
    // Prepare
    harness = await start('hub_username', null);

    // Act
    const answer = await harness.syncHandler()({}, lambdaContext());

    // Assess
    expect(answer.landed).toBe(0);
    expect(answer.failed.length).toBe(harness.sim.reports('acme').length);
    expect(answer.failed[0]!.reason).toMatch(/pseudonymisation key secret .*PseudonymKeySecret does not exist .*redeploy the stack/);
    expect(manifests(harness)).toEqual([]);
    expect(harness.bucket.keys(`${PREFIX}/query/`).filter((key) => key.endsWith('.parquet'))).toEqual([]);
  });
});
