const DAY_MS = 86_400_000;

/**
 * The dates that have a report, newest first. Docker lists a date's report the
 * day after (it is generated around 16:00 UTC) and keeps reports 30 days, so
 * the window is the `days` days ending yesterday, relative to `now`. Weekly
 * reports are dated Mondays and monthly ones the 1st, within the same window.
 */
export function reportDates(cadence: string, now: Date, days: number): string[] {
  const yesterday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - DAY_MS;
  const dates: string[] = [];
  for (let i = 0; i < days; i += 1) {
    const day = new Date(yesterday - i * DAY_MS);
    if (isScheduled(cadence, day)) dates.push(day.toISOString().slice(0, 10));
  }
  return dates;
}

function isScheduled(cadence: string, day: Date): boolean {
  if (cadence === 'weekly') return day.getUTCDay() === 1;
  if (cadence === 'monthly') return day.getUTCDate() === 1;
  return true;
}
