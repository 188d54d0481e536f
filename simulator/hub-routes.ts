import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DvpUser } from './dvp/dvp-options.js';
import type { FaultBoard } from './faults.js';
import { readBody, sendJson } from './http-answers.js';
import type { JwtIssuer } from './jwt.js';
import type { RequestStats } from './stats.js';

/** Docker Hub's OAT exchange. */
export const TOKEN_PATH = '/v2/auth/token';
const MAX_BODY_BYTES = 64 * 1024;

export interface HubDeps {
  readonly oats: ReadonlyMap<string, string>;
  /** DVP Hub users by username: their PATs are exchanged here too. */
  readonly users: ReadonlyMap<string, DvpUser>;
  readonly jwt: JwtIssuer;
  readonly faults: FaultBoard;
  readonly stats: RequestStats;
}

/**
 * `POST /v2/auth/token` with `{"identifier": org, "secret": oat}`: a JWT for a
 * known org and its OAT; or `{"identifier": username, "secret": pat}`: a JWT
 * for a DVP user, reading its namespaces (Hub's replacement for the retiring
 * `/v2/users/login`); 401 for anything else, 400 for a body that is not a
 * JSON object. Hub's errors carry `detail`, not the Enterprise API's `error`.
 */
export function hubHandler(deps: HubDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const { oats, users, jwt, faults, stats } = deps;
    stats.count('token');
    if (req.method !== 'POST') return sendJson(res, 405, { detail: 'Method not allowed' }, { allow: 'POST' });
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === undefined) return sendJson(res, 413, { detail: 'Request body too large' });
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendJson(res, 400, { detail: 'Invalid request body: expected JSON' });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendJson(res, 400, { detail: 'Invalid request body: expected a JSON object' });
    }
    const { identifier, secret } = body as { identifier?: unknown; secret?: unknown };
    const org = typeof identifier === 'string' ? identifier : undefined;

    const user = org === undefined ? undefined : users.get(org);
    const target = { org, namespaces: user?.namespaces, operation: 'token' as const };
    const rateFault = faults.take('rateLimit', target);
    if (rateFault) return sendJson(res, 429, { detail: 'Too many requests' }, { 'retry-after': String(rateFault.retryAfterSeconds) });
    const serverFault = faults.take('serverError', target);
    if (serverFault) return sendJson(res, serverFault.status, { detail: 'Internal server error' });

    const expected = org === undefined ? undefined : oats.get(org);
    if (expected !== undefined && typeof secret === 'string' && sameSecret(secret, expected)) {
      return sendJson(res, 200, { access_token: jwt.issue(org!) });
    }
    if (user !== undefined && typeof secret === 'string' && sameSecret(secret, user.pat)) {
      // `twoFactor` stands for a password of a 2FA account, which no single request can pass.
      if (user.twoFactor) return sendJson(res, 401, { detail: 'Two-factor authentication is enabled: use a personal access token' });
      return sendJson(res, 200, { access_token: jwt.issueUser(user.username, user.namespaces) });
    }
    sendJson(res, 401, { detail: 'Incorrect authentication credentials' });
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
