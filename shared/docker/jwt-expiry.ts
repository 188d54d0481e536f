/** The time claims of a JWT, in epoch milliseconds. */
export interface JwtTimes {
  readonly expiresAt: number | undefined;
  readonly issuedAt: number | undefined;
}

/**
 * The `exp` and `iat` claims of a JWT, each undefined when absent or unusable
 * (or when the token is not a JWT). The signature is not checked: the engine
 * only needs to know when to ask for a new token, Docker checks the rest.
 */
export function jwtTimes(token: string): JwtTimes {
  const none = { expiresAt: undefined, issuedAt: undefined };
  const payload = token.split('.')[1];
  if (payload === undefined) return none;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return none;
    const { exp, iat } = claims as { exp?: unknown; iat?: unknown };
    return { expiresAt: epochMs(exp), issuedAt: epochMs(iat) };
  } catch {
    return none;
  }
}

/** The `exp` claim of a JWT as epoch milliseconds, or undefined. */
export function jwtExpiryMs(token: string): number | undefined {
  return jwtTimes(token).expiresAt;
}

function epochMs(seconds: unknown): number | undefined {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
