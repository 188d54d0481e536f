import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvJsonLines } from '../../../shared/landing/csv-json-lines.js';

/**
 * The transcoder reads CSV as csv-parse does (the oracle here), however the
 * bytes are cut, and writes each row as one JSON object keyed by the header.
 */
function transcode(bytes: Buffer, cuts: number[]): Record<string, unknown>[] {
  const transcoder = new CsvJsonLines([]);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(transcoder.push(bytes.subarray(from, cut)));
    from = cut;
  }
  out.push(transcoder.end());
  const text = Buffer.concat(out).toString('utf8');
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** What the transcoder should write for csv-parse's rows: every column a string, empty fields null. */
function expected(text: string): Record<string, unknown>[] {
  const [header, ...rows] = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  const keys = header!.map((name) => name.trim().toLowerCase());
  return rows.map((row) => Object.fromEntries(keys.map((key, i) => [key, row[i] === undefined || row[i] === '' ? null : row[i]])));
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

const PIECES = ['a', 'zoë', '日本', '😀', ',', '"', '\n', '\r\n', ' ', '1', '\\', '\t', 'Mozilla/5.0 (X11; Linux)', ''];

function randomCsv(random: () => number, newline: string): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const columns = 1 + Math.floor(random() * 5);
  const rows = [Array.from({ length: columns }, (_, c) => `col${c}`).join(',')];
  for (let r = 0; r < 1 + Math.floor(random() * 8); r += 1) {
    const fields: string[] = [];
    for (let c = 0; c < columns; c += 1) {
      let value = '';
      for (let k = 0; k < Math.floor(random() * 4); k += 1) value += pick(PIECES);
      const needsQuotes = /[",\r\n]/.test(value) || (value === '' && columns === 1);
      fields.push(needsQuotes || random() < 0.2 ? `"${value.replace(/"/g, '""')}"` : value);
    }
    rows.push(fields.join(','));
  }
  return rows.join(newline) + (random() < 0.5 ? newline : '');
}

describe('Class: CsvJsonLines', () => {
  it.each(['\n', '\r\n'])('reads random CSV (newline %j) as csv-parse does, cut at random bytes, UTF-8 included', (newline) => {
    for (let seed = 1; seed <= 400; seed += 1) {
      const random = prng(seed);
      const text = randomCsv(random, newline);
      const bytes = Buffer.from(text, 'utf8');
      const cuts = [...new Set(Array.from({ length: Math.floor(random() * 6) }, () => Math.floor(random() * bytes.length)))].sort((a, b) => a - b);

      expect(transcode(bytes, cuts), `seed ${seed}: ${JSON.stringify(text)} cut at ${cuts}`).toEqual(expected(text));
    }
  });

  it('reads quoted commas, doubled quotes and line breaks', () => {
    expect(transcode(Buffer.from('a,b\r\n1,"x, ""y""\nz"\r\n'), [])).toEqual([{ a: '1', b: 'x, "y"\nz' }]);
  });

  it('ends rows at CR alone too, even when the LF of a CRLF opens the next piece', () => {
    expect(transcode(Buffer.from('a,b\rc,d\r'), [])).toEqual([{ a: 'c', b: 'd' }]);
    expect(transcode(Buffer.from('h\r\nv,w\r\nx'), [2])).toEqual([{ h: 'v' }, { h: 'x' }]);
  });

  it('drops a byte order mark and skips empty lines, but keeps a row of one quoted empty field', () => {
    expect(transcode(Buffer.from('\ufeffa,b\n\n1,2\n\n'), [1])).toEqual([{ a: '1', b: '2' }]);
    expect(transcode(Buffer.from('a\n""\nx\n'), [])).toEqual([{ a: null }, { a: 'x' }]);
  });

  it('waits for the next piece when a quote ends one, since it may be doubled', () => {
    expect(transcode(Buffer.from('h,i\n"a""b",c\n'), [7])).toEqual([{ h: 'a"b', i: 'c' }]);
    expect(transcode(Buffer.from('h,i\n"a""b",c\n'), [6])).toEqual([{ h: 'a"b', i: 'c' }]);
  });

  it('escapes what JSON must: quotes, backslashes and control characters', () => {
    const bytes = Buffer.from('v\n"a\\b""c\td\u0001e\u001ff"\n');

    const out = Buffer.concat([new CsvJsonLines([]).push(bytes)]).toString('utf8');

    expect(out).toBe('{"v":"a\\\\b\\"c\\td\\u0001e\\u001ff"}\n');
  });

  it('is lenient: a stray quote is text, text after a closing quote is kept, an unclosed quote runs to the end', () => {
    expect(transcode(Buffer.from('a,b\nab"c,d\n"x"y,z\n"open\nrest'), [])).toEqual([
      { a: 'ab"c', b: 'd' },
      { a: 'xy', b: 'z' },
      { a: 'open\nrest', b: null },
    ]);
  });

  it('replaces invalid UTF-8 so the JSON stays valid, and keeps a character cut by a piece', () => {
    const bytes = Buffer.concat([Buffer.from('v\nok '), Buffer.from([0xff, 0xfe]), Buffer.from(' ü\n')]);

    expect(transcode(bytes, [bytes.length - 2])).toEqual([{ v: 'ok \ufffd\ufffd ü' }]);
  });
});
