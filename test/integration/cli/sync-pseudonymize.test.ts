import { parse } from 'csv-parse/sync';
import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PSEUDONYM_KEY_VARIABLE } from '../../../shared/config.js';
import { parseManifest, type Manifest } from '../../../shared/lake/manifest.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { runCliInProcess } from '../../support/cli-runner.js';
import { simulatorEnv } from '../../support/engine.js';
import { filesUnder } from '../../support/lake-files.js';
import { readParquet } from '../../support/parquet.js';
import { tempDir } from '../../support/temp-dir.js';

/** Generated per run and obviously fake. */
const KEY = `fake-test-key-${randomBytes(24).toString('hex')}`;
const hmac = (value: string) => createHmac('sha256', KEY).update(value, 'utf8').digest('hex');

interface Landed {
  readonly manifest: Manifest;
  /** The audit CSV's rows, by header. */
  readonly csv: Record<string, string>[];
  /** The query copy's rows. */
  readonly parquet: Record<string, unknown>[];
}

/** Every landed period of the lake: manifest, audit rows, query rows. */
async function landedPeriods(root: string): Promise<Landed[]> {
  const manifests = (await filesUnder(root)).filter((file) => file.endsWith('_manifest.json'));
  return Promise.all(
    manifests.map(async (file) => {
      const manifest = parseManifest(await readFile(join(root, file), 'utf8'));
      const text = await readFile(join(root, manifest.files[0]!.key), 'utf8');
      const csv = parse(text, { columns: true }) as Record<string, string>[];
      const { rows } = await readParquet(join(root, manifest.query.key));
      return { manifest, csv, parquet: rows };
    }),
  );
}

/** A column's values, sorted, with empty CSV cells as the NULL the query copy holds. */
const sorted = (values: readonly unknown[]) => values.map((value) => (value === '' || value === null ? null : String(value))).sort();

/** Expects the query copy to hold each audit value of `column` as its pseudonym, or as it is. */
function expectColumn(period: Landed, column: string, pseudonymized: boolean): void {
  const audit = period.csv.map((row) => row[column]!);
  expect(audit.length).toBeGreaterThan(0);
  const expected = audit.map((value) => (value === '' ? null : pseudonymized ? hmac(value) : value));
  expect(sorted(period.parquet.map((row) => row[column]))).toEqual(sorted(expected));
}

describe('docker-reports sync --pseudonymize', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };
  const env = () => ({ ...simulatorEnv(sim), [PSEUDONYM_KEY_VARIABLE]: KEY });

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme'], days: 2, reportBytes: 16_384 });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(async (context) => {
    sim.stats.reset();
    lake = await tempDir('cli-pseudonymize');
    context.onTestFinished(() => lake.remove());
  });

  it('writes keyed hashes (HMAC-SHA-256, as node:crypto computes them) into the query copy; the audit CSV keeps the names', async () => {
    const run = await runCliInProcess(
      ['sync', '--org', 'acme', '--dest', lake.path, '--json', '--pseudonymize', 'hub_username,ip_address', '--pseudonymize', 'actor,client_ip'],
      env(),
    );

    expect(run.code).toBe(0);
    const periods = await landedPeriods(lake.path);
    expect(periods).toHaveLength(sim.reports('acme').length);
    const daily = periods.filter((p) => p.manifest.dataset === 'usage_pulls' && p.manifest.cadence === 'daily');
    const access = periods.filter((p) => p.manifest.dataset === 'image_access');
    expect(daily.length).toBeGreaterThan(0);
    expect(access.length).toBeGreaterThan(0);
    for (const period of daily) {
      expect(period.manifest.query.pseudonymized).toEqual(['hub_username', 'ip_address']);
      expectColumn(period, 'hub_username', true);
      expectColumn(period, 'ip_address', true);
      expectColumn(period, 'os', false);
      expect(period.csv.some((row) => row.hub_username !== '' && !/^[0-9a-f]{64}$/.test(row.hub_username!))).toBe(true);
    }
    for (const period of access) {
      expect(period.manifest.query.pseudonymized).toEqual(['actor', 'client_ip']);
      expectColumn(period, 'actor', true);
      expectColumn(period, 'client_ip', true);
      expectColumn(period, 'actor_display_name', false);
    }
    // The weekly report has none of those columns: its copy and manifest are as without the option.
    for (const period of periods.filter((p) => p.manifest.cadence === 'weekly')) expect(period.manifest.query).not.toHaveProperty('pseudonymized');
    const summary = JSON.parse(run.stdout) as { landed: { type: string; pseudonymized?: string[] }[] };
    expect(summary.landed.filter((landed) => landed.type === 'image_access').every((landed) => landed.pseudonymized?.join() === 'actor,client_ip')).toBe(true);

    // The key is nowhere: not in the output, not in any file of the lake.
    expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
    for (const file of await filesUnder(lake.path)) expect((await readFile(join(lake.path, file))).includes(KEY)).toBe(false);
  });

  it('rebuilds the copies written with other columns from their audit CSV when the set changes, and back when it is dropped', async () => {
    await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path, '--pseudonymize', 'hub_username,ip_address'], env());
    const before = await landedPeriods(lake.path);
    const downloads = sim.stats.download;

    const narrower = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path, '--pseudonymize', 'hub_username'], env());

    const daily = before.filter((p) => p.manifest.dataset === 'usage_pulls' && p.manifest.cadence === 'daily').length;
    expect(narrower.code).toBe(0);
    expect(narrower.stdout).toMatch(new RegExp(`Landed 0 reports .*rebuilt ${daily} query cop`));
    expect(sim.stats.download).toBe(downloads);
    let periods = await landedPeriods(lake.path);
    for (const period of periods.filter((p) => p.manifest.dataset === 'usage_pulls' && p.manifest.cadence === 'daily')) {
      expect(period.manifest.query.pseudonymized).toEqual(['hub_username']);
      expectColumn(period, 'hub_username', true);
      expectColumn(period, 'ip_address', false);
    }
    expect((await filesUnder(lake.path)).filter((file) => file.endsWith('/_pseudonymized.json')).length).toBeGreaterThan(0);

    const without = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path], simulatorEnv(sim));

    expect(without.code).toBe(0);
    expect(without.stdout).toMatch(new RegExp(`rebuilt ${daily} query cop`));
    periods = await landedPeriods(lake.path);
    for (const period of periods) expect(period.manifest.query).not.toHaveProperty('pseudonymized');
    for (const period of periods.filter((p) => p.manifest.dataset === 'usage_pulls' && p.manifest.cadence === 'daily')) expectColumn(period, 'hub_username', false);

    // The next run finds no pseudonymised copy left and takes the marker away: later runs read no manifest.
    const again = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path], simulatorEnv(sim));
    expect(again.stdout).not.toMatch(/rebuilt/);
    expect((await filesUnder(lake.path)).filter((file) => file.endsWith('/_pseudonymized.json'))).toEqual([]);
  });

  it('warns about a name no table has, suggesting the columns that look like it', async () => {
    const run = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path, '--pseudonymize', 'user,ip'], env());

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: --pseudonymize names user, ip, which no table of this lake has: nothing is pseudonymised under those names\./);
    expect(run.stderr).toMatch(/client_ip.*hub_username.*ip_address.*user_agent/);
    for (const period of await landedPeriods(lake.path)) expect(period.manifest.query).not.toHaveProperty('pseudonymized');
  });

  describe('exit 2, before any request', () => {
    it.each([
      ['no key', {}, /--pseudonymize needs a key: DOCKER_REPORTS_PSEUDONYM_KEY is not set\./],
      ['a short key', { [PSEUDONYM_KEY_VARIABLE]: 'fake-short' }, /DOCKER_REPORTS_PSEUDONYM_KEY is too short \(10 characters; at least 32\)/],
    ])('with %s', async (_name, keyEnv, message) => {
      const run = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path, '--pseudonymize', 'hub_username'], { ...simulatorEnv(sim), ...keyEnv });

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain('fake-short');
      expect(sim.stats.token + sim.stats.types + sim.stats.list + sim.stats.download).toBe(0);
      expect(await filesUnder(lake.path)).toEqual([]);
    });

    it.each([
      ['Hub-Username', /"Hub-Username" is not a column name as the tables spell it .*did you mean hub_username\?/],
      [',', /name at least one column/],
    ])('for the column %j', async (name, message) => {
      const run = await runCliInProcess(['sync', '--org', 'acme', '--dest', lake.path, '--pseudonymize', name], env());

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });
  });
});
