import { InvalidArgumentError } from 'commander';
import { columnNameProblem } from '../shared/lake/pseudonymized-columns.js';
import { isReportDate, segmentSchema } from '../shared/names.js';

/** Commander argument parsers: bad input is a usage error (exit 2) before any request. */
export function segment(what: string) {
  return (value: string, previous: string[] = []): string[] => {
    const parsed = segmentSchema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(`${what} "${value}" ${parsed.error.issues[0]?.message ?? 'is invalid'}.`);
    return previous.includes(value) ? previous : [...previous, value];
  };
}

/** `a,b` or repeated options, each a segment. */
export function segmentList(what: string) {
  const one = segment(what);
  return (value: string, previous: string[] = []): string[] =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .reduce<string[]>((list, part) => one(part, list), previous);
}

/** `a,b` or repeated options, each a column name as the tables spell it. */
export function columnNameList(value: string, previous: string[] = []): string[] {
  const names = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('name at least one column, like hub_username,ip_address.');
  for (const name of names) {
    const problem = columnNameProblem(name);
    if (problem) throw new InvalidArgumentError(`${problem}.`);
  }
  return [...new Set([...previous, ...names])];
}

export function reportDate(value: string): string {
  if (!isReportDate(value)) throw new InvalidArgumentError(`"${value}" is not a real date written YYYY-MM-DD.`);
  return value;
}

export function integer(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}".`);
    }
    return Number(value);
  };
}

export function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}".`);
  return parsed;
}

/** `--timespan weeks|months` (as the DVP API says; `weekly`/`monthly` too): the lake's cadence, repeatable. */
export function timespan(value: string, previous: string[] = []): string[] {
  const cadence = ({ weeks: 'weekly', weekly: 'weekly', months: 'monthly', monthly: 'monthly' } as Record<string, string>)[value.trim().toLowerCase()];
  if (!cadence) throw new InvalidArgumentError(`timespan "${value}" is not weeks or months.`);
  return previous.includes(cadence) ? previous : [...previous, cadence];
}
