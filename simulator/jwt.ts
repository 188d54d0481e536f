import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The claims of the simulator's JWTs. */
export interface JwtClaims {
  readonly iss: string;
  /** The org for an OAT's token, the username for a Hub user's. */
  readonly sub: string;
  /** The org an OAT's token reads; empty for a Hub user's token, which no org's reports accept. */
  readonly org: string;
  /** The DVP namespaces a Hub user's token reads; absent for an OAT's. */
  readonly namespaces?: readonly string[];
  readonly scope: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}

const ISSUER = 'docker-api-simulator';
const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/**
 * Issues and checks HS256 JWTs like Docker Hub's: three base64url parts, an
 * `exp` the client can read to know when to refresh. The key is random per
 * simulator, so a token from another run (or a forged one) never passes.
 */
export class JwtIssuer {
  private readonly key = randomBytes(32);
  private issued = 0;
  /** Tokens with a serial below this are refused: {@link revokeAll} moves it. */
  private validFrom = 0;

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => Date,
  ) {}

  issue(org: string): string {
    return this.mint({ sub: org, org, scope: 'report:read' });
  }

  /** A Hub user's token (login or PAT exchange): it reads the user's DVP namespaces, no org's reports. */
  issueUser(username: string, namespaces: readonly string[]): string {
    return this.mint({ sub: username, org: '', namespaces, scope: 'repo:public_read' });
  }

  private mint(subject: Pick<JwtClaims, 'sub' | 'org' | 'namespaces' | 'scope'>): string {
    const iat = Math.floor(this.now().getTime() / 1000);
    const claims: JwtClaims = { iss: ISSUER, ...subject, iat, exp: iat + this.ttlSeconds, jti: String(this.issued) };
    this.issued += 1;
    const unsigned = `${HEADER}.${base64url(JSON.stringify(claims))}`;
    return `${unsigned}.${this.sign(unsigned)}`;
  }

  /** The claims of a token this simulator issued that is still valid, else undefined. */
  verify(token: string): JwtClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (header !== HEADER || given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: JwtClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JwtClaims;
    } catch {
      return undefined;
    }
    if (claims.exp * 1000 <= this.now().getTime()) return undefined;
    if (Number(claims.jti) < this.validFrom) return undefined;
    return claims;
  }

  /** Every token issued so far is refused from now on, as when Docker expires them mid-run. */
  revokeAll(): void {
    this.validFrom = this.issued;
  }

  private sign(unsigned: string): string {
    return createHmac('sha256', this.key).update(unsigned).digest('base64url');
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
