import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditFileKey, manifestKey, queryObjectKey } from '../../../shared/lake/layout.js';
import { parseManifest } from '../../../shared/lake/manifest.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import type { PeriodRef } from '../../../shared/sources/index.js';
import { DEFAULT_REPORT_TYPES, createSimulator, type Simulator } from '../../../simulator/index.js';
import { engineFor, orgScopes, type TestEngine } from '../../support/engine.js';
import { filesUnder, sha256OfFile, sha256OfStream } from '../../support/lake-files.js';
import { lakeRowsByOrg, queryObjectsByPartition, servedRows } from '../../support/lake-rows.js';
import { tempDir } from '../../support/temp-dir.js';

describe('syncLake into a folder, against the simulator', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };
  let sink: FsSink;
  const engines: TestEngine[] = [];
  const engine = () => {
    const made = engineFor(sim, sink);
    engines.push(made);
    return made;
  };

  beforeEach(async () => {
    sim = await createSimulator({ orgs: ['acme', 'globex'], days: 3 });
    lake = await tempDir('sync-folder');
    sink = new FsSink(lake.path);
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((made) => made.close()));
    await sim.close();
    await lake.remove();
  });

  const everyReport = (): PeriodRef[] =>
    sim.orgs.flatMap((org) =>
      sim.reports(org).map((report) => ({ source: 'enterprise', scope: org, name: report.ReportType, cadence: report.Cadence, period: report.Date })),
    );
  const body = (ref: PeriodRef) => sim.reportBody(ref.scope, ref.name, ref.cadence, ref.period);

  it('lands every listed report byte for byte, with its manifest and one Parquet query copy at its fixed key', async () => {
    // Act
    const summary = await engine().sync();

    // Assess
    const expected = everyReport();
    expect(expected.length).toBeGreaterThan(6);
    expect(summary.failed).toEqual([]);
    expect(summary.landed).toHaveLength(expected.length);
    const partitions = await queryObjectsByPartition(lake.path);
    for (const ref of expected) {
      const upstream = await sha256OfStream(body(ref));
      expect(await sha256OfFile(join(lake.path, auditFileKey(ref, 0)))).toBe(upstream);
      const manifest = parseManifest(await readFile(join(lake.path, manifestKey(ref)), 'utf8'));
      expect(manifest.files).toEqual([
        {
          key: auditFileKey(ref, 0),
          upstream: { key: `${ref.scope}/${ref.name}/${ref.cadence}/${ref.period}.csv`, size_bytes: sim.reportSize(ref.scope, ref.name, ref.cadence, ref.period) },
          bytes: sim.reportSize(ref.scope, ref.name, ref.cadence, ref.period),
          sha256: upstream,
        },
      ]);
      expect(manifest.schema.fields.map((f) => f.name)).toEqual(sim.reportSchema(ref.name, ref.cadence, ref.period).fields.map((f) => f.name));
      expect(manifest.query).toMatchObject({ format: 'parquet', key: queryObjectKey(ref, '.parquet'), rows: await servedRows(sim, { org: ref.scope, type: ref.name, cadence: ref.cadence, date: ref.period }) });
      const key = queryObjectKey(ref, '.parquet');
      expect(partitions.get(key.slice(0, key.lastIndexOf('/')))).toEqual([key.slice(key.lastIndexOf('/') + 1)]);
    }
    expect((await filesUnder(lake.path)).filter((file) => file.includes('.partial'))).toEqual([]);
  });

  it('a second sync lands nothing and downloads nothing', async () => {
    // Prepare
    await engine().sync();
    sim.stats.reset();

    // Act
    const summary = await engine().sync();

    // Assess
    expect(summary.landed).toEqual([]);
    expect(summary.rebuilt).toEqual([]);
    expect(summary.skipped).toBe(everyReport().length);
    expect({ download: sim.stats.download, storage: sim.stats.storage, schema: sim.stats.schema }).toEqual({ download: 0, storage: 0, schema: 0 });
    // One listing page per type and cadence Docker offers, reports or not.
    const typeCadences = sim.orgs.length * DEFAULT_REPORT_TYPES.length;
    expect({ token: sim.stats.token, types: sim.stats.types, list: sim.stats.list }).toEqual({
      token: sim.orgs.length,
      types: sim.orgs.length,
      list: typeCadences,
    });
  });

  it('replaces a restated report whole: one query object, holding the new rows, at the same key', async () => {
    // Prepare
    await engine().sync();
    const newest = sim.reports('acme').find((report) => report.ReportType === 'usage_pulls' && report.Cadence === 'daily')!;
    const ref: PeriodRef = { source: 'enterprise', scope: 'acme', name: newest.ReportType, cadence: newest.Cadence, period: newest.Date };
    const before = parseManifest(await readFile(join(lake.path, manifestKey(ref)), 'utf8'));
    const oats = { acme: sim.oatFor('acme'), globex: sim.oatFor('globex') };
    await sim.close();
    sim = await createSimulator({
      orgs: ['acme', 'globex'],
      days: 3,
      oats,
      sizeFor: (org, type, cadence, date) => (org === 'acme' && type === ref.name && cadence === ref.cadence && date === ref.period ? 90_000 : undefined),
    });

    // Act
    const summary = await engine().sync();

    // Assess
    expect(summary.landed.map((landed) => [landed.ref, landed.action])).toEqual([[ref, 'replaced']]);
    const after = parseManifest(await readFile(join(lake.path, manifestKey(ref)), 'utf8'));
    expect(after.files[0]!.bytes).toBe(90_000);
    expect(after.files[0]!.sha256).not.toBe(before.files[0]!.sha256);
    expect(after.query.key).toBe(before.query.key);
    const key = queryObjectKey(ref, '.parquet');
    expect((await queryObjectsByPartition(lake.path)).get(key.slice(0, key.lastIndexOf('/')))).toHaveLength(1);
    const served = await Promise.all(
      sim.reports('acme').filter((r) => r.ReportType === 'usage_pulls' && r.Cadence === 'daily').map((r) => servedRows(sim, { org: 'acme', type: r.ReportType, cadence: r.Cadence, date: r.Date })),
    );
    expect((await lakeRowsByOrg(lake.path, 'usage_pulls_daily')).acme).toBe(served.reduce((a, b) => a + b, 0));
  });

  it('keeps to --since, --latest, --type and --cadence', async () => {
    // Prepare
    const subject = engine();
    const dates = [...new Set(sim.reports('acme').filter((r) => r.Cadence === 'daily').map((r) => r.Date))].sort();

    // Act
    const since = await subject.sync({ scopes: orgScopes(['acme']), filters: { enterprise: { names: ['usage_pulls'], cadences: ['daily'] } }, since: dates.at(-2)! });
    const latest = await subject.sync({ scopes: orgScopes(['globex']), latest: true });

    // Assess
    expect(since.landed.map((l) => `${l.ref.name}/${l.ref.cadence}/${l.ref.period}`).sort()).toEqual(dates.slice(-2).map((date) => `usage_pulls/daily/${date}`));
    const newestPerTypeCadence = new Set(sim.reports('globex').map((r) => `${r.ReportType}/${r.Cadence}`)).size;
    expect(latest.landed).toHaveLength(newestPerTypeCadence);
    expect(latest.failed).toEqual([]);
  });

  it('reports a requested type that the org does not offer, naming what it offers', async () => {
    // Act
    const summary = await engine().sync({ scopes: orgScopes(['acme']), filters: { enterprise: { names: ['no_such_type'] } } });

    // Assess
    expect(summary.landed).toEqual([]);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]!.reason).toMatch(/offers no type no_such_type; it offers .*usage_pulls\/daily/);
  });
});
