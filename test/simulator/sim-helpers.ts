import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Simulator } from '../../simulator/index.js';

/** The fixed instant the tests run at: reports end on 2026-06-16 (yesterday). */
export const TEST_NOW = new Date('2026-06-17T10:00:00Z');
export const fixedClock = (): Date => TEST_NOW;

/** Exchanges the org's OAT for a JWT, failing the test if the Hub refuses. */
export async function jwtFor(sim: Simulator, org: string): Promise<string> {
  const res = await exchange(sim, { identifier: org, secret: sim.oatFor(org) });
  if (res.status !== 200) throw new Error(`token exchange for ${org} answered ${res.status}`);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

export function exchange(sim: Simulator, body: unknown): Promise<Response> {
  return fetch(`${sim.hubUrl}/v2/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A GET of an API path (below the base URL) with a bearer token; redirects are not followed. */
export function apiGet(sim: Simulator, path: string, jwt?: string): Promise<Response> {
  return fetch(`${sim.apiUrl}${path}`, {
    redirect: 'manual',
    headers: jwt === undefined ? {} : { authorization: `Bearer ${jwt}` },
  });
}

/** Status and parsed JSON body of an API answer. */
export async function apiJson(sim: Simulator, path: string, jwt?: string): Promise<{ status: number; body: unknown }> {
  const res = await apiGet(sim, path, jwt);
  return { status: res.status, body: await res.json() };
}

/** The pre-signed URL the download endpoint redirects to. */
export async function downloadUrl(sim: Simulator, jwt: string, org: string, type: string, cadence: string, date: string): Promise<string> {
  const res = await apiGet(sim, `/orgs/${org}/reports/${type}/${cadence}/${date}/download`, jwt);
  await res.body?.cancel();
  if (res.status !== 302) throw new Error(`download answered ${res.status}`);
  return res.headers.get('location')!;
}

/** Byte count and SHA-256 of a fetched body, read to the end. */
export async function digestOf(body: ReadableStream<Uint8Array> | Readable | null): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Reads a body to the end and tells how many bytes came and how it ended. */
export async function drain(body: ReadableStream<Uint8Array> | null): Promise<{ bytes: number; error: Error | undefined }> {
  let bytes = 0;
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) bytes += chunk.length;
    return { bytes, error: undefined };
  } catch (error) {
    return { bytes, error: error as Error };
  }
}
