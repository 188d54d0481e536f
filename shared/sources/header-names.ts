/**
 * The column names a source that describes its columns only by a CSV header
 * gives them: each cell in lower snake case (`Action Day`, `actionDay` ->
 * `action_day`), a name met again numbered (`pulls`, `pulls_2`, ...), so no
 * cell hides another. The query encoder names header cells the same way to
 * find each one's planned column.
 */
export function headerNames(header: readonly string[]): string[] {
  const seen = new Set<string>();
  return header.map((cell, index) => {
    const base = snakeCase(cell) || `column_${index + 1}`;
    let name = base;
    for (let n = 2; seen.has(name); n += 1) name = `${base}_${n}`;
    seen.add(name);
    return name;
  });
}

/** `Action Day`, `actionDay`, `HTTPMethod`, `Unique IPs`, `user-agent` -> `action_day`, `action_day`, `http_method`, `unique_ips`, `user_agent`. */
export function snakeCase(cell: string): string {
  return cell
    .trim()
    // An acronym's plural (`IPs`, `URLs`) is one word, not `I_Ps`.
    .replace(/([A-Z]{2,})s(?=[^a-z]|$)/g, '$1S')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
