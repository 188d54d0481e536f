import { describe, expect, it } from 'vitest';
import { CsvJsonLines } from '../../../shared/landing/csv-json-lines.js';
import type { LakeType } from '../../../shared/lake/lake-types.js';
import type { FieldColumn } from '../../../shared/lake/table-columns.js';

const column = (field: string, type: LakeType, name = field): FieldColumn => ({ field, column: name, type });

/** One CSV line of `values`, quoted as a CSV writer would. */
const csvLine = (values: readonly string[]) =>
  `${values.map((v) => (/[",\r\n]/.test(v) || (v === '' && values.length === 1) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')}\n`;

/** Rows of strings through the transcoder, one at a time: each row's JSON line. */
class JsonRowEncoder {
  private readonly transcoder: CsvJsonLines;

  constructor(header: readonly string[], fields: readonly FieldColumn[]) {
    this.transcoder = new CsvJsonLines(fields);
    expect(this.transcoder.push(Buffer.from(csvLine(header))).length).toBe(0);
  }

  encode(row: readonly string[]): string {
    return this.transcoder.push(Buffer.from(csvLine(row))).toString('utf8');
  }

  get invalidValues(): number {
    return this.transcoder.invalidValues;
  }
}

/** An encoder of one column named `v` of `type`. */
const single = (type: LakeType) => new JsonRowEncoder(['v'], [column('v', type)]);
const valueOf = (encoder: JsonRowEncoder, raw: string): unknown => (JSON.parse(encoder.encode([raw])) as { v: unknown }).v;

describe('Class: CsvJsonLines, value by value', () => {
  describe('Method: encode', () => {
    it('writes one JSON object per row, keyed by column, on one line ending in a newline', () => {
      // Prepare
      const encoder = new JsonRowEncoder(
        ['day', 'hub_username', 'event_count'],
        [column('day', 'date'), column('hub_username', 'string'), column('event_count', 'bigint', 'event_count_v2')],
      );

      // Act
      const line = encoder.encode(['2026-06-16', 'jdoe', '12']);

      // Assess
      expect(line).toBe('{"day":"2026-06-16","hub_username":"jdoe","event_count_v2":12}\n');
      expect(encoder.invalidValues).toBe(0);
    });

    it.each([
      ['42', 42],
      ['-7', -7],
      ['+5', 5],
      [' 12 ', 12],
      ['0', 0],
    ])('writes the bigint %j as the number %d', (raw, expected) => {
      // Act
      const value = valueOf(single('bigint'), raw);

      // Assess
      expect(value).toBe(expected);
    });

    it('writes bigints as plain JSON integers: no leading zeros, no precision lost', () => {
      // Prepare
      const encoder = single('bigint');

      // Act
      const padded = encoder.encode(['007']);
      const largest = encoder.encode(['9223372036854775807']);
      const smallest = encoder.encode(['-9223372036854775808']);

      // Assess
      expect(padded).toBe('{"v":7}\n');
      expect(largest).toBe('{"v":9223372036854775807}\n');
      expect(smallest).toBe('{"v":-9223372036854775808}\n');
      expect(encoder.invalidValues).toBe(0);
    });

    it.each(['9223372036854775808', '-9223372036854775809', '12345678901234567890123'])(
      'writes null for %j, beyond the 64-bit BIGINT range, and counts it',
      (raw) => {
        // Prepare
        const encoder = single('bigint');

        // Act
        const line = encoder.encode([raw]);

        // Assess
        expect(line).toBe('{"v":null}\n');
        expect(encoder.invalidValues).toBe(1);
      },
    );

    it.each([
      ['1.5', 1.5],
      ['-0.25', -0.25],
      ['1e3', 1000],
      ['2.5E-2', 0.025],
      ['.5', 0.5],
      ['5.', 5],
      ['42', 42],
    ])('writes the double %j as the number %d', (raw, expected) => {
      // Act
      const value = valueOf(single('double'), raw);

      // Assess
      expect(value).toBe(expected);
    });

    it.each([
      ['true', true],
      ['TRUE', true],
      ['t', true],
      ['yes', true],
      ['1', true],
      ['false', false],
      ['F', false],
      ['no', false],
      ['0', false],
    ])('writes the boolean %j as %s', (raw, expected) => {
      // Act
      const value = valueOf(single('boolean'), raw);

      // Assess
      expect(value).toBe(expected);
    });

    it.each([
      ['2026-06-16', '2026-06-16'],
      ['2024-02-29', '2024-02-29'],
      ['2026-06-16T10:11:12Z', '2026-06-16'],
      ['2026-06-16 23:59:59', '2026-06-16'],
    ])('writes the date %j as %j', (raw, expected) => {
      // Act
      const value = valueOf(single('date'), raw);

      // Assess
      expect(value).toBe(expected);
    });

    it.each([
      ['2026-06-16T10:11:12Z', '2026-06-16 10:11:12.000'],
      ['2026-06-16 10:11:12', '2026-06-16 10:11:12.000'],
      ['2026-06-16T10:11:12.5+02:00', '2026-06-16 08:11:12.500'],
      ['2026-06-16T10:11:12.123456Z', '2026-06-16 10:11:12.123'],
      ['2026-06-16T01:00:00-0530', '2026-06-16 06:30:00.000'],
      ['2026-06-16T23:30:00-01:00', '2026-06-17 00:30:00.000'],
      ['2026-06-16 10:11:12 +0000', '2026-06-16 10:11:12.000'],
      ['2026-06-16t10:11:12z', '2026-06-16 10:11:12.000'],
      ['2026-06-16T10:11', '2026-06-16 10:11:00.000'],
      ['2026-06-16', '2026-06-16 00:00:00.000'],
    ])('writes the timestamp %j in UTC as %j', (raw, expected) => {
      // Act
      const value = valueOf(single('timestamp'), raw);

      // Assess
      expect(value).toBe(expected);
    });

    it.each<[LakeType, string]>([
      ['bigint', '1.5'],
      ['bigint', '12abc'],
      ['bigint', 'NaN'],
      ['double', 'abc'],
      ['double', 'Infinity'],
      ['double', '1e999'],
      ['double', '1,5'],
      ['boolean', 'maybe'],
      ['date', '2026-02-30'],
      ['date', '16/06/2026'],
      ['date', '2026-06-16xyz'],
      ['timestamp', 'yesterday'],
      ['timestamp', '2026-06-16T25:00:00Z'],
      ['timestamp', '2026-13-01T00:00:00Z'],
      ['timestamp', '1781683200'],
    ])('writes null for the %s value %j and counts it', (type, raw) => {
      // Prepare
      const encoder = single(type);

      // Act
      const value = valueOf(encoder, raw);

      // Assess
      expect(value).toBeNull();
      expect(encoder.invalidValues).toBe(1);
    });

    it('counts invalid values across rows and columns', () => {
      // Prepare
      const encoder = new JsonRowEncoder(['n', 'b'], [column('n', 'bigint'), column('b', 'boolean')]);

      // Act
      encoder.encode(['x', 'y']);
      encoder.encode(['1', 'true']);
      encoder.encode(['2', 'nope']);

      // Assess
      expect(encoder.invalidValues).toBe(3);
    });

    it.each<LakeType>(['bigint', 'double', 'boolean', 'date', 'timestamp'])(
      'writes null for an empty or blank %s, without counting it as invalid',
      (type) => {
        // Prepare
        const encoder = single(type);

        // Act
        const empty = valueOf(encoder, '');
        const blank = valueOf(encoder, '   ');

        // Assess
        expect(empty).toBeNull();
        expect(blank).toBeNull();
        expect(encoder.invalidValues).toBe(0);
      },
    );

    it('writes null for an empty string field', () => {
      // Prepare
      const encoder = single('string');

      // Act
      const value = valueOf(encoder, '');

      // Assess
      expect(value).toBeNull();
    });

    it('writes null for cells missing at the end of a short row and ignores extra cells', () => {
      // Prepare
      const encoder = new JsonRowEncoder(['a', 'n'], [column('a', 'string'), column('n', 'bigint')]);

      // Act
      const short = encoder.encode(['only']);
      const long = encoder.encode(['x', '1', 'surplus']);

      // Assess
      expect(JSON.parse(short)).toStrictEqual({ a: 'only', n: null });
      expect(JSON.parse(long)).toStrictEqual({ a: 'x', n: 1 });
      expect(encoder.invalidValues).toBe(0);
    });

    it.each([
      ['double quotes', 'say "hi"'],
      ['a comma', 'doe, jane'],
      ['line breaks', 'first line\nsecond line\r\nthird'],
      ['a backslash and a tab', 'C:\\path\there'],
      ['control characters', 'bell\u0007nul\u0000'],
      ['UTF-8 text', 'Zoë 日本語 🐳'],
      ['surrounding spaces', '  padded  '],
      ['a JSON-looking value', '{"injected":true}'],
    ])('escapes a string with %s and reads back the same text', (_case, raw) => {
      // Prepare
      const encoder = single('string');

      // Act
      const line = encoder.encode([raw]);

      // Assess
      expect(line.indexOf('\n')).toBe(line.length - 1);
      expect(line).not.toContain('\r');
      expect(JSON.parse(line)).toStrictEqual({ v: raw });
    });

    it('keeps a header the schema does not name, as a string under its own lower-cased name', () => {
      // Prepare
      const encoder = new JsonRowEncoder(['day', 'Extra'], [column('day', 'date')]);

      // Act
      const line = encoder.encode(['2026-06-16', '42']);

      // Assess
      expect(JSON.parse(line)).toStrictEqual({ day: '2026-06-16', extra: '42' });
    });

    it('matches a header padded with spaces to its field', () => {
      // Prepare
      const encoder = new JsonRowEncoder([' event_count '], [column('event_count', 'bigint')]);

      // Act
      const line = encoder.encode(['3']);

      // Assess
      expect(JSON.parse(line)).toStrictEqual({ event_count: 3 });
    });
  });
});
