import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../shared/api/page-cursor.js';

describe('page cursors', () => {
  it('round-trip a date, opaque to callers', () => {
    const token = encodeCursor('2026-06-16');

    expect(token).not.toContain('2026');
    expect(decodeCursor(token)).toBe('2026-06-16');
  });

  it.each(['', 'garbage!', Buffer.from('before:2026-02-30').toString('base64url'), Buffer.from('after:2026-06-16').toString('base64url')])(
    'refuse %j with a 400',
    (token) => {
      expect(() => decodeCursor(token)).toThrow(expect.objectContaining({ status: 400, message: 'invalid input: invalid page token' }));
    },
  );
});
