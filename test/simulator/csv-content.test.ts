import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type SchemaField, type Simulator } from '../../simulator/index.js';
import { TEST_NOW, fixedClock, jwtFor } from './sim-helpers.js';

async function bodyOf(sim: Simulator, org: string, type: string, cadence: string, date: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of sim.reportBody(org, type, cadence, date)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function rowsOf(body: Buffer): string[][] {
  return parse(body, { bom: true }) as string[][];
}

const VALID: Record<string, RegExp> = {
  integer: /^-?\d+$/,
  float: /^-?\d+\.\d+$/,
  boolean: /^(true|false)$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
};

/** Checks every row's width and every value against its column's type; one assertion, listing the first misfits. */
function expectValuesFit(rows: string[][], fields: readonly SchemaField[]): void {
  const misfits: string[] = [];
  for (const [index, row] of rows.entries()) {
    if (row.length !== fields.length) misfits.push(`row ${index + 1}: ${row.length} values`);
    fields.forEach((field, i) => {
      const pattern = VALID[field.type];
      const value = row[i] ?? '';
      if (pattern && value !== '' && !pattern.test(value)) misfits.push(`row ${index + 1} ${field.name} (${field.type}): ${value}`);
    });
  }
  expect(misfits.slice(0, 5)).toEqual([]);
}

describe('Report contents', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await createSimulator({ orgs: ['acme', 'globex'], reportBytes: 300_000, now: fixedClock });
  });
  afterAll(() => sim.close());

  it.each([
    ['usage_pulls', 'daily', '2026-06-16'],
    ['usage_pulls', 'weekly', '2026-06-15'],
    ['image_access', 'daily', '2026-06-10'],
  ])('%s/%s parses to rows whose header is the schema and whose values fit their types', async (type, cadence, date) => {
    const body = await bodyOf(sim, 'acme', type, cadence, date);
    expect(body.length).toBe(300_000);
    const [header, ...rows] = rowsOf(body);
    const { fields } = sim.reportSchema(type, cadence, date);
    expect(header).toEqual(fields.map((f) => f.name));
    expect(rows.length).toBeGreaterThan(500);
    expectValuesFit(rows, fields);
    expect(rows.filter((row) => row[0] !== date)).toEqual([]);
  });

  it('exercises RFC 4180 quoting: commas, doubled quotes and line breaks inside fields, and UTF-8', async () => {
    const body = await bodyOf(sim, 'acme', 'usage_pulls', 'daily', '2026-06-16');
    const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    expect(text).toContain('"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)');
    expect(text).toContain('"crane/0.20.2 (go-containerregistry; build ""ci-nightly"")"');
    const rows = rowsOf(body);
    const agents = rows.map((row) => row[11]!);
    expect(agents.some((a) => a.includes(','))).toBe(true);
    expect(agents.some((a) => a.includes('"'))).toBe(true);
    expect(agents.some((a) => a.includes('\n'))).toBe(true);
    // Multi-line records: more physical lines than records.
    expect(text.split('\n').length - 1).toBeGreaterThan(rows.length);
    expect(rows.some((row) => row[8] === 'CI token – Zürich')).toBe(true);
    expect(rows.some((row) => [...row[8]!].some((c) => c.codePointAt(0)! > 0x7f))).toBe(true);
  });

  it('keeps every awkward case in a tiny report too', async () => {
    const tiny = await createSimulator({ reportBytes: 2000, now: fixedClock });
    try {
      const rows = rowsOf(await bodyOf(tiny, 'acme', 'usage_pulls', 'daily', '2026-06-16'));
      const agents = rows.slice(1).map((row) => row[11]!);
      expect(agents.some((a) => a.includes(','))).toBe(true);
      expect(agents.some((a) => a.includes('""') || a.includes('"'))).toBe(true);
      expect(agents.some((a) => a.includes('\n'))).toBe(true);
    } finally {
      await tiny.close();
    }
  });

  it("puts each org's name in its billing_entity", async () => {
    const acme = rowsOf(await bodyOf(sim, 'acme', 'usage_pulls', 'daily', '2026-06-16')).slice(1);
    const globex = rowsOf(await bodyOf(sim, 'globex', 'usage_pulls', 'daily', '2026-06-16')).slice(1);
    expect(new Set(acme.map((row) => row[7]))).toEqual(new Set(['acme']));
    expect(new Set(globex.map((row) => row[7]))).toEqual(new Set(['globex']));
  });

  it('makes every report exactly its size, across the repeated block boundary, and still valid CSV', async () => {
    let target = 0;
    const sized = await createSimulator({ sizeFor: () => target, now: fixedClock });
    try {
      const minimum = sized.reportSize('acme', 'image_access', 'daily', '2026-06-16');
      expect(minimum).toBeGreaterThan(200);
      expect(minimum).toBeLessThan(2000);
      const { fields } = sized.reportSchema('image_access', 'daily', '2026-06-16');
      for (target of [0, 1, minimum, minimum + 1, 4096, 65_537, 1_048_575, 1_048_576, 1_048_577, 2_200_001]) {
        const body = await bodyOf(sized, 'acme', 'image_access', 'daily', '2026-06-16');
        const expected = Math.max(target, minimum);
        expect(body.length, `target ${target}`).toBe(expected);
        expect(sized.reportSize('acme', 'image_access', 'daily', '2026-06-16')).toBe(expected);
        expect(sized.reports('acme').find((r) => r.ReportType === 'image_access' && r.Date === '2026-06-16')!.SizeBytes).toBe(expected);
        const [header, ...rows] = rowsOf(body);
        expect(header).toEqual(fields.map((f) => f.name));
        expect(rows.length).toBeGreaterThan(0);
        expectValuesFit(rows, fields);
      }
    } finally {
      await sized.close();
    }
  });

  it("gives each date its own schema: a change applies from its date on, and the CSV follows", async () => {
    const changing = await createSimulator({
      now: fixedClock,
      days: 10,
      schemaChanges: [
        { from: '2026-06-10', type: 'usage_pulls', cadence: 'daily', add: { name: 'architecture', type: 'string', description: 'CPU architecture.', after: 'os' } },
        { from: '2026-06-10', type: 'usage_pulls', add: { name: 'is_ci', type: 'boolean', description: 'Pulled from CI.' } },
        { from: '2026-06-14', type: 'usage_pulls', retype: { name: 'egress_size_bytes', type: 'float' } },
        { from: '2026-06-15', type: 'usage_pulls', cadence: 'daily', remove: 'image_digest' },
      ],
    });
    try {
      const jwt = await jwtFor(changing, 'acme');
      const schemaOf = async (date: string) => {
        const res = await fetch(`${changing.apiUrl}/orgs/acme/reports/usage_pulls/daily/${date}/schema`, { headers: { authorization: `Bearer ${jwt}` } });
        return ((await res.json()) as { fields: SchemaField[] }).fields;
      };
      const before = await schemaOf('2026-06-09');
      const added = await schemaOf('2026-06-10');
      const retyped = await schemaOf('2026-06-14');
      const removed = await schemaOf('2026-06-16');
      expect(before).toHaveLength(16);
      expect(added.map((f) => f.name)).toEqual([...before.slice(0, 11).map((f) => f.name), 'architecture', ...before.slice(11).map((f) => f.name), 'is_ci']);
      expect(retyped.find((f) => f.name === 'egress_size_bytes')!.type).toBe('float');
      expect(added.find((f) => f.name === 'egress_size_bytes')!.type).toBe('integer');
      expect(removed.map((f) => f.name)).not.toContain('image_digest');
      expect(removed).toHaveLength(17);
      for (const [date, fields] of [['2026-06-09', before], ['2026-06-10', added], ['2026-06-14', retyped], ['2026-06-16', removed]] as const) {
        const [header, ...rows] = rowsOf(await bodyOf(changing, 'acme', 'usage_pulls', 'daily', date));
        expect(header, date).toEqual(fields.map((f) => f.name));
        expectValuesFit(rows, fields);
      }
      // The weekly cadence got only the change without a cadence.
      const weekly = changing.reportSchema('usage_pulls', 'weekly', '2026-06-15').fields.map((f) => f.name);
      expect(weekly).toContain('is_ci');
      expect(weekly).not.toContain('architecture');
      // Adding a column does not change the other columns' values.
      const [, ...oldRows] = rowsOf(await bodyOf(changing, 'acme', 'usage_pulls', 'daily', '2026-06-09'));
      expect(oldRows[0]![0]).toBe('2026-06-09');
    } finally {
      await changing.close();
    }
  });

  it('refuses schema changes that cannot apply, at start', async () => {
    await expect(createSimulator({ schemaChanges: [{ from: '2026-06-10', type: 'usage_pulls', remove: 'nope' }] })).rejects.toThrow(/no column nope/);
    await expect(createSimulator({ schemaChanges: [{ from: '2026-06-10', type: 'usage_pulls', add: { name: 'day', type: 'date', description: '' } }] })).rejects.toThrow(/already exists/);
    await expect(
      createSimulator({ reportTypes: [{ type: 'numbers', cadence: 'daily', fields: [{ name: 'n', type: 'integer', description: '' }] }] }),
    ).rejects.toThrow(/no string column/);
  });

  it('generates custom report types from their fields', async () => {
    const custom = await createSimulator({
      now: () => TEST_NOW,
      days: 50,
      reportTypes: [
        { type: 'audit_log', cadence: 'monthly', fields: [{ name: 'day', type: 'date', description: '' }, { name: 'actor', type: 'string', description: '' }, { name: 'ok', type: 'boolean', description: '' }] },
      ],
    });
    try {
      expect(custom.reports('acme').map((r) => r.Date)).toEqual(['2026-06-01', '2026-05-01']);
      const [header, ...rows] = rowsOf(await bodyOf(custom, 'acme', 'audit_log', 'monthly', '2026-06-01'));
      expect(header).toEqual(['day', 'actor', 'ok']);
      expectValuesFit(rows, custom.reportSchema('audit_log', 'monthly', '2026-06-01').fields);
    } finally {
      await custom.close();
    }
  });
});
