import { isReportDate } from '../names.js';
import type { LakeType } from './lake-types.js';
import type { FieldColumn } from './table-columns.js';

/**
 * Turns CSV rows into the query copy's JSON Lines: one object per row, keyed by
 * column name, integers and floats as numbers, booleans as booleans, dates as
 * `YYYY-MM-DD` and timestamps as `YYYY-MM-DD HH:MM:SS.mmm` (UTC), the forms
 * Athena's JSON SerDe and DuckDB both read. An empty field is null; a value
 * that does not fit its type is null too, and counted.
 */
export class JsonRowEncoder {
  invalidValues = 0;
  private readonly keys: string[];
  private readonly types: LakeType[];
  private readonly lastRaw: (string | undefined)[] = [];
  /** Per column: the last raw value and its encoding (undefined when it did not fit the type). */
  private readonly lastEncoded: (string | undefined)[] = [];

  /** `header` is the CSV's header row; `fields` says where each named field lands. */
  constructor(header: readonly string[], fields: readonly FieldColumn[]) {
    const byField = new Map(fields.map((f) => [f.field, f]));
    this.keys = [];
    this.types = [];
    header.forEach((name, index) => {
      const target = byField.get(name) ?? byField.get(name.trim());
      // A header the schema does not name still lands, as a string under its own name.
      this.keys.push(`${index === 0 ? '{' : ','}${JSON.stringify(target?.column ?? name.trim().toLowerCase())}:`);
      this.types.push(target?.type ?? 'string');
    });
  }

  /** One JSON line, newline included. */
  encode(row: readonly string[]): string {
    let line = '';
    for (let i = 0; i < this.keys.length; i += 1) {
      line += this.keys[i]! + this.value(this.types[i]!, row[i], i);
    }
    return `${line || '{'}}\n`;
  }

  private value(type: LakeType, raw: string | undefined, column: number): string {
    // CSV cannot tell an empty field from a missing one: both are null, whatever the type.
    if (raw === undefined || raw === '') return 'null';
    if (type === 'string') return NEEDS_ESCAPING.test(raw) ? JSON.stringify(raw) : `"${raw}"`;
    // Typed columns repeat themselves (a report's day, small counts): reuse the last answer.
    let encoded: string | undefined;
    if (raw === this.lastRaw[column]) {
      encoded = this.lastEncoded[column];
    } else {
      const text = raw.trim();
      encoded = text === '' ? 'null' : encodeTyped(type, text);
      this.lastRaw[column] = raw;
      this.lastEncoded[column] = encoded;
    }
    if (encoded === undefined) {
      this.invalidValues += 1;
      return 'null';
    }
    return encoded;
  }
}

/** Characters JSON must escape; most fields have none and skip JSON.stringify. */
const NEEDS_ESCAPING = /["\\\u0000-\u001f\u2028\u2029]/;
const INTEGER = /^[+-]?\d+$/;
/** An integer already written as JSON writes it, well inside 64 bits: the common case, kept as is. */
const CANONICAL_INTEGER = /^(0|-?[1-9]\d{0,17})$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function encodeTyped(type: Exclude<LakeType, 'string'>, text: string): string | undefined {
  switch (type) {
    case 'bigint':
      return INTEGER.test(text) ? bigintOf(text) : undefined;
    case 'double':
      return DECIMAL.test(text) && Number.isFinite(Number(text)) ? String(Number(text)) : undefined;
    case 'boolean':
      return booleanOf(text);
    case 'date': {
      const day = text.slice(0, 10);
      return isReportDate(day) && (text.length === 10 || /^[T ]/.test(text.slice(10))) ? `"${day}"` : undefined;
    }
    case 'timestamp':
      return timestampOf(text);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Athena's and DuckDB's BIGINT is 64-bit: a larger number would fail the whole file. */
function bigintOf(text: string): string | undefined {
  if (CANONICAL_INTEGER.test(text)) return text;
  const value = BigInt(text);
  return value >= INT64_MIN && value <= INT64_MAX ? value.toString() : undefined;
}

function booleanOf(text: string): string | undefined {
  switch (text.toLowerCase()) {
    case 'true':
    case 't':
    case 'yes':
    case '1':
      return 'true';
    case 'false':
    case 'f':
    case 'no':
    case '0':
      return 'false';
    default:
      return undefined;
  }
}

function timestampOf(text: string): string | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match || !isReportDate(match[1]!)) return undefined;
  const [, day, hh = '00', mm = '00', ss = '00', fraction = '', zone = 'Z'] = match;
  if (zone.toUpperCase() === 'Z') {
    // UTC already: check the clock fields and reformat, no Date needed (the common case, and hot).
    if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return undefined;
    return `"${day} ${hh}:${mm}:${ss}.${fraction.slice(1, 4).padEnd(3, '0')}"`;
  }
  const offset = zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const instant = new Date(`${day}T${hh}:${mm}:${ss}${fraction.slice(0, 4)}${offset}`);
  if (Number.isNaN(instant.getTime())) return undefined;
  return `"${instant.toISOString().replace('T', ' ').replace('Z', '')}"`;
}
