import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** A header longer than this is not a header: the file is read as having none. */
const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * The cells of a CSV file's first record (RFC 4180: quoted cells may hold
 * commas, doubled quotes and line breaks), read from the start of the file
 * only; a byte order mark is dropped. `gzip` files are decompressed on the
 * way. An empty file has no cells.
 */
export async function readCsvHeader(path: string, options: { gzip?: boolean } = {}): Promise<string[]> {
  const file = createReadStream(path, { highWaterMark: 64 * 1024 });
  const source: Readable = options.gzip ? file.pipe(createGunzip()) : file;
  let text = '';
  try {
    for await (const chunk of source) {
      text += (chunk as Buffer).toString('utf8');
      const record = firstRecord(text, false);
      if (record) return record;
      if (text.length > MAX_HEADER_BYTES) break;
    }
    return firstRecord(text, true) ?? [];
  } finally {
    file.destroy();
    source.destroy();
  }
}

/** The first record of `text`, or undefined when it may go on past the end of `text` (unless `final`). */
export function firstRecord(text: string, final: boolean): string[] | undefined {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < input.length; i += 1) {
    const c = input[i]!;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (input[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (i + 1 === input.length && !final) return undefined; // a doubled quote may follow
      else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      cells.push(cell);
      return cells;
    } else cell += c;
  }
  if (!final) return undefined;
  if (cells.length === 0 && cell === '') return [];
  cells.push(cell);
  return cells;
}
