import { createHmac, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LakeType } from '../../../shared/lake/lake-types.js';
import type { FieldColumn } from '../../../shared/lake/table-columns.js';
import { DuckDbEngine, QUERY_FORMAT } from '../../../shared/query/index.js';
import { hmacKeyPads, pseudonymExpression, pseudonymKeyProblem, withPseudonymKey, type Pseudonymization } from '../../../shared/query/pseudonymize.js';
import { readParquet } from '../../support/parquet.js';
import { tempDir } from '../../support/temp-dir.js';

const column = (field: string, type: LakeType, name = field): FieldColumn => ({ field, column: name, type });
const RESERVED = ['org', 'report_date'];

/** A fresh, obviously fake key for each run: 64 hex characters, like `openssl rand -hex 32`. */
const KEY = `test-only-${randomBytes(32).toString('hex')}`;
const hmac = (key: string, value: string) => createHmac('sha256', key).update(value, 'utf8').digest('hex');

const VALUES = ['alice', 'Zoë Ångström', '日本語のユーザー', '😀 emoji', ' padded ', 'a,b "quoted"\nline', '10.0.0.1', '2001:db8::1'];

let engine: DuckDbEngine;
let dir: { path: string; remove: () => Promise<void> };
let files = 0;

beforeAll(async () => {
  engine = new DuckDbEngine();
  dir = await tempDir('pseudonymize');
});

afterAll(async () => {
  await engine.close();
  await dir.remove();
});

function pseudonymization(columns: readonly string[], key = KEY, reads: { count: number } = { count: 0 }): Pseudonymization {
  return {
    columns,
    key: async () => {
      reads.count += 1;
      return hmacKeyPads(key);
    },
  };
}

const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;

async function encode(csv: string, columns: readonly FieldColumn[], pseudonymize?: Pseudonymization) {
  files += 1;
  const path = join(dir.path, `in-${files}.csv`);
  await writeFile(path, csv);
  const output = join(dir.path, `out-${files}.parquet`);
  const stats = await QUERY_FORMAT.encode(engine, { files: [{ path, gzip: false }], columns, reserved: RESERVED, output, pseudonymize });
  return { stats, output, ...(await readParquet(output, 'id')) };
}

describe('HMAC-SHA-256 in DuckDB', () => {
  it.each([
    ['a 64-character key', KEY.slice(0, 64)],
    ['a key longer than a block (hashed first)', `${KEY}${KEY}`],
    ['a short key', 'k'],
  ])('equals node:crypto createHmac with %s, for text, unicode and the empty string; NULL stays NULL', async (_name, key) => {
    const inputs = [...VALUES, ''];
    const rows = `(NULL::VARCHAR, -1), ${inputs.map((value, i) => `('${value.replace(/'/g, "''")}', ${i})`).join(', ')}`;
    const hashed = await engine.run((db) =>
      withPseudonymKey(db, hmacKeyPads(key), async () => {
        const reader = await db.runAndReadAll(`SELECT i, ${pseudonymExpression('v')} AS h FROM (VALUES ${rows}) t(v, i) ORDER BY i`);
        return reader.getRowObjectsJson() as { i: number; h: string | null }[];
      }),
    );
    expect(hashed[0]).toEqual({ i: -1, h: null });
    expect(hashed.slice(1).map((row) => row.h)).toEqual(inputs.map((value) => hmac(key, value)));
  });

  it('takes the key as createHmac does: the text trimmed', () => {
    const padded = hmacKeyPads(`  ${KEY}\n`);
    expect(padded).toEqual(hmacKeyPads(KEY));
    expect(padded.inner).toHaveLength(64);
    expect(padded.outer).toHaveLength(64);
  });

  it('leaves no key on the connection once the work is done, or failed', async () => {
    const variables = () =>
      engine.run(async (db) => (await db.runAndReadAll("SELECT getvariable('docker_reports_pseudonym_inner') AS i, getvariable('docker_reports_pseudonym_outer') AS o")).getRowObjectsJson());
    await engine.run((db) => withPseudonymKey(db, hmacKeyPads(KEY), async () => undefined));
    expect(await variables()).toEqual([{ i: null, o: null }]);
    await expect(engine.run((db) => withPseudonymKey(db, hmacKeyPads(KEY), () => db.run('SELECT * FROM no_such_table')))).rejects.toThrow(/no_such_table/);
    expect(await variables()).toEqual([{ i: null, o: null }]);
  });

  it('refuses a missing or short key, without quoting it', () => {
    expect(pseudonymKeyProblem(undefined)).toBe('is not set');
    expect(pseudonymKeyProblem('  ')).toBe('is not set');
    const short = 'fake-short-key';
    expect(pseudonymKeyProblem(short)).toMatch(/too short \(14 characters; at least 32\)/);
    expect(pseudonymKeyProblem(short)).not.toContain(short);
    expect(pseudonymKeyProblem(KEY)).toBeUndefined();
  });
});

describe('A query copy with pseudonymised columns', () => {
  it('holds the HMAC of each named text cell (what the audit CSV says), NULL for an empty cell, and every other column as it was', async () => {
    const csv = `id,hub_username,ip_address,os,event_count\n${VALUES.map((value, i) => `${i},${quote(value)},${quote(`10.0.0.${i}`)},linux,${i}`).join('\n')}\n${VALUES.length},,"",linux,7\n`;
    const columns = [column('id', 'bigint'), column('hub_username', 'string'), column('ip_address', 'string'), column('os', 'string'), column('event_count', 'bigint')];
    const { stats, rows, types } = await encode(csv, columns, pseudonymization(['hub_username', 'ip_address']));

    expect(stats).toEqual({ rows: VALUES.length + 1, invalidValues: 0, pseudonymized: ['hub_username', 'ip_address'] });
    expect(types).toMatchObject({ hub_username: 'VARCHAR', ip_address: 'VARCHAR', event_count: 'BIGINT' });
    VALUES.forEach((value, i) => {
      expect(rows[i]).toEqual({ id: String(i), hub_username: hmac(KEY, value), ip_address: hmac(KEY, `10.0.0.${i}`), os: 'linux', event_count: String(i) });
    });
    // An empty cell, quoted or not, reads as NULL and stays NULL: no pseudonym of nothing to count.
    expect(rows[VALUES.length]).toMatchObject({ hub_username: null, ip_address: null, os: 'linux' });
    for (const row of rows) expect(String(row.hub_username)).toMatch(/^([0-9a-f]{64}|null)$/);
  });

  it('gives the same pseudonym to the same value in every file and report, so counts and joins still work', async () => {
    const columns = [column('id', 'bigint'), column('actor', 'string')];
    const one = await encode('id,actor\n1,alice\n2,bob\n3,alice\n', columns, pseudonymization(['actor']));
    const two = await encode('id,actor\n1,bob\n', columns, pseudonymization(['actor']));
    expect(one.rows[0]!.actor).toBe(one.rows[2]!.actor);
    expect(one.rows[1]!.actor).toBe(two.rows[0]!.actor);
    expect(one.rows[0]!.actor).not.toBe(one.rows[1]!.actor);
    const otherKey = await encode('id,actor\n1,bob\n', columns, pseudonymization(['actor'], `another-${KEY}`));
    expect(otherKey.rows[0]!.actor).not.toBe(two.rows[0]!.actor);
  });

  it("covers a name's retyped and repeated columns, and leaves other types as they are", async () => {
    const csv = 'id,actor,actor,client_ip,client_ip,user_agent,unique_users\n1,alice,bob,10.0.0.1,10.0.0.2,curl,5\n';
    const columns = [column('id', 'bigint'), column('actor', 'string'), column('client_ip', 'string', 'client_ip_v2'), column('user_agent', 'string'), column('unique_users', 'bigint')];
    const { stats, rows } = await encode(csv, columns, pseudonymization(['actor', 'client_ip', 'unique_users', 'user']));
    // The second `actor` cell lands as actor_2; the second `client_ip` as client_ip (its planned column is client_ip_v2).
    expect(stats.pseudonymized).toEqual(['actor', 'actor_2', 'client_ip_v2', 'client_ip']);
    expect(rows[0]).toEqual({
      id: '1',
      actor: hmac(KEY, 'alice'),
      actor_2: hmac(KEY, 'bob'),
      client_ip_v2: hmac(KEY, '10.0.0.1'),
      client_ip: hmac(KEY, '10.0.0.2'),
      user_agent: 'curl',
      unique_users: '5',
    });
  });

  it('pseudonymises rows read the lenient way too (ragged rows, bytes that are not UTF-8)', async () => {
    files += 1;
    const path = join(dir.path, `in-${files}.csv`);
    await writeFile(path, Buffer.concat([Buffer.from('id,actor,note\n1,alice,x\n2,bob\n3,'), Buffer.from([0xff]), Buffer.from('z,y\n')]));
    const output = join(dir.path, `out-${files}.parquet`);
    const columns = [column('id', 'bigint'), column('actor', 'string'), column('note', 'string')];
    const stats = await QUERY_FORMAT.encode(engine, { files: [{ path, gzip: false }], columns, reserved: RESERVED, output, pseudonymize: pseudonymization(['actor']) });
    const { rows } = await readParquet(output, 'id');
    expect(stats).toMatchObject({ rows: 3, pseudonymized: ['actor'] });
    expect(rows.map((row) => row.actor)).toEqual([hmac(KEY, 'alice'), hmac(KEY, 'bob'), hmac(KEY, '\uFFFDz')]);
  });

  it('reads the key only when a column of the copy is pseudonymised', async () => {
    const reads = { count: 0 };
    const { stats } = await encode('id,os\n1,linux\n', [column('id', 'bigint'), column('os', 'string')], pseudonymization(['hub_username'], KEY, reads));
    expect(stats).toEqual({ rows: 1, invalidValues: 0 });
    expect(reads.count).toBe(0);
  });

  it('never puts the key in an error', async () => {
    files += 1;
    const path = join(dir.path, `in-${files}.csv`);
    await writeFile(path, 'id,actor\n1,alice\n');
    const pads = hmacKeyPads(KEY);
    const failure = await QUERY_FORMAT.encode(engine, {
      files: [{ path, gzip: false }],
      columns: [column('id', 'bigint'), column('actor', 'string')],
      reserved: RESERVED,
      output: join(dir.path, 'no-such-folder', 'out.parquet'),
      pseudonymize: pseudonymization(['actor']),
    }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    const text = `${failure!.message}\n${failure!.stack ?? ''}`.toLowerCase();
    for (const secret of [KEY, pads.inner.toString('hex'), pads.outer.toString('hex')]) expect(text).not.toContain(secret.toLowerCase());
  });
});
