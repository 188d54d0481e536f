/** Bytes for people: 1.2 MB (SI units, like curl and most file managers). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1000;
    unit += 1;
  } while (value >= 1000 && unit < units.length - 1);
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

/** A plain text table: a header, a rule, and rows; numbers aligned right. */
export function formatTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((row) => row.map(cellText));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((row) => isNumeric(row[i])));
  const widths = columns.map((name, i) => Math.max(name.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    values.map((value, i) => (numeric[i] ? value.padStart(widths[i]!) : value.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/\r?\n/g, '\\n');
}

function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'bigint' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
}

/**
 * Rows as a JSON array of objects, one key per column. A result may name two
 * columns alike (`SELECT *` over a join, `1 AS a, 2 AS a`): the later ones
 * get `_2`, `_3`, ... as the lake names repeated report columns, so no value
 * is dropped by an object holding one key once.
 */
export function formatJson(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const keys = distinctNames(columns);
  return JSON.stringify(
    rows.map((row) => Object.fromEntries(keys.map((key, i) => [key, row[i] ?? null]))),
    null,
    2,
  );
}

/** RFC 4180: a header, then a line per row; a cell quoted only when it must be. */
export function formatCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [columns, ...rows].map((row) => row.map(csvCell).join(',')).join('\n');
}

function distinctNames(columns: readonly string[]): string[] {
  const taken = new Set<string>();
  return columns.map((column) => {
    let name = column;
    for (let n = 2; taken.has(name); n += 1) name = `${column}_${n}`;
    taken.add(name);
    return name;
  });
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
