import { describe, expect, it } from 'vitest';
import { jwtExpiryMs } from '../../../shared/docker/jwt-expiry.js';

const segment = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const jwt = (claims: unknown) => `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment(claims)}.test-signature`;

describe('Function: jwtExpiryMs', () => {
  it('reads the exp claim as epoch milliseconds', () => {
    // Prepare
    const exp = 1_781_683_200;

    // Act
    const expiry = jwtExpiryMs(jwt({ sub: 'acme', exp }));

    // Assess
    expect(expiry).toBe(exp * 1000);
  });

  it('decodes base64url payloads (with - and _ in them)', () => {
    // Prepare: "??>" and "???" encode to base64url with "_" and "-" in them.
    const claims = { note: '??>???>', exp: 2_000_000_000 };
    const token = jwt(claims);
    expect(token.split('.')[1]).toMatch(/[-_]/);

    // Act
    const expiry = jwtExpiryMs(token);

    // Assess
    expect(expiry).toBe(2_000_000_000_000);
  });

  it('is undefined when the claims carry no exp', () => {
    // Act
    const expiry = jwtExpiryMs(jwt({ sub: 'acme', iat: 1_781_683_200 }));

    // Assess
    expect(expiry).toBeUndefined();
  });

  it.each([
    ['a string exp', jwt({ exp: '1781683200' })],
    ['a null exp', jwt({ exp: null })],
    ['claims that are null', jwt(null)],
    ['claims that are a number', jwt(42)],
    ['a payload that is not JSON', `${segment({ alg: 'none' })}.${segment('not json')}.sig`],
    ['an opaque token', 'opaque-access-token'],
    ['an empty token', ''],
  ])('is undefined for %s', (_case, token) => {
    // Act
    const expiry = jwtExpiryMs(token);

    // Assess
    expect(expiry).toBeUndefined();
  });
});
