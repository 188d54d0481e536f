import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvRows } from '../../../shared/landing/csv-rows.js';

/** Reads `text` fed in pieces cut at `cuts`. */
function readInPieces(text: string, cuts: number[]): string[][] {
  const reader = new CsvRows();
  const rows: string[][] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    reader.push(text.slice(from, cut), (row) => rows.push([...row]));
    from = cut;
  }
  reader.end((row) => rows.push([...row]));
  return rows;
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

const PIECES = ['a', 'zoë', '日本', ',', '"', '\n', '\r\n', ' ', '1', 'Mozilla/5.0 (X11; Linux)', ''];

function randomCsv(random: () => number, newline: string): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const rows: string[] = [];
  const columns = 1 + Math.floor(random() * 5);
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

describe('Class: CsvRows', () => {
  it.each(['\n', '\r\n'])('reads random RFC 4180 text (newline %j) as csv-parse does, however it is cut', (newline) => {
    for (let seed = 1; seed <= 400; seed += 1) {
      const random = prng(seed);
      const text = randomCsv(random, newline);
      const expected = parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
      const cuts = [...new Set(Array.from({ length: Math.floor(random() * 6) }, () => Math.floor(random() * text.length)))].sort((a, b) => a - b);

      expect(readInPieces(text, cuts), `seed ${seed}: ${JSON.stringify(text)} cut at ${cuts}`).toEqual(expected);
    }
  });

  it('reads quoted commas, doubled quotes and line breaks', () => {
    const text = 'a,b\r\n1,"x, ""y""\nz"\r\n';

    expect(readInPieces(text, [])).toEqual([['a', 'b'], ['1', 'x, "y"\nz']]);
  });

  it('ends rows at CR alone too, even when the LF of a CRLF opens the next piece', () => {
    expect(readInPieces('a,b\rc,d\r', [])).toEqual([['a', 'b'], ['c', 'd']]);
    expect(readInPieces('a,b\r\nc,d', [4])).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('drops a byte order mark and skips empty lines', () => {
    expect(readInPieces('\ufeffa,b\n\n1,2\n\n', [])).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('waits for the next piece when a quote ends one, since it may be doubled', () => {
    expect(readInPieces('"a""b",c\n', [3])).toEqual([['a"b', 'c']]);
    expect(readInPieces('"a""b",c\n', [2])).toEqual([['a"b', 'c']]);
  });

  it('keeps a trailing empty field', () => {
    expect(readInPieces('a,\n,b', [])).toEqual([['a', ''], ['', 'b']]);
  });

  it('is lenient: a stray quote is text, text after a closing quote is kept, an unclosed quote runs to the end', () => {
    expect(readInPieces('ab"c,d\n"x"y,z\n"open\nrest', [])).toEqual([['ab"c', 'd'], ['xy', 'z'], ['open\nrest']]);
  });
});
