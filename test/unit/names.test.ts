import { describe, expect, it } from 'vitest';
import {
  MAX_SEGMENT_LENGTH,
  isReportDate,
  isSegment,
  reportDateSchema,
  segmentSchema,
  utcDate,
} from '../../shared/names.js';

describe('Function: isSegment', () => {
  it.each(['acme', 'usage_pulls', 'daily', '0rg-1', 'a', 'a'.repeat(MAX_SEGMENT_LENGTH)])('accepts %s', (value) => {
    // Act
    const accepted = isSegment(value);

    // Assess
    expect(accepted).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['upper case', 'Acme'],
    ['a leading dash', '-acme'],
    ['a leading underscore', '_acme'],
    ['a slash', 'acme/evil'],
    ['a dot-dot', '..'],
    ['a space', 'usage pulls'],
    ['a trailing newline', 'acme\n'],
    ['a non-ASCII letter', 'äcme'],
    ['one character too many', 'a'.repeat(MAX_SEGMENT_LENGTH + 1)],
  ])('refuses %s', (_case, value) => {
    // Act
    const accepted = isSegment(value);

    // Assess
    expect(accepted).toBe(false);
  });

  it('explains a refusal through segmentSchema', () => {
    // Act
    const parsed = segmentSchema.safeParse('Bad Org');

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('lowercase letters');
  });
});

describe('Function: isReportDate', () => {
  it.each(['2026-06-16', '2024-02-29', '2000-02-29', '1999-12-31'])('accepts %s', (value) => {
    // Act
    const accepted = isReportDate(value);

    // Assess
    expect(accepted).toBe(true);
  });

  it.each(['2026-02-30', '2026-02-29', '1900-02-29', '2026-13-01', '2026-00-10', '2026-06-00', '2026-6-16', '26-06-16', '2026-06-16T00:00:00Z', ' 2026-06-16', 'null', ''])(
    'refuses %j',
    (value) => {
      // Act
      const accepted = isReportDate(value);

      // Assess
      expect(accepted).toBe(false);
    },
  );

  it('backs reportDateSchema', () => {
    // Act
    const good = reportDateSchema.safeParse('2026-06-16');
    const bad = reportDateSchema.safeParse('2026-02-30');

    // Assess
    expect(good.success).toBe(true);
    expect(bad.success).toBe(false);
  });
});

describe('Function: utcDate', () => {
  it('gives the UTC calendar date of an instant, whatever its offset', () => {
    // Prepare: 23:30 in New York on the 16th is already the 17th in UTC.
    const instant = new Date('2026-06-16T23:30:00-04:00');

    // Act
    const date = utcDate(instant);

    // Assess
    expect(date).toBe('2026-06-17');
  });
});
