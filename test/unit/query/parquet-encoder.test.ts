import { parse } from 'csv-parse/sync';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LakeType } from '../../../shared/lake/lake-types.js';
import type { FieldColumn } from '../../../shared/lake/table-columns.js';
import { DuckDbEngine, QUERY_FORMAT, type EncodeStats } from '../../../shared/query/index.js';
import { parquetCodecs, readParquet } from '../../support/parquet.js';
import { tempDir } from '../../support/temp-dir.js';

const column = (field: string, type: LakeType, name = field): FieldColumn => ({ field, column: name, type });
const RESERVED = ['org', 'report_date'];

let engine: DuckDbEngine;
let dir: { path: string; remove: () => Promise<void> };
let files = 0;

beforeAll(async () => {
  engine = new DuckDbEngine();
  dir = await tempDir('parquet-encoder');
});

afterAll(async () => {
  await engine.close();
  await dir.remove();
});

/** Encodes CSV files (text or bytes) with the planned columns; returns the stats and the Parquet rows. */
async function encode(
  inputs: readonly (string | Buffer | { bytes: Buffer; gzip: true })[],
  columns: readonly FieldColumn[],
  orderBy?: string,
): Promise<{ stats: EncodeStats; rows: Record<string, unknown>[]; types: Record<string, string>; output: string }> {
  files += 1;
  const paths = await Promise.all(
    inputs.map(async (input, i) => {
      const path = join(dir.path, `in-${files}-${i}.csv`);
      const gzip = typeof input === 'object' && 'gzip' in input;
      await writeFile(path, gzip ? input.bytes : input);
      return { path, gzip };
    }),
  );
  const output = join(dir.path, `out-${files}.parquet`);
  const stats = await QUERY_FORMAT.encode(engine, { files: paths, columns, reserved: RESERVED, output });
  return { stats, output, ...(await readParquet(output, orderBy)) };
}

/** One typed column `v` beside an `id`, one row per raw value: the value each raw text became, by id. */
async function values(type: LakeType, raws: readonly string[]): Promise<{ values: unknown[]; invalid: number }> {
  const csv = `id,v\n${raws.map((raw, i) => `${i},"${raw.replace(/"/g, '""')}"`).join('\n')}\n`;
  const { stats, rows } = await encode([csv], [column('id', 'bigint'), column('v', type)], 'id');
  return { values: rows.map((row) => row.v), invalid: stats.invalidValues };
}

/** A small deterministic PRNG, so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'zoë', '日本', '😀', ',', '"', '\n', '\r\n', ' x', '1', '\\', '\t', 'Mozilla/5.0 (X11; Linux)'];

/** A random CSV whose cells hold commas, quotes, line breaks and UTF-8, quoted as a CSV writer quotes them. */
function randomCsv(random: () => number, newline: string): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const columns = 1 + Math.floor(random() * 5);
  const rows = [['id', ...Array.from({ length: columns }, (_, c) => `col${c}`)].join(',')];
  for (let r = 0; r < 1 + Math.floor(random() * 8); r += 1) {
    const fields = [String(r)];
    for (let c = 0; c < columns; c += 1) {
      let value = '';
      for (let k = 0; k < Math.floor(random() * 4); k += 1) value += pick(PIECES);
      fields.push(/[",\r\n]/.test(value) || random() < 0.2 ? `"${value.replace(/"/g, '""')}"` : value);
    }
    rows.push(fields.join(','));
  }
  return rows.join(newline) + (random() < 0.5 ? newline : '');
}

describe('Function: encodeParquet (QUERY_FORMAT.encode)', () => {
  describe('values', () => {
    it('writes each planned column with its Parquet type, zstd-compressed, and counts the rows', async () => {
      // Act
      const { stats, types, rows, output } = await encode(
        ['day,user,count,ratio,ok,at\n2026-06-16,jdoe,12,0.5,true,2026-06-16T10:11:12Z\n'],
        [column('day', 'date'), column('user', 'string'), column('count', 'bigint', 'count_v2'), column('ratio', 'double'), column('ok', 'boolean'), column('at', 'timestamp')],
      );

      // Assess
      expect(stats).toEqual({ rows: 1, invalidValues: 0 });
      expect(types).toEqual({ day: 'DATE', user: 'VARCHAR', count_v2: 'BIGINT', ratio: 'DOUBLE', ok: 'BOOLEAN', at: 'TIMESTAMP' });
      expect(rows).toEqual([{ day: '2026-06-16', user: 'jdoe', count_v2: '12', ratio: 0.5, ok: true, at: '2026-06-16 10:11:12' }]);
      expect(await parquetCodecs(output)).toEqual(['ZSTD']);
    });

    it('reads integers exactly, to the ends of the 64-bit range', async () => {
      // Act
      const read = await values('bigint', ['42', '-7', '+5', ' 12 ', '0', '007', '9223372036854775807', '-9223372036854775808']);

      // Assess
      expect(read).toEqual({ values: ['42', '-7', '5', '12', '0', '7', '9223372036854775807', '-9223372036854775808'], invalid: 0 });
    });

    it('reads doubles, booleans and dates as their types', async () => {
      // Act
      const doubles = await values('double', ['1.5', '-0.25', '1e3', '2.5E-2', '.5', '5.', '42']);
      const booleans = await values('boolean', ['true', 'TRUE', 't', 'yes', '1', 'false', 'F', 'no', '0']);
      const dates = await values('date', ['2026-06-16', '2024-02-29', '2026-06-16T10:11:12Z', '2026-06-16 23:59:59']);

      // Assess
      expect(doubles).toEqual({ values: [1.5, -0.25, 1000, 0.025, 0.5, 5, 42], invalid: 0 });
      expect(booleans).toEqual({ values: [true, true, true, true, true, false, false, false, false], invalid: 0 });
      expect(dates).toEqual({ values: ['2026-06-16', '2024-02-29', '2026-06-16', '2026-06-16'], invalid: 0 });
    });

    it('reads timestamps with their offsets as UTC, microseconds kept', async () => {
      // Act
      const read = await values('timestamp', [
        '2026-06-16T10:11:12Z',
        '2026-06-16 10:11:12',
        '2026-06-16T10:11:12.5+02:00',
        '2026-06-16T10:11:12.123456Z',
        '2026-06-16T01:00:00-0530',
        '2026-06-16T23:30:00-01:00',
        '2026-06-16 10:11:12 +0000',
        '2026-06-16t10:11:12z',
        '2026-06-16T10:11',
        '2026-06-16',
      ]);

      // Assess
      expect(read).toEqual({
        values: [
          '2026-06-16 10:11:12',
          '2026-06-16 10:11:12',
          '2026-06-16 08:11:12.5',
          '2026-06-16 10:11:12.123456',
          '2026-06-16 06:30:00',
          '2026-06-17 00:30:00',
          '2026-06-16 10:11:12',
          '2026-06-16 10:11:12',
          '2026-06-16 10:11:00',
          '2026-06-16 00:00:00',
        ],
        invalid: 0,
      });
    });

    it.each<[LakeType, string[]]>([
      ['bigint', ['1.5', '1e2', '12abc', 'NaN', '9223372036854775808', '-9223372036854775809']],
      ['double', ['abc', 'Infinity', '1e999', '1,5']],
      ['boolean', ['maybe']],
      ['date', ['2026-02-30', '16/06/2026', '2026-06-16xyz']],
      ['timestamp', ['yesterday', '2026-06-16T25:00:00Z', '2026-13-01T00:00:00Z', '1781683200']],
    ])('writes NULL for %s values that do not fit, and counts each', async (type, raws) => {
      // Act
      const read = await values(type, raws);

      // Assess
      expect(read).toEqual({ values: raws.map(() => null), invalid: raws.length });
    });

    it('writes NULL for empty cells whatever their type, without counting them', async () => {
      // Act
      const { stats, rows } = await encode(
        ['id,s,n,d\n1,,,\n2,"",x,\n'],
        [column('id', 'bigint'), column('s', 'string'), column('n', 'bigint'), column('d', 'date')],
        'id',
      );

      // Assess
      expect(rows).toEqual([
        { id: '1', s: null, n: null, d: null },
        { id: '2', s: null, n: null, d: null },
      ]);
      expect(stats).toEqual({ rows: 2, invalidValues: 1 });
    });
  });

  describe('CSV', () => {
    it('reads quoted commas, doubled quotes, line breaks inside cells, CRLF, a byte order mark and UTF-8', async () => {
      // Prepare
      const csv = '\ufeffid,text\r\n1,"a, b"\r\n2,"he said ""hi"""\r\n3,"two\nlines"\r\n4,zoë 日本 😀\r\n';

      // Act
      const { rows, stats } = await encode([csv], [column('id', 'bigint'), column('text', 'string')], 'id');

      // Assess
      expect(rows.map((row) => row.text)).toEqual(['a, b', 'he said "hi"', 'two\nlines', 'zoë 日本 😀']);
      expect(stats.rows).toBe(4);
    });

    it.each(['\n', '\r\n'])('reads random CSV (newline %j) as csv-parse does', async (newline) => {
      for (let seed = 1; seed <= 60; seed += 1) {
        // Prepare
        const text = randomCsv(prng(seed), newline);
        const [header, ...records] = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
        const planned = header!.map((name) => column(name, name === 'id' ? 'bigint' : 'string'));

        // Act
        const { rows, stats } = await encode([text], planned, 'id');

        // Assess
        const expected = records.map((record) =>
          Object.fromEntries(header!.map((name, i) => [name, name === 'id' ? record[i] : record[i] === '' || record[i] === undefined ? null : record[i]])),
        );
        expect(rows, `seed ${seed}: ${JSON.stringify(text)}`).toEqual(expected);
        expect(stats.rows).toBe(records.length);
      }
    });

    it('follows the header order, whatever the order of the planned columns', async () => {
      // Act
      const { rows } = await encode(['b,a\n2,1\n'], [column('a', 'bigint'), column('b', 'bigint')]);

      // Assess
      expect(rows).toEqual([{ b: '2', a: '1' }]);
    });

    it('keeps a header cell no field describes as a string column, a repeated name as _2, and never takes a partition name', async () => {
      // Act
      const { rows, types } = await encode(['n,Extra Col,n,org\n1,x,2,acme\n'], [column('n', 'bigint')]);

      // Assess
      expect(rows).toEqual([{ n: '1', extra_col: 'x', n_2: '2', org_field: 'acme' }]);
      expect(types).toEqual({ n: 'BIGINT', extra_col: 'VARCHAR', n_2: 'VARCHAR', org_field: 'VARCHAR' });
    });

    it('writes a typed, empty file for a report of only a header, and for an empty report', async () => {
      // Act
      const headerOnly = await encode(['day,count\n'], [column('day', 'date'), column('count', 'bigint')]);
      const empty = await encode([''], [column('day', 'date'), column('count', 'bigint')]);

      // Assess
      expect(headerOnly.stats).toEqual({ rows: 0, invalidValues: 0 });
      expect(headerOnly.types).toEqual({ day: 'DATE', count: 'BIGINT' });
      expect(empty.stats).toEqual({ rows: 0, invalidValues: 0 });
      expect(empty.types).toEqual({ day: 'DATE', count: 'BIGINT' });
    });

    it('keeps every row of a ragged report: short rows padded with NULL, extra cells dropped', async () => {
      // Act
      const { rows, stats } = await encode(['id,a,b\n1,x\n2,y,z,extra\n3,p,q\n'], [column('id', 'bigint'), column('a', 'string'), column('b', 'string')], 'id');

      // Assess
      expect(rows).toEqual([
        { id: '1', a: 'x', b: null },
        { id: '2', a: 'y', b: 'z' },
        { id: '3', a: 'p', b: 'q' },
      ]);
      expect(stats.rows).toBe(3);
    });

    it('keeps a row whose bytes are not UTF-8, with the invalid bytes replaced', async () => {
      // Prepare
      const bytes = Buffer.concat([Buffer.from('id,text\n1,ok\n2,'), Buffer.from([0xff, 0xfe]), Buffer.from('x\n')]);

      // Act
      const { rows } = await encode([bytes], [column('id', 'bigint'), column('text', 'string')], 'id');

      // Assess
      expect(rows).toEqual([
        { id: '1', text: 'ok' },
        { id: '2', text: '\ufffd\ufffdx' },
      ]);
    });

    it('reads the files of a period as one table, gzip ones decompressed', async () => {
      // Act
      const { rows, stats } = await encode(
        [{ bytes: gzipSync('id,v\n1,a\n2,b\n'), gzip: true }, { bytes: gzipSync('id,v\n3,c\n'), gzip: true }],
        [column('id', 'bigint'), column('v', 'string')],
        'id',
      );

      // Assess
      expect(rows.map((row) => row.v)).toEqual(['a', 'b', 'c']);
      expect(stats.rows).toBe(3);
    });
  });
});
