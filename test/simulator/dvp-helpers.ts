import type { Simulator } from '../../simulator/index.js';

/** The exports path of a namespace, below the DVP base URL. */
export function exportsPath(namespace: string, rest = ''): string {
  return `/namespaces/${namespace}/pulls/exports/years${rest}`;
}

export function login(sim: Simulator, body: unknown): Promise<Response> {
  return fetch(`${sim.hubUrl}/v2/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Logs in with the namespace's username and PAT, failing the test if Hub refuses. */
export async function dvpJwt(sim: Simulator, namespace: string): Promise<string> {
  const { username, pat } = sim.dvpCredentials(namespace);
  const res = await login(sim, { username, password: pat });
  if (res.status !== 200) throw new Error(`login for ${namespace} answered ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** A GET of a DVP path (below `sim.dvpUrl`) with a bearer token. */
export function dvpGet(sim: Simulator, path: string, jwt?: string): Promise<Response> {
  return fetch(`${sim.dvpUrl}${path}`, { headers: jwt === undefined ? {} : { authorization: `Bearer ${jwt}` } });
}

export async function dvpJson(sim: Simulator, path: string, jwt?: string): Promise<{ status: number; body: unknown }> {
  const res = await dvpGet(sim, path, jwt);
  return { status: res.status, body: await res.json() };
}

/** The files an export lists: `{url, size}` each. */
export async function exportFiles(sim: Simulator, jwt: string, namespace: string, rest: string): Promise<{ url: string; size: number }[]> {
  const { status, body } = await dvpJson(sim, exportsPath(namespace, rest), jwt);
  if (status !== 200) throw new Error(`files of ${rest} answered ${status}`);
  return (body as { data: { url: string; size: number }[] }).data;
}

/** A URL's body, whole. */
export async function download(url: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
