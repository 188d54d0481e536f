/**
 * One CSV record as Go's encoding/csv writes it (Docker's services are Go):
 * a field is quoted when it holds a comma, a double quote, a line break or
 * starts with a space; quotes inside are doubled; records end with "\n".
 */
export function csvRow(values: readonly string[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

export function csvField(value: string): string {
  if (value === '' || !/[",\r\n]|^[ \t]/.test(value)) return value;
  return `"${value.replace(/"/g, '""')}"`;
}
