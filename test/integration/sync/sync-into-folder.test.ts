import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvKey, manifestKey } from '../../../shared/lake/layout.js';
import { parseManifest } from '../../../shared/lake/manifest.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import { DEFAULT_REPORT_TYPES, createSimulator, type Simulator } from '../../../simulator/index.js';
import { engineFor } from '../../support/engine.js';
import { filesUnder, sha256OfFile, sha256OfStream } from '../../support/lake-files.js';
import { tempDir } from '../../support/temp-dir.js';

describe('syncLake into a folder, against the simulator', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };
  let sink: FsSink;

  beforeEach(async () => {
    sim = await createSimulator({ orgs: ['acme', 'globex'], days: 3 });
    lake = await tempDir('sync-folder');
    sink = new FsSink(lake.path);
  });

  afterEach(async () => {
    await sim.close();
    await lake.remove();
  });

  const everyReport = () =>
    sim.orgs.flatMap((org) =>
      sim.reports(org).map((report) => ({ org, type: report.ReportType, cadence: report.Cadence, date: report.Date })),
    );

  it('lands every listed report byte for byte, with its manifest and query copy', async () => {
    // Act
    const summary = await engineFor(sim, sink).sync();

    // Assess
    const expected = everyReport();
    expect(expected.length).toBeGreaterThan(6);
    expect(summary.failed).toEqual([]);
    expect(summary.landed).toHaveLength(expected.length);
    for (const ref of expected) {
      const upstream = await sha256OfStream(sim.reportBody(ref.org, ref.type, ref.cadence, ref.date));
      expect(await sha256OfFile(join(lake.path, csvKey(ref)))).toBe(upstream);
      const manifest = parseManifest(await readFile(join(lake.path, manifestKey(ref)), 'utf8'));
      expect(manifest.sha256).toBe(upstream);
      expect(manifest.bytes).toBe(sim.reportSize(ref.org, ref.type, ref.cadence, ref.date));
      expect(manifest.schema.fields.map((f) => f.name)).toEqual(sim.reportSchema(ref.type, ref.cadence, ref.date).fields.map((f) => f.name));
      expect((await filesUnder(lake.path)).filter((file) => file.startsWith(manifest.files.query))).toHaveLength(1);
    }
    expect((await filesUnder(lake.path)).filter((file) => file.includes('.partial'))).toEqual([]);
  });

  it('a second sync lands nothing and downloads nothing', async () => {
    // Prepare
    await engineFor(sim, sink).sync();
    sim.stats.reset();

    // Act
    const summary = await engineFor(sim, sink).sync();

    // Assess
    expect(summary.landed).toEqual([]);
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

  it('lands again, under a new query key, a report whose upstream size changed', async () => {
    // Prepare
    await engineFor(sim, sink).sync();
    const [newest] = sim.reports('acme');
    const ref = { org: 'acme', type: newest!.ReportType, cadence: newest!.Cadence, date: newest!.Date };
    const before = parseManifest(await readFile(join(lake.path, manifestKey(ref)), 'utf8'));
    await sim.close();
    sim = await createSimulator({
      orgs: ['acme', 'globex'],
      days: 3,
      oats: { acme: sim.oatFor('acme'), globex: sim.oatFor('globex') },
      sizeFor: (org, type, cadence, date) =>
        org === ref.org && type === ref.type && cadence === ref.cadence && date === ref.date ? 9_000 : undefined,
    });

    // Act
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the query key's stamp has one-second resolution
    const summary = await engineFor(sim, sink).sync();

    // Assess
    expect(summary.landed.map((landed) => landed.ref)).toEqual([ref]);
    expect(summary.landed[0]!.replaced).toBe(true);
    const after = parseManifest(await readFile(join(lake.path, manifestKey(ref)), 'utf8'));
    expect(after.bytes).toBe(9_000);
    expect(after.sha256).not.toBe(before.sha256);
    const files = await filesUnder(lake.path);
    expect(files).toContain(after.files.query);
    expect(files).not.toContain(before.files.query);
  });

  it('keeps to --since, --latest, --type and --cadence', async () => {
    // Prepare
    const engine = engineFor(sim, sink);
    const dates = [...new Set(sim.reports('acme').filter((r) => r.Cadence === 'daily').map((r) => r.Date))].sort();

    // Act
    const since = await engine.sync({ orgs: ['acme'], types: ['usage_pulls'], cadences: ['daily'], since: dates.at(-2)! });
    const latest = await engine.sync({ orgs: ['globex'], latest: true });

    // Assess
    expect(since.landed.map((l) => `${l.ref.type}/${l.ref.cadence}/${l.ref.date}`).sort()).toEqual(
      dates.slice(-2).map((date) => `usage_pulls/daily/${date}`),
    );
    const newestPerTypeCadence = new Set(sim.reports('globex').map((r) => `${r.ReportType}/${r.Cadence}`)).size;
    expect(latest.landed).toHaveLength(newestPerTypeCadence);
    expect(latest.failed).toEqual([]);
  });

  it('reports a requested type that the org does not offer, naming what it offers', async () => {
    // Act
    const summary = await engineFor(sim, sink).sync({ orgs: ['acme'], types: ['no_such_type'] });

    // Assess
    expect(summary.landed).toEqual([]);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]!.reason).toMatch(/offers no report type no_such_type; it offers .*usage_pulls\/daily/);
  });
});
