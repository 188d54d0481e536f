import { PassThrough, Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { queryCopy } from '../../../shared/landing/query-copy.js';
import type { FieldColumn } from '../../../shared/lake/table-columns.js';

const FIELDS: FieldColumn[] = [
  { field: 'day', column: 'day', type: 'date' },
  { field: 'hub_username', column: 'hub_username', type: 'string' },
  { field: 'user_agent', column: 'user_agent', type: 'string' },
  { field: 'event_count', column: 'event_count', type: 'bigint' },
  { field: 'last_seen', column: 'last_seen', type: 'timestamp' },
];

const CSV = [
  'day,hub_username,user_agent,event_count,last_seen',
  '2026-06-16,"doe, jane","docker/27.0 (say ""hi"")",3,2026-06-16T10:11:12+02:00',
  '2026-06-16,zoë,"multi',
  'line agent",12,2026-06-16 23:59:59Z',
  '2026-06-16,日本,curl/8.0,,',
  '',
].join('\n');

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The query copy's rows, gunzipped and parsed line by line. */
async function rowsOf(stream: Readable): Promise<unknown[]> {
  const text = gunzipSync(await collect(stream)).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as unknown);
}

/** `text` as a stream cut into `size`-byte chunks, splitting quoted fields and UTF-8 characters. */
const chunked = (text: string, size: number) => {
  const bytes = Buffer.from(text, 'utf8');
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  return Readable.from(pieces);
};

describe('Function: queryCopy', () => {
  it('turns CSV with quoted commas, quotes and line breaks into gzip JSON Lines of the right objects', async () => {
    // Act
    const copy = queryCopy(chunked(CSV, 5), FIELDS);
    const rows = await rowsOf(copy.output);

    // Assess
    expect(rows).toStrictEqual([
      {
        day: '2026-06-16',
        hub_username: 'doe, jane',
        user_agent: 'docker/27.0 (say "hi")',
        event_count: 3,
        last_seen: '2026-06-16 08:11:12.000',
      },
      { day: '2026-06-16', hub_username: 'zoë', user_agent: 'multi\nline agent', event_count: 12, last_seen: '2026-06-16 23:59:59.000' },
      { day: '2026-06-16', hub_username: '日本', user_agent: 'curl/8.0', event_count: null, last_seen: null },
    ]);
  });

  it('counts the rows, not the header, and the values that did not fit their type', async () => {
    // Prepare
    const csv = 'day,event_count\n2026-06-16,1\n2026-02-30,x\n2026-06-15,2\n';
    const fields = FIELDS.filter((f) => f.field === 'day' || f.field === 'event_count');

    // Act
    const copy = queryCopy(Readable.from([Buffer.from(csv)]), fields);
    const rows = await rowsOf(copy.output);

    // Assess
    expect(rows).toHaveLength(3);
    expect(copy.stats).toEqual({ rows: 3, invalidValues: 2 });
    expect(rows[1]).toStrictEqual({ day: null, event_count: null });
  });

  it('reads CRLF line ends and a byte-order mark, and skips empty lines', async () => {
    // Prepare
    const csv = '\uFEFFday,event_count\r\n2026-06-16,5\r\n\r\n2026-06-15,6\r\n';
    const fields = FIELDS.filter((f) => f.field === 'day' || f.field === 'event_count');

    // Act
    const copy = queryCopy(Readable.from([Buffer.from(csv, 'utf8')]), fields);
    const rows = await rowsOf(copy.output);

    // Assess
    expect(rows).toStrictEqual([
      { day: '2026-06-16', event_count: 5 },
      { day: '2026-06-15', event_count: 6 },
    ]);
    expect(copy.stats.rows).toBe(2);
  });

  it('follows the CSV header order, whatever the schema order', async () => {
    // Prepare
    const csv = 'event_count,day\n7,2026-06-16\n';

    // Act
    const copy = queryCopy(Readable.from([Buffer.from(csv)]), FIELDS);
    const rows = await rowsOf(copy.output);

    // Assess
    expect(rows).toStrictEqual([{ event_count: 7, day: '2026-06-16' }]);
  });

  it('writes an empty gzip stream for a CSV with only a header', async () => {
    // Act
    const copy = queryCopy(Readable.from([Buffer.from('day,event_count\n')]), FIELDS);
    const body = await collect(copy.output);

    // Assess
    expect(gunzipSync(body).length).toBe(0);
    expect(copy.stats.rows).toBe(0);
  });

  it('fails its output when the CSV source breaks', async () => {
    // Prepare
    const source = new PassThrough();
    const copy = queryCopy(source, FIELDS);
    const reading = collect(copy.output);
    source.write('day,event_count\n2026-06-16,1\n');

    // Act
    source.destroy(new Error('connection reset'));

    // Assess
    await expect(reading).rejects.toThrow('connection reset');
  });

  it('keeps a field whose quote never closes, to the end of the text, rather than lose the report', async () => {
    // Prepare
    const csv = 'day,user_agent\n2026-06-16,"never closed\nstill the same field\n';

    // Act
    const rows = await rowsOf(queryCopy(Readable.from([Buffer.from(csv)]), FIELDS).output);

    // Assess
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_agent: 'never closed\nstill the same field\n' });
  });
});
