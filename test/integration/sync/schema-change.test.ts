import { parse } from 'csv-parse/sync';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLake } from '../../../cli/local-lake-query.js';
import { auditFileKey } from '../../../shared/lake/layout.js';
import { readTableDefinition } from '../../../shared/lake/table-catalog.js';
import { FsSink } from '../../../shared/sinks/fs-sink.js';
import { createSimulator, type Simulator } from '../../../simulator/index.js';
import { engineFor } from '../../support/engine.js';
import { tempDir } from '../../support/temp-dir.js';

/**
 * Docker's schema changes from one date on (each date keeps its own schema).
 * The table gains columns and never loses or retypes one, so old and new dates
 * both read, with the same SQL Athena would run.
 */
describe('a schema that changes between report dates', () => {
  let sim: Simulator;
  let lakeDir: { path: string; remove: () => Promise<void> };
  let lake: LocalLake;
  let changeDate: string;
  let dates: string[];

  beforeAll(async () => {
    const probe = await createSimulator({ orgs: ['acme'], days: 4 });
    dates = probe.reports('acme').filter((r) => r.ReportType === 'usage_pulls' && r.Cadence === 'daily').map((r) => r.Date).sort();
    await probe.close();
    changeDate = dates[2]!;
    sim = await createSimulator({
      orgs: ['acme'],
      days: 4,
      schemaChanges: [
        { from: changeDate, type: 'usage_pulls', cadence: 'daily', add: { name: 'region', type: 'string', description: 'Where the pull came from.' } },
        { from: changeDate, type: 'usage_pulls', cadence: 'daily', retype: { name: 'event_count', type: 'float' } },
      ],
    });
    lakeDir = await tempDir('schema-change');
    const engine = engineFor(sim, new FsSink(lakeDir.path));
    const summary = await engine.sync({ filters: { enterprise: { names: ['usage_pulls'], cadences: ['daily'] } } });
    await engine.close();
    expect(summary.failed).toEqual([]);
    lake = await LocalLake.open(lakeDir.path);
  });

  afterAll(async () => {
    lake.close();
    await sim.close();
    await lakeDir.remove();
  });

  it('adds a column for a new field and a versioned one for a retyped field', async () => {
    const table = await readTableDefinition(new FsSink(lakeDir.path), { source: 'enterprise', name: 'usage_pulls', cadence: 'daily' });

    const columns = table!.columns.map((column) => `${column.name}:${column.type}`);
    expect(columns).toContain('event_count:bigint');
    expect(columns).toContain('event_count_v2:double');
    expect(columns).toContain('region:string');
  });

  it('reads old dates from the old columns and new dates from the new ones', async () => {
    const { rows } = await lake.query(`
      SELECT CAST(report_date AS VARCHAR) AS day,
             count(event_count) AS old_counts, count(event_count_v2) AS new_counts, count(region) AS regions
      FROM usage_pulls_daily WHERE org = 'acme' GROUP BY report_date ORDER BY report_date`);

    expect(rows.map((row) => row[0])).toEqual(dates);
    for (const [day, oldCounts, newCounts, regions] of rows) {
      const changed = String(day) >= changeDate;
      expect(Number(changed ? oldCounts : newCounts)).toBe(0);
      expect(Number(changed ? newCounts : oldCounts)).toBeGreaterThan(0);
      if (!changed) expect(Number(regions)).toBe(0);
    }
  });

  it('holds the same numbers as the CSV Docker served', async () => {
    for (const date of dates) {
      const ref = { source: 'enterprise' as const, scope: 'acme', name: 'usage_pulls', cadence: 'daily', period: date };
      const csv = await readFile(join(lakeDir.path, auditFileKey(ref, 0)), 'utf8');
      const records = parse(csv, { columns: true }) as Record<string, string>[];
      const expected = records.reduce((sum, record) => sum + Number(record.event_count || 0), 0);
      const column = date >= changeDate ? 'event_count_v2' : 'event_count';

      const { rows } = await lake.query(
        `SELECT count(*), coalesce(sum(${column}), 0) FROM usage_pulls_daily WHERE org = 'acme' AND report_date = DATE '${date}'`,
      );

      expect(Number(rows[0]![0])).toBe(records.length);
      expect(Number(rows[0]![1])).toBeCloseTo(expected, 6);
    }
  });
});

describe('a schema that changes, when the older landings are slower to start', () => {
  it('still plans the columns in the order the landings started: the older type keeps the plain name', async () => {
    // Prepare: the leases of the dates before the change are slow to take (a busy lake), so their landings reach
    // their columns after the newer ones would have.
    const probe = await createSimulator({ orgs: ['acme'], days: 4 });
    const dates = probe.reports('acme').filter((r) => r.ReportType === 'usage_pulls' && r.Cadence === 'daily').map((r) => r.Date).sort();
    await probe.close();
    const changeDate = dates[2]!;
    const sim = await createSimulator({
      orgs: ['acme'],
      days: 4,
      schemaChanges: [{ from: changeDate, type: 'usage_pulls', cadence: 'daily', retype: { name: 'event_count', type: 'float' } }],
    });
    const lakeDir = await tempDir('schema-change-slow');
    const inner = new FsSink(lakeDir.path);
    const slowBeforeChange = Object.assign(Object.create(inner) as FsSink, {
      createIfAbsent: async (key: string, text: string) => {
        const date = /date=(\d{4}-\d{2}-\d{2})/.exec(key)?.[1];
        if (date !== undefined && date < changeDate) await new Promise((resolve) => setTimeout(resolve, 300));
        return inner.createIfAbsent(key, text);
      },
    });
    const engine = engineFor(sim, slowBeforeChange);
    try {
      // Act
      const summary = await engine.sync({ filters: { enterprise: { names: ['usage_pulls'], cadences: ['daily'] } }, concurrency: 4 });

      // Assess
      expect(summary.failed).toEqual([]);
      const table = await readTableDefinition(inner, { source: 'enterprise', name: 'usage_pulls', cadence: 'daily' });
      const columns = table!.columns.map((column) => `${column.name}:${column.type}`);
      expect(columns).toContain('event_count:bigint');
      expect(columns).toContain('event_count_v2:double');
    } finally {
      await engine.close();
      await sim.close();
      await lakeDir.remove();
    }
  });
});
