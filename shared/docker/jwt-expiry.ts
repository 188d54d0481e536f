/**
 * The `exp` claim of a JWT as epoch milliseconds, or undefined when the token
 * is not a JWT or carries no usable `exp`. The signature is not checked: the
 * engine only needs to know when to ask for a new token, Docker checks the rest.
 */
export function jwtExpiryMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const exp = (claims as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
