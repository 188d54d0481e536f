import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';

/** SHA-256 works on 64-byte blocks: HMAC pads its key to one. */
const BLOCK_BYTES = 64;

/** A key shorter than this is refused: it would be guessed long before a pseudonym is. */
export const MIN_PSEUDONYM_KEY_LENGTH = 32;

/**
 * A pseudonymisation key as HMAC-SHA-256 uses it (RFC 2104): the key, hashed
 * first when longer than a block, padded with zeros to 64 bytes and XORed
 * with 0x36 (`inner`) and 0x5c (`outer`), so that
 * HMAC(K, m) = SHA256(outer ‖ SHA256(inner ‖ m)). Computed once in JS; DuckDB
 * only concatenates and hashes.
 */
export interface HmacKeyPads {
  readonly inner: Buffer;
  readonly outer: Buffer;
}

/** What pseudonymising a query copy takes: the table column names, and the key (read when a copy needs it). */
export interface Pseudonymization {
  /** Column names as the tables spell them (see shared/lake/pseudonymized-columns.ts). */
  readonly columns: readonly string[];
  /** The key's pads; read lazily (a Secrets Manager secret is fetched only by a landing that pseudonymises). */
  key(): Promise<HmacKeyPads>;
}

/**
 * The key is the text's UTF-8 bytes, trimmed (a secret pasted with its line
 * break is the same key), exactly what `createHmac('sha256', text.trim())`
 * takes: whoever holds the key can compute a value's pseudonym anywhere.
 */
export function hmacKeyPads(key: string): HmacKeyPads {
  let bytes = Buffer.from(key.trim(), 'utf8');
  if (bytes.length > BLOCK_BYTES) bytes = createHash('sha256').update(bytes).digest();
  const block = Buffer.alloc(BLOCK_BYTES);
  bytes.copy(block);
  return { inner: Buffer.from(block.map((byte) => byte ^ 0x36)), outer: Buffer.from(block.map((byte) => byte ^ 0x5c)) };
}

/** The problem with a key, or undefined when it is usable. Never quotes the key. */
export function pseudonymKeyProblem(key: string | undefined): string | undefined {
  const text = key?.trim() ?? '';
  if (text === '') return 'is not set';
  if (text.length < MIN_PSEUDONYM_KEY_LENGTH) return `is too short (${text.length} characters; at least ${MIN_PSEUDONYM_KEY_LENGTH})`;
  return undefined;
}

/**
 * DuckDB session variables holding the pads while one conversion runs. The
 * key never appears in SQL text (a DuckDB error quotes its statement): the
 * pads are bound as parameters, and the statement names only the variables.
 */
const INNER = 'docker_reports_pseudonym_inner';
const OUTER = 'docker_reports_pseudonym_outer';

/**
 * HMAC-SHA-256 of a text cell's UTF-8 bytes, lower-case hex, in SQL: DuckDB's
 * `sha256` hashes a BLOB's bytes and returns hex; `unhex` turns the inner
 * digest back into its 32 bytes. NULL stays NULL (`||` with NULL is NULL).
 */
export function pseudonymExpression(cell: string): string {
  return `sha256(getvariable('${OUTER}') || unhex(sha256(getvariable('${INNER}') || encode(${cell}))))`;
}

/** Runs `work` with the pads set on the connection, and clears them after, whatever happens. */
export async function withPseudonymKey<T>(db: DuckDBConnection, pads: HmacKeyPads, work: () => Promise<T>): Promise<T> {
  await db.run(`SET VARIABLE ${INNER} = unhex($1)`, [pads.inner.toString('hex')]);
  try {
    await db.run(`SET VARIABLE ${OUTER} = unhex($1)`, [pads.outer.toString('hex')]);
    return await work();
  } finally {
    await db.run(`RESET VARIABLE ${INNER}`).catch(() => undefined);
    await db.run(`RESET VARIABLE ${OUTER}`).catch(() => undefined);
  }
}
