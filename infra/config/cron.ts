/**
 * EventBridge Scheduler's cron form: `cron(minutes hours day-of-month month
 * day-of-week year)`, evaluated in UTC here. Scheduler rejects a bad one only at
 * deploy time, minutes into a deployment; checking the shape at synth says
 * what is wrong at once.
 */
const CRON = /^cron\((.*)\)$/;
const FIELD = /^[0-9A-Za-z*?,/#-]+$/;
const FIELD_NAMES = ['minutes', 'hours', 'day-of-month', 'month', 'day-of-week', 'year'] as const;

/** Why `expression` is not a usable cron expression, or undefined when it is. */
export function cronProblem(expression: string): string | undefined {
  const match = CRON.exec(expression.trim());
  if (!match) return 'must look like cron(30 6 * * ? *) (six fields inside cron(...))';
  const fields = match[1]!.trim().split(/\s+/);
  if (fields.length !== FIELD_NAMES.length) {
    return `has ${fields.length} field(s) inside cron(...); expected 6: ${FIELD_NAMES.join(' ')}`;
  }
  const bad = fields.findIndex((field) => !FIELD.test(field));
  if (bad >= 0) return `field ${FIELD_NAMES[bad]} (${JSON.stringify(fields[bad])}) holds characters cron does not allow`;
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return 'exactly one of day-of-month and day-of-week must be "?" (e.g. cron(30 6 * * ? *))';
  }
  return undefined;
}
