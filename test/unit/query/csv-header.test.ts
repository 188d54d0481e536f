import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstRecord, readCsvHeader } from '../../../shared/query/csv-header.js';
import { tempDir } from '../../support/temp-dir.js';

describe('Function: firstRecord', () => {
  it.each([
    ['a,b,c\n1,2,3\n', ['a', 'b', 'c']],
    ['a,b\r\n1,2', ['a', 'b']],
    ['a,b\r1,2', ['a', 'b']],
    ['\ufeffday,count\n', ['day', 'count']],
    ['"a, b","say ""hi""",c\n', ['a, b', 'say "hi"', 'c']],
    ['"two\nlines",x\n', ['two\nlines', 'x']],
    [',\n', ['', '']],
  ])('reads the first record of %j', (text, expected) => {
    // Act
    const cells = firstRecord(text, false);

    // Assess
    expect(cells).toEqual(expected);
  });

  it('waits for more text while the record may go on, and takes what there is at the end', () => {
    // Act
    const unfinished = [firstRecord('a,b', false), firstRecord('"a\n', false), firstRecord('a,"b"', false)];
    const final = [firstRecord('a,b', true), firstRecord('', true)];

    // Assess
    expect(unfinished).toEqual([undefined, undefined, undefined]);
    expect(final).toEqual([['a', 'b'], []]);
  });
});

describe('Function: readCsvHeader', () => {
  let dir: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    dir = await tempDir('csv-header');
  });

  afterAll(async () => {
    await dir.remove();
  });

  it('reads the header of a plain file, of a gzip file, and none of an empty one', async () => {
    // Prepare
    const plain = join(dir.path, 'plain.csv');
    const gzip = join(dir.path, 'part.csv.gz');
    const empty = join(dir.path, 'empty.csv');
    await writeFile(plain, `day,"image repository"\n${'2026-06-16,acme/web\n'.repeat(100_000)}`);
    await writeFile(gzip, gzipSync('namespace,pulls\nacme,1\n'));
    await writeFile(empty, '');

    // Act
    const headers = await Promise.all([readCsvHeader(plain), readCsvHeader(gzip, { gzip: true }), readCsvHeader(empty)]);

    // Assess
    expect(headers).toEqual([['day', 'image repository'], ['namespace', 'pulls'], []]);
  });
});
