import { parse } from 'csv-parse/sync';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DVP_VIEWS, createSimulator, type DvpExport, type Simulator } from '../../simulator/index.js';
import { download, dvpJwt, exportFiles } from './dvp-helpers.js';

const JANUARY = new Date('2026-01-14T10:00:00Z');

/** The path below `/years` of an export. */
function restOf(e: Pick<DvpExport, 'year' | 'timespan' | 'n' | 'view'>): string {
  return `/${e.year}/${e.timespan}/${e.n}/${e.view}`;
}

/** A file's CSV text, gunzipped when the bytes are gzip (told by the magic number, as a client must). */
function csvText(bytes: Buffer): string {
  const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The files of an export read as one CSV: the first file's header, later files' repeated header dropped. */
function oneCsv(texts: readonly string[]): string[][] {
  const header = texts[0]!.slice(0, texts[0]!.indexOf('\n') + 1);
  const body = texts.map((text, i) => (i > 0 && text.startsWith(header) ? text.slice(header.length) : text)).join('');
  return parse(body, { relax_column_count: false }) as string[][];
}

describe('DVP exports', () => {
  let sim: Simulator;
  let jwt: string;

  beforeAll(async () => {
    sim = await createSimulator({
      now: () => JANUARY,
      dvp: {
        namespaces: [
          { namespace: 'pubco' },
          { namespace: 'plain', username: 'pubco-bot', gzip: false, weeks: 2, months: 1, views: ['raw', 'summary'] },
          { namespace: 'pairs', username: 'pubco-bot', filesPerExport: 2, rowsPerFile: 5, weeks: 2, months: 0, views: ['raw', 'summary'] },
          { namespace: 'growing', username: 'pubco-bot', weeks: 4, months: 3, addColumnFromWeek: 3, views: ['raw', 'summary'] },
          { namespace: 'hollow', username: 'pubco-bot', rowsPerFile: 0, weeks: 1, months: 0, views: ['raw'] },
        ],
      },
    });
    jwt = await dvpJwt(sim, 'pubco');
  });
  afterAll(() => sim.close());

  it('serves every view of every period as listed: sizes exact, bytes as fileBody says, gzip, rows as rows() says', async () => {
    const exports = sim.dvp.exports('pubco');
    expect(new Set(exports.map((e) => e.view))).toEqual(new Set(DVP_VIEWS));
    for (const e of exports) {
      const files = await exportFiles(sim, jwt, 'pubco', restOf(e));
      expect(files.map((f) => f.size), restOf(e)).toEqual(e.files.map((f) => f.size));
      expect(files).toHaveLength(e.view === 'raw' ? 3 : 1);
      const texts: string[] = [];
      for (const [index, file] of files.entries()) {
        expect(new URL(file.url).origin).toBe(sim.storageUrl);
        expect(file.url).toMatch(/\.csv\.gz\?/);
        expect(new URL(file.url).searchParams.get('X-Amz-Expires')).toBe('900');
        const got = await download(file.url);
        expect(got.status).toBe(200);
        expect(got.body.length).toBe(file.size);
        expect(got.headers.get('content-encoding')).toBeNull();
        expect(got.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
        expect(got.body.equals(sim.dvp.fileBody('pubco', e.view, e.timespan, e.year, e.n, index))).toBe(true);
        texts.push(csvText(got.body));
      }
      const header = `${e.columns.join(',')}\n`;
      expect(texts.map((text) => text.startsWith(header))).toEqual(e.files.map((f) => f.headerRepeated));
      const records = oneCsv(texts);
      expect(records[0]).toEqual(e.columns);
      expect(records.length - 1).toBe(e.rows);
      expect(sim.dvp.rows('pubco', e.view, e.timespan, e.year, e.n)).toBe(e.rows);
      expect(e.rows).toBeGreaterThan(0);
    }
  });

  it('splits raw exports into three files, the first with the header, of the later two exactly one repeating it', () => {
    const raws = sim.dvp.exports('pubco').filter((e) => e.view === 'raw');
    for (const e of raws) {
      expect(e.files.map((f) => f.gzip)).toEqual([true, true, true]);
      expect(e.files[0]!.headerRepeated).toBe(true);
      expect(e.files.filter((f) => f.headerRepeated)).toHaveLength(2);
    }
    // Which later file repeats it changes with the period: a client cannot guess.
    expect(new Set(raws.map((e) => e.files[1]!.headerRepeated))).toEqual(new Set([true, false]));
  });

  it('two-file exports alternate between repeating the header and not, period by period', () => {
    const exports = sim.dvp.exports('pairs').filter((e) => e.view === 'raw');
    // The second file repeats the header in odd-numbered periods.
    expect(exports.map((e) => e.files.map((f) => f.headerRepeated))).toEqual(exports.map((e) => [true, e.n % 2 === 1]));
    expect(new Set(exports.map((e) => e.files[1]!.headerRepeated)).size).toBe(2);
    // rowsPerFile: every file but the last holds exactly that many rows; the last two thirds to all of it.
    for (const e of sim.dvp.exports('pairs')) {
      expect(e.rows).toBeGreaterThanOrEqual(5 + 4);
      expect(e.rows).toBeLessThanOrEqual(10);
    }
  });

  it('writes Title Case headers with spaces in some views, and the columns Docker documents', () => {
    const columns = Object.fromEntries(sim.dvp.exports('pubco').map((e) => [e.view, e.columns]));
    expect(columns.raw).toEqual([
      'action', 'action_day', 'timestamp', 'type', 'country', 'digest', 'http_method', 'host',
      'namespace', 'reference', 'repository', 'tag', 'user_agent_tool', 'user_agent_version', 'domain', 'owner',
    ]);
    expect(columns['repo-summary']).toContain('Unique IP Count');
    expect(columns['ext-summary']).toContain('Cloud Provider');
    expect(columns['geo-repo-summary']).toContain('country');
    expect(columns['ext-premium-geo']).toEqual(expect.arrayContaining(['cloud_provider', 'country']));
    for (const view of DVP_VIEWS.filter((v) => v !== 'raw')) {
      expect(columns[view]!.some((c) => /unique.ip.count/i.test(c)), view).toBe(true);
    }
  });

  it('fills raw rows consistently: days within the period, tags only for tag pulls, HEAD for version checks', () => {
    for (const e of sim.dvp.exports('pubco').filter((x) => x.view === 'raw')) {
      const texts = e.files.map((_, i) => csvText(sim.dvp.fileBody('pubco', 'raw', e.timespan, e.year, e.n, i)));
      const [header, ...rows] = oneCsv(texts);
      const at = (name: string) => header!.indexOf(name);
      for (const row of rows) {
        expect(['pull_by_tag', 'pull_by_digest', 'version_check']).toContain(row[at('action')]);
        expect(row[at('action_day')]! >= e.periodStart && row[at('action_day')]! <= e.periodEnd).toBe(true);
        expect(row[at('timestamp')]!.slice(0, 10)).toBe(row[at('action_day')]);
        expect(row[at('timestamp')]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(row[at('namespace')]).toBe('pubco');
        expect(row[at('digest')]).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(row[at('tag')] !== '').toBe(row[at('action')] === 'pull_by_tag');
        expect(row[at('http_method')]).toBe(row[at('action')] === 'version_check' ? 'HEAD' : 'GET');
      }
    }
  });

  it('serves plain CSV when gzip is off, sized in plain bytes', async () => {
    const e = sim.dvp.exports('plain').find((x) => x.view === 'raw')!;
    expect(e.files.every((f) => !f.gzip)).toBe(true);
    const files = await exportFiles(sim, jwt, 'plain', restOf(e));
    expect(files[0]!.url).toMatch(/\.csv\?/);
    const got = await download(files[0]!.url);
    expect(got.headers.get('content-type')).toBe('text/csv');
    expect(got.body.toString('utf8').startsWith('action,action_day,')).toBe(true);
    expect(got.body.length).toBe(files[0]!.size);
  });

  it('adds a column from the chosen week on: raw gains domain at its place, other views at the end; earlier periods keep their header', () => {
    const exports = sim.dvp.exports('growing');
    const weeks = exports.filter((e) => e.timespan === 'weeks' && e.view === 'raw');
    expect(weeks.map((e) => e.columns.includes('domain'))).toEqual([false, false, true, true]);
    expect(weeks[3]!.columns.indexOf('domain')).toBe(weeks[3]!.columns.indexOf('owner') - 1);
    const summaries = exports.filter((e) => e.timespan === 'weeks' && e.view === 'summary');
    expect(summaries.map((e) => e.columns.at(-1))).toEqual(['version_check', 'version_check', 'domain', 'domain']);
    // Months starting before the third week's Monday (2025-12-29) do not have it.
    const months = exports.filter((e) => e.timespan === 'months' && e.view === 'raw');
    expect(months.map((e) => e.columns.includes('domain'))).toEqual([false, false, false]);
    // The header written is the one listed.
    const week4 = weeks[3]!;
    expect(csvText(sim.dvp.fileBody('growing', 'raw', 'weeks', week4.year, week4.n, 0)).split('\n')[0]).toBe(week4.columns.join(','));
  });

  it('an export with no rows is its header alone', () => {
    const e = sim.dvp.exports('hollow')[0]!;
    expect(e.rows).toBe(0);
    expect(csvText(sim.dvp.fileBody('hollow', 'raw', e.timespan, e.year, e.n, 0))).toBe(`${e.columns.join(',')}\n`);
  });

  it('is deterministic: another simulator with the same options serves the same bytes; another namespace other bytes', async () => {
    const twin = await createSimulator({ now: () => JANUARY, dvp: { namespaces: [{ namespace: 'pubco' }, { namespace: 'pubco2' }] } });
    try {
      for (const e of sim.dvp.exports('pubco').slice(0, 12)) {
        for (let i = 0; i < e.files.length; i += 1) {
          expect(twin.dvp.fileBody('pubco', e.view, e.timespan, e.year, e.n, i).equals(sim.dvp.fileBody('pubco', e.view, e.timespan, e.year, e.n, i))).toBe(true);
        }
      }
      const raw = sim.dvp.exports('pubco')[0]!;
      expect(twin.dvp.fileBody('pubco2', 'raw', raw.timespan, raw.year, raw.n, 0).equals(sim.dvp.fileBody('pubco', 'raw', raw.timespan, raw.year, raw.n, 0))).toBe(false);
    } finally {
      await twin.close();
    }
  });

  it('the introspection methods say what is wrong with a question', () => {
    expect(() => sim.dvp.exports('nobody')).toThrow(/no DVP namespace nobody/);
    expect(() => sim.dvp.rows('plain', 'geo-repo-summary', 'weeks', 2026, 2)).toThrow(/no view geo-repo-summary/);
    expect(() => sim.dvp.rows('pubco', 'raw', 'weeks', 2026, 9)).toThrow(/no export/);
    expect(() => sim.dvp.fileBody('pubco', 'summary', 'weeks', 2026, 2, 1)).toThrow(/no file 1/);
  });
});
