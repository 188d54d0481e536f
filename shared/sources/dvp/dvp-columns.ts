import { headerNames } from '../header-names.js';
import type { SourceColumns, SourceField } from '../source.js';

/**
 * The DVP API has no schema endpoint and Docker never published the exact
 * header spelling (columns were added over the years, never backfilled), so
 * a period's columns are its first file's header: named in lower snake case,
 * typed where the name says what the values are (times, days, counts) and
 * text otherwise. A guess that does not fit a value only makes that cell NULL
 * in the query copy (and counted); the audit copy keeps every byte.
 */
export function dvpColumns(header: readonly string[]): SourceColumns {
  const names = headerNames(header);
  const fields: SourceField[] = names.map((name, index) => ({
    name,
    type: typeOfColumn(name),
    description: `"${header[index]!.trim().slice(0, 120)}" in Docker's export`,
  }));
  return { fields };
}

/**
 * Timestamps (`timestamp`, `..._at`), days (`action_day`, `date`), counts
 * (`..._count`, `pulls`, `pull_by_tag`, `version_check`, `unique_ips`): the
 * names Docker's manual describes. Kept narrow on purpose: a text column
 * taken for a count would lose its values in the query copy.
 */
export function typeOfColumn(name: string): 'timestamp' | 'date' | 'integer' | 'string' {
  if (/(^|_)(timestamp|datetime|time)$|_at$/.test(name)) return 'timestamp';
  if (/(^|_)(day|date)$/.test(name)) return 'date';
  if (/(^|_)counts?$/.test(name) || /^(pulls?|version_checks?|unique_ips?)(_by_[a-z0-9_]+)?$/.test(name)) return 'integer';
  return 'string';
}
