import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditFileKey } from '../../../shared/lake/layout.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { engineFor } from '../../support/engine.js';
import { filesUnder, sha256OfFile, sha256OfStream } from '../../support/lake-files.js';
import { tempDir } from '../../support/temp-dir.js';
import { join } from 'node:path';

/**
 * Docker's failure modes, one at a time: every transient one is survived with
 * every report landed byte for byte; a persistent one fails only the reports
 * it hits, and leaves nothing of them in the lake.
 */
describe('syncLake under upstream faults', () => {
  let sim: Simulator;
  let lake: { path: string; remove: () => Promise<void> };
  let sink: FsSink;

  beforeEach(async () => {
    sim = await createSimulator({ orgs: ['acme'], days: 2, reportBytes: 64 * 1024 });
    lake = await tempDir('sync-faults');
    sink = new FsSink(lake.path);
  });

  afterEach(async () => {
    await sim.close();
    await lake.remove();
  });

  const refs = () =>
    sim.reports('acme').map((r) => ({ source: 'enterprise' as const, scope: 'acme', name: r.ReportType, cadence: r.Cadence, period: r.Date }));

  async function expectEveryReportLandedIntact(): Promise<void> {
    for (const ref of refs()) {
      const upstream = await sha256OfStream(sim.reportBody(ref.scope, ref.name, ref.cadence, ref.period));
      expect(await sha256OfFile(join(lake.path, auditFileKey(ref, 0)))).toBe(upstream);
    }
    expect((await filesUnder(lake.path)).filter((file) => file.includes('.partial'))).toEqual([]);
  }

  it('waits out 429s as long as Retry-After says', async () => {
    sim.faults.rateLimit(2, 7);
    const engine = engineFor(sim, sink);

    const summary = await engine.sync();

    expect(summary.failed).toEqual([]);
    expect(engine.sleeps.filter((ms) => ms === 7000)).toHaveLength(2);
    await expectEveryReportLandedIntact();
  });

  it('retries 5xx answers with backoff', async () => {
    sim.faults.serverError(3, 503);
    const engine = engineFor(sim, sink);

    const summary = await engine.sync();

    expect(summary.failed).toEqual([]);
    expect(engine.sleeps).toHaveLength(3);
    await expectEveryReportLandedIntact();
  });

  it('lands a report again whose connection was reset mid-body', async () => {
    sim.faults.resetMidBody(1, 10_000);
    const engine = engineFor(sim, sink);

    const summary = await engine.sync();

    expect(summary.failed).toEqual([]);
    expect(engine.events.filter((event) => event.kind === 'retry')).toHaveLength(1);
    await expectEveryReportLandedIntact();
  });

  it('lands a report again whose body came out short', async () => {
    sim.faults.shortBody(1, 100);
    const engine = engineFor(sim, sink);

    const summary = await engine.sync();

    expect(summary.failed).toEqual([]);
    const retry = engine.events.find((event) => event.kind === 'retry');
    expect(retry && 'reason' in retry ? retry.reason : '').toMatch(/fewer bytes than the 65536 Docker listed/);
    await expectEveryReportLandedIntact();
  });

  it('gives up a stalled body and lands it again', async () => {
    sim.faults.stallMidBody(1, 5_000);
    const engine = engineFor(sim, sink, { idleTimeoutMs: 300 });

    const summary = await engine.sync();

    expect(summary.failed).toEqual([]);
    await expectEveryReportLandedIntact();
  });

  it('asks for a fresh URL when the pre-signed one has expired', async () => {
    sim.faults.expiredUrl(1);

    const summary = await engineFor(sim, sink).sync();

    expect(summary.failed).toEqual([]);
    expect(sim.stats.download).toBe(refs().length + 1);
    await expectEveryReportLandedIntact();
  });

  it('exchanges the OAT again when the JWT is rejected mid-run', async () => {
    let expired = false;

    const summary = await engineFor(sim, sink).sync({ concurrency: 1 }, {
      onEvent: (event) => {
        if (event.kind === 'landed' && !expired) {
          expired = true;
          sim.faults.expireTokens();
        }
      },
    });

    expect(summary.failed).toEqual([]);
    expect(sim.stats.token).toBe(2);
    await expectEveryReportLandedIntact();
  });

  it('fails only the reports a persistent fault hits, and keeps nothing of them', async () => {
    const [victim] = refs();
    sim.faults.shortBody(50, 100, { org: 'acme' });

    const summary = await engineFor(sim, sink).sync({ concurrency: 1, filters: { enterprise: { names: [victim!.name], cadences: [victim!.cadence] } } });

    expect(summary.landed).toEqual([]);
    expect(summary.failed.length).toBeGreaterThan(0);
    expect(summary.failed.every((failure) => /fewer bytes/.test(failure.reason) && !failure.auth)).toBe(true);
    expect(await filesUnder(lake.path)).toEqual(
      // Only the table's column definition is written before the body; no report file, no temporary.
      [expect.stringMatching(/_table\.json$/)],
    );
  });

  it('names the endpoint whose answer does not match Docker\'s format', async () => {
    sim.faults.malformed('list', 1);

    const summary = await engineFor(sim, sink).sync();

    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]!.reason).toMatch(/^list reports for acme\/[a-z_]+\/[a-z]+ \(page 1\): Docker's answer does not match its documented format/);
    expect(summary.landed.length).toBeGreaterThan(0);
  });

  it('stops paging when Docker repeats a page token', async () => {
    await sim.close();
    sim = await createSimulator({ orgs: ['acme'], days: 130 });
    sim.faults.repeatPageToken(5);

    const summary = await engineFor(sim, sink).sync({ filters: { enterprise: { names: ['usage_pulls'], cadences: ['daily'] } } });

    expect(summary.failed.map((failure) => failure.reason)).toEqual([
      expect.stringMatching(/returned a page token it had already returned/),
    ]);
  });
});
