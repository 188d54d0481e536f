import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { FaultBoard } from '../faults.js';
import { readBody, sendJson } from '../http-answers.js';
import type { JwtIssuer } from '../jwt.js';
import type { RequestStats } from '../stats.js';
import { answerJson, answeredByFault, sendDetail } from './dvp-answers.js';
import type { DvpUser } from './dvp-options.js';

const MAX_BODY_BYTES = 64 * 1024;
const loginBody = z.object({ username: z.string(), password: z.string() });

export interface LoginDeps {
  readonly users: ReadonlyMap<string, DvpUser>;
  readonly jwt: JwtIssuer;
  readonly faults: FaultBoard;
  readonly stats: RequestStats;
  readonly now: () => Date;
  /** 404 or 410 once the login is retired, else undefined. */
  readonly retired: () => 404 | 410 | undefined;
}

/**
 * `POST /v2/users/login` with `{"username", "password"}` (the password a
 * PAT): `{"token": JWT}`, 401 `{"detail"}` for wrong credentials, 401 with a
 * `login_2fa_token` for an account with two-factor authentication (what Hub
 * answers a password there; the second step needs a TOTP no job has), and
 * 404 or 410 once retired, the day Docker drops it.
 */
export function loginHandler(deps: LoginDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const { users, jwt, faults, stats, now } = deps;
    stats.count('dvp-login');
    const retired = deps.retired();
    if (retired === 404) return sendDetail(res, 404, 'Not Found');
    if (retired === 410) return sendDetail(res, 410, 'This endpoint has been retired: use POST /v2/auth/token');
    if (req.method !== 'POST') return sendDetail(res, 405, 'Method not allowed', { allow: 'POST' });
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === undefined) return sendDetail(res, 413, 'Request body too large');
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendDetail(res, 400, 'Invalid request body: expected JSON');
    }
    const body = loginBody.safeParse(json);
    if (!body.success) return sendDetail(res, 400, 'Invalid request body: expected {"username", "password"} strings');
    const { username, password } = body.data;
    const user = users.get(username);

    const target = { org: username, namespaces: user?.namespaces ?? [], operation: 'dvp-login' as const };
    if (answeredByFault(res, faults, target, now())) return;
    if (!user || !sameSecret(password, user.pat)) return sendDetail(res, 401, 'Incorrect authentication credentials');
    if (user.twoFactor) {
      // Hub's first step of a two-factor login: the token the second step (`/v2/users/2fa-login` with a TOTP) would need.
      return sendJson(res, 401, {
        detail: 'Require secondary authentication on MFA enabled account',
        login_2fa_token: `sim-2fa-${randomBytes(16).toString('hex')}`,
      });
    }
    const token = jwt.issueUser(user.username, user.namespaces);
    answerJson(res, faults, target, { token }, { token: null, detail: 'ok' });
  };
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
