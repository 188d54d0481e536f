import { isUtf8 } from 'node:buffer';
import { typedJsonValue } from '../lake/json-values.js';
import type { LakeType } from '../lake/lake-types.js';
import type { FieldColumn } from '../lake/table-columns.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const NULL = Buffer.from('null');
const ROW_END = Buffer.from('}\n');
const EMPTY_ROW = Buffer.from('{}\n');
/** Bytes that end an unquoted field. */
const FIELD_END = new Uint8Array(256);
FIELD_END[COMMA] = 1;
FIELD_END[LF] = 1;
FIELD_END[CR] = 1;
/** Bytes JSON does not take as they are inside a string. */
const NEEDS_ESCAPE = new Uint8Array(256);
for (let b = 0; b < 0x20; b += 1) NEEDS_ESCAPE[b] = 1;
NEEDS_ESCAPE[QUOTE] = 1;
NEEDS_ESCAPE[BACKSLASH] = 1;
/** How JSON writes the control characters it has short escapes for. */
const SHORT_ESCAPES: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r' };

interface Column {
  /** `{"name":` for the first column, `,"name":` for the others, as bytes. */
  readonly key: Buffer;
  readonly type: LakeType;
  /** Typed columns repeat themselves (a report's day, small counts): the last raw value and its JSON. */
  lastRaw: string | undefined;
  lastJson: Buffer | undefined;
}

/**
 * The query copy's transcoder: a report's CSV bytes in (RFC 4180, header row
 * first, cut anywhere), JSON Lines bytes out, one object per row keyed by
 * column. It works on bytes, never building a JavaScript string per field:
 * text is copied with JSON's escapes applied and UTF-8 left as it is, so the
 * query copy costs little more than reading the report.
 *
 * Values: an empty field is null whatever its type; strings are strings;
 * typed columns follow {@link typedJsonValue}, and a value that does not fit
 * its type is null and counted in {@link invalidValues}. Header names the
 * schema does not know still land, as strings under their own (lower-cased)
 * name. Lenient where a strict reader would throw: a stray quote is text, text
 * after a closing quote is kept, an unclosed quote runs to the end; one odd
 * field must not keep a report out of the lake, and the audit CSV keeps the
 * exact bytes anyway. Empty lines are skipped; rows end with LF, CRLF or CR.
 */
export class CsvJsonLines {
  rows = 0;
  invalidValues = 0;
  private columns: Column[] | undefined;
  private carry: Buffer | undefined;
  private afterCr = false;
  private first = true;
  private out = Buffer.allocUnsafe(0);
  private length = 0;
  /** The current row's fields: where each starts and ends in the input, and how it was quoted. */
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  /** 0: plain; 1: quoted; 2: quoted with doubled quotes inside; 3: odd (text after the closing quote). */
  private kinds = new Uint8Array(64);
  /** How many fields the current row has so far. */
  private count = 0;

  constructor(private readonly fields: readonly FieldColumn[]) {}

  /** Reads one chunk; returns the JSON Lines of the rows it completed. */
  push(chunk: Buffer): Buffer {
    let input = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    if (this.first && input.length > 0) {
      this.first = false;
      if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) input = input.subarray(3);
    }
    if (this.afterCr && input[0] === LF) input = input.subarray(1);
    this.afterCr = false;
    input = wellFormed(input);
    this.begin(input.length);
    const consumed = this.scan(input, false);
    // Copied: a view would keep the whole chunk alive until the row completes.
    if (consumed < input.length) this.carry = Buffer.from(input.subarray(consumed));
    return this.take();
  }

  /** The last row, when the text did not end with a line break. */
  end(): Buffer {
    const rest = this.carry;
    this.carry = undefined;
    this.begin(rest?.length ?? 0);
    if (rest && rest.length > 0) this.scan(Buffer.from(rest.toString('utf8')), true);
    return this.take();
  }

  /** Reads complete rows from `input`, writing each; returns how many bytes they took. */
  private scan(input: Buffer, final: boolean): number {
    const length = input.length;
    let rowStart = 0;
    let i = 0;
    this.count = 0;
    for (;;) {
      // One field, starting at i.
      let kind = 0;
      let start = i;
      let stop: number;
      if (i < length && input[i] === QUOTE) {
        kind = 1;
        start = i + 1;
        let j = start;
        for (;;) {
          j = input.indexOf(QUOTE, j);
          if (j === -1) {
            if (!final) return rowStart;
            j = length;
            stop = length;
            break;
          }
          if (j + 1 < length && input[j + 1] === QUOTE) {
            kind = 2;
            j += 2;
            continue;
          }
          if (j + 1 >= length && !final) return rowStart;
          stop = j;
          j += 1;
          break;
        }
        i = j;
        while (i < length && FIELD_END[input[i]!] === 0) i += 1;
        // Text between the closing quote and the separator: kept, read the slow way.
        if (i > j) {
          kind = 3;
          start = this.count === 0 ? rowStart : this.ends[this.count - 1]! + 1;
          stop = i;
        }
      } else {
        while (i < length && FIELD_END[input[i]!] === 0) i += 1;
        stop = i;
      }
      const at = this.count;
      if (at < this.starts.length) {
        this.starts[at] = start;
        this.ends[at] = stop;
        this.kinds[at] = kind;
        this.count = at + 1;
      } else {
        this.field(start, stop, kind);
      }
      if (i >= length) {
        if (!final) return rowStart;
        this.row(input);
        return length;
      }
      const c = input[i]!;
      i += 1;
      if (c === COMMA) continue;
      if (c === CR) {
        if (i < length) {
          if (input[i] === LF) i += 1;
        } else {
          this.afterCr = true;
        }
      }
      this.row(input);
      this.count = 0;
      rowStart = i;
      if (i === length) return length;
    }
  }

  private field(start: number, stop: number, kind: number): void {
    if (this.count === this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array>(array: T, make: (n: number) => T): T => {
        const bigger = make(array.length * 2);
        bigger.set(array);
        return bigger;
      };
      this.starts = grow(this.starts, (n) => new Int32Array(n));
      this.ends = grow(this.ends, (n) => new Int32Array(n));
      this.kinds = grow(this.kinds, (n) => new Uint8Array(n));
    }
    this.starts[this.count] = start;
    this.ends[this.count] = stop;
    this.kinds[this.count] = kind;
    this.count += 1;
  }

  /** Writes the row whose fields are in starts/ends/kinds (or reads it as the header). */
  private row(input: Buffer): void {
    const { starts, ends, kinds, count } = this;
    // An empty line is one empty unquoted field: skipped. `""` alone on a line is a row.
    if (count === 1 && kinds[0] === 0 && starts[0] === ends[0]) return;
    if (this.columns === undefined) {
      this.columns = this.header(Array.from({ length: count }, (_, f) => this.text(input, f)));
      return;
    }
    this.rows += 1;
    const columns = this.columns;
    if (columns.length === 0) {
      this.write(EMPTY_ROW);
      return;
    }
    let span = 0;
    for (let f = 0; f < count; f += 1) span += ends[f]! - starts[f]!;
    this.reserve(span * 6 + columns.length * 48 + 8);
    for (let c = 0; c < columns.length; c += 1) {
      const column = columns[c]!;
      const key = column.key;
      const out = this.out;
      let at = this.length;
      for (let k = 0; k < key.length; k += 1) out[at++] = key[k]!;
      this.length = at;
      if (c >= count || starts[c] === ends[c]) this.write(NULL);
      else if (column.type === 'string') this.string(input, c);
      else this.typed(column, this.text(input, c));
    }
    this.write(ROW_END);
  }

  private header(names: string[]): Column[] {
    const byField = new Map(this.fields.map((f) => [f.field, f]));
    return names.map((name, index) => {
      const target = byField.get(name) ?? byField.get(name.trim());
      const key = JSON.stringify(target?.column ?? name.trim().toLowerCase());
      return { key: Buffer.from(`${index === 0 ? '{' : ','}${key}:`), type: target?.type ?? 'string', lastRaw: undefined, lastJson: undefined };
    });
  }

  /** A string field: copied between quotes, with JSON's escapes, runs without any copied at once. */
  private string(input: Buffer, field: number): void {
    const kind = this.kinds[field]!;
    if (kind === 3) {
      this.write(Buffer.from(JSON.stringify(this.text(input, field))));
      return;
    }
    const end = this.ends[field]!;
    const out = this.out;
    let at = this.length;
    out[at++] = QUOTE;
    let run = this.starts[field]!;
    for (let i = run; i < end; i += 1) {
      const b = input[i]!;
      if (NEEDS_ESCAPE[b] === 0) continue;
      at = copyBytes(input, run, i, out, at);
      if (b === QUOTE) {
        // Inside a quoted field a quote is always doubled: one of the pair is the character.
        if (kind === 2) i += 1;
        out[at++] = BACKSLASH;
        out[at++] = QUOTE;
      } else if (b === BACKSLASH) {
        out[at++] = BACKSLASH;
        out[at++] = BACKSLASH;
      } else {
        at += out.write(SHORT_ESCAPES[b] ?? `\\u${b.toString(16).padStart(4, '0')}`, at, 'latin1');
      }
      run = i + 1;
    }
    at = copyBytes(input, run, end, out, at);
    out[at++] = QUOTE;
    this.length = at;
  }

  private typed(column: Column, raw: string): void {
    if (raw !== column.lastRaw) {
      const text = raw.trim();
      const json = text === '' ? 'null' : typedJsonValue(column.type as Exclude<LakeType, 'string'>, text);
      column.lastRaw = raw;
      column.lastJson = json === undefined ? undefined : Buffer.from(json, 'latin1');
    }
    if (column.lastJson === undefined) {
      this.invalidValues += 1;
      this.write(NULL);
    } else {
      this.write(column.lastJson);
    }
  }

  /** A field as text, quotes undone. */
  private text(input: Buffer, field: number): string {
    const kind = this.kinds[field]!;
    const raw = input.toString('utf8', this.starts[field], this.ends[field]);
    if (kind === 2) return raw.replace(/""/g, '"');
    if (kind === 3) {
      // "quoted"tail: the quoted part undone, the tail as it is.
      const close = raw.lastIndexOf('"');
      return close > 0 && raw.startsWith('"') ? raw.slice(1, close).replace(/""/g, '"') + raw.slice(close + 1) : raw;
    }
    return raw;
  }

  private begin(inputLength: number): void {
    this.out = Buffer.allocUnsafe(Math.max(4096, inputLength * 2));
    this.length = 0;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.length + bytes));
    this.out.copy(grown, 0, 0, this.length);
    this.out = grown;
  }

  private write(bytes: Buffer): void {
    this.length = copyBytes(bytes, 0, bytes.length, this.out, this.length);
  }

  private take(): Buffer {
    return this.out.subarray(0, this.length);
  }
}

/**
 * Copies bytes [from, to) of `source` into `target` at `at`; returns the end.
 * Fields and keys are short: a plain loop beats Buffer#copy's per-call cost there.
 */
function copyBytes(source: Buffer, from: number, to: number, target: Buffer, at: number): number {
  if (to - from > 64) return at + source.copy(target, at, from, to);
  for (let i = from; i < to; i += 1) target[at++] = source[i]!;
  return at;
}

/**
 * The input with any invalid UTF-8 replaced (U+FFFD), as a string decoder
 * would: copied bytes must make valid JSON. A character cut by the chunk's end
 * is left for the next chunk to complete.
 */
function wellFormed(input: Buffer): Buffer {
  if (isUtf8(input)) return input;
  const whole = input.length - incompleteTail(input);
  if (isUtf8(input.subarray(0, whole))) return input;
  return Buffer.concat([Buffer.from(input.toString('utf8', 0, whole)), input.subarray(whole)]);
}

/** How many bytes at the end start a UTF-8 character the chunk does not complete. */
function incompleteTail(input: Buffer): number {
  for (let back = 1; back <= Math.min(3, input.length); back += 1) {
    const b = input[input.length - back]!;
    if (b < 0x80) return 0;
    if (b >= 0xc0) {
      const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return needed > back ? back : 0;
    }
  }
  return 0;
}
