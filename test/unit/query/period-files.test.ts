import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LakeType } from '../../../shared/lake/lake-types.js';
import type { FieldColumn } from '../../../shared/lake/table-columns.js';
import { DuckDbEngine, QUERY_FORMAT, type EncodeStats } from '../../../shared/query/index.js';
import { readParquet } from '../../support/parquet.js';
import { tempDir } from '../../support/temp-dir.js';

const column = (field: string, type: LakeType, name = field): FieldColumn => ({ field, column: name, type });
const RESERVED = ['namespace', 'period_start'];
const ID_V = [column('id', 'bigint'), column('v', 'string')];

let engine: DuckDbEngine;
let dir: { path: string; remove: () => Promise<void> };
let count = 0;

beforeAll(async () => {
  engine = new DuckDbEngine();
  dir = await tempDir('period-files');
});

afterAll(async () => {
  await engine.close();
  await dir.remove();
});

type Input = string | { text: string; gzip: true };

/** Encodes a period of several files (text, or text to gzip) and reads the copy back by `orderBy`. */
async function encode(inputs: readonly Input[], columns: readonly FieldColumn[], orderBy = 'id'): Promise<{ stats: EncodeStats; rows: Record<string, unknown>[]; types: Record<string, string> }> {
  count += 1;
  const files = await Promise.all(
    inputs.map(async (input, i) => {
      const path = join(dir.path, `in-${count}-${i}.csv`);
      const gzip = typeof input === 'object';
      await writeFile(path, gzip ? gzipSync(input.text) : input);
      return { path, gzip };
    }),
  );
  const output = join(dir.path, `out-${count}.parquet`);
  const stats = await QUERY_FORMAT.encode(engine, { files, columns, reserved: RESERVED, output });
  return { stats, ...(await readParquet(output, orderBy)) };
}

describe('Function: encodeParquet over a period of several files', () => {
  it('skips a later file header that repeats the first file header, and reads a later file without one whole', async () => {
    // Act
    const { rows, stats } = await encode(['id,v\n1,a\n2,b\n', 'id,v\n3,c\n', '4,d\n5,e\n'], ID_V);

    // Assess
    expect(rows).toEqual([
      { id: '1', v: 'a' },
      { id: '2', v: 'b' },
      { id: '3', v: 'c' },
      { id: '4', v: 'd' },
      { id: '5', v: 'e' },
    ]);
    expect(stats).toEqual({ rows: 5, invalidValues: 0 });
  });

  it('does so for gzip files, alternating with and without the header', async () => {
    // Act
    const { rows, stats } = await encode(
      [
        { text: 'id,v\n1,a\n', gzip: true },
        { text: '2,b\n3,c\n', gzip: true },
        { text: 'id,v\n4,d\n', gzip: true },
      ],
      ID_V,
    );

    // Assess
    expect(rows.map((row) => row.id)).toEqual(['1', '2', '3', '4']);
    expect(stats.rows).toBe(4);
  });

  it('reads gzip and plain files of one period each with its own compression', async () => {
    // Act
    const { rows } = await encode([{ text: 'id,v\n1,a\n', gzip: true }, '2,b\n', { text: 'id,v\n3,c\n', gzip: true }], ID_V);

    // Assess
    expect(rows.map((row) => row.v)).toEqual(['a', 'b', 'c']);
  });

  it('knows a repeated header written with CRLF, a byte order mark or quotes as the header', async () => {
    // Act
    const { rows, stats } = await encode(['id,v\r\n1,a\r\n', '\ufeffid,v\n2,b\n', '"id","v"\r\n3,c\r\n'], ID_V);

    // Assess
    expect(rows.map((row) => row.v)).toEqual(['a', 'b', 'c']);
    expect(stats.rows).toBe(3);
  });

  it('keeps a first row that only looks like a header in part, and ignores an empty later file', async () => {
    // Act
    const { rows } = await encode(['id,v\n1,a\n', '', '2,v\n', 'id,x\n'], [column('id', 'string'), column('v', 'string')], 'v');

    // Assess
    expect(rows).toEqual([
      { id: '1', v: 'a' },
      { id: '2', v: 'v' },
      { id: 'id', v: 'x' },
    ]);
  });

  it('keeps every row of a ragged headerless file on the lenient reading', async () => {
    // Act
    const { rows, stats } = await encode(['id,v\n1,a\n', '2\n3,c,extra\n'], ID_V);

    // Assess
    expect(rows).toEqual([
      { id: '1', v: 'a' },
      { id: '2', v: null },
      { id: '3', v: 'c' },
    ]);
    expect(stats.rows).toBe(3);
  });

  it('finds the columns a header-named source planned: lower snake case, a repeated name as _2, typed', async () => {
    // Act
    const { rows, types } = await encode(
      ['Action Day,Pulls,Pulls,userAgentTool\n2026-06-15,3,4,docker\n', '2026-06-16,5,6,containerd\n'],
      [column('action_day', 'date'), column('pulls', 'bigint'), column('pulls_2', 'bigint'), column('user_agent_tool', 'string')],
      'action_day',
    );

    // Assess
    expect(types).toEqual({ action_day: 'DATE', pulls: 'BIGINT', pulls_2: 'BIGINT', user_agent_tool: 'VARCHAR' });
    expect(rows).toEqual([
      { action_day: '2026-06-15', pulls: '3', pulls_2: '4', user_agent_tool: 'docker' },
      { action_day: '2026-06-16', pulls: '5', pulls_2: '6', user_agent_tool: 'containerd' },
    ]);
  });
});
