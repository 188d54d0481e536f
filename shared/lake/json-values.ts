import { isReportDate } from '../names.js';
import type { LakeType } from './lake-types.js';

const INTEGER = /^[+-]?\d+$/;
/** An integer already written as JSON writes it, well inside 64 bits: the common case, kept as is. */
const CANONICAL_INTEGER = /^(0|-?[1-9]\d{0,17})$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * How the query copy writes one CSV value of a typed column as JSON: integers
 * and floats as numbers, booleans as booleans, dates as `YYYY-MM-DD` and
 * timestamps as `YYYY-MM-DD HH:MM:SS.mmm` (UTC), the forms Athena's JSON SerDe
 * and DuckDB both read. Undefined when the value does not fit its type (the
 * caller writes null and counts it). `text` is trimmed and not empty.
 */
export function typedJsonValue(type: Exclude<LakeType, 'string'>, text: string): string | undefined {
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
