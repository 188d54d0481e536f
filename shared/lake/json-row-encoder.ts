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
      line += this.keys[i]! + this.value(this.types[i]!, row[i]);
    }
    return `${line || '{'}}\n`;
  }

  private value(type: LakeType, raw: string | undefined): string {
    // CSV cannot tell an empty field from a missing one: both are null, whatever the type.
    if (raw === undefined || raw === '') return 'null';
    if (type === 'string') return JSON.stringify(raw);
    const text = raw.trim();
    if (text === '') return 'null';
    const encoded = encodeTyped(type, text);
    if (encoded === undefined) {
      this.invalidValues += 1;
      return 'null';
    }
    return encoded;
  }
}

const INTEGER = /^[+-]?\d+$/;
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
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const instant = new Date(`${day}T${hh}:${mm}:${ss}${fraction.slice(0, 4)}${offset}`);
  if (Number.isNaN(instant.getTime())) return undefined;
  return `"${instant.toISOString().replace('T', ' ').replace('Z', '')}"`;
}
