/**
 * @warehouse/db/dates — the one calendar-date rule: a date exists when its month is 1-12 and its day
 * within that month of the proleptic Gregorian calendar, year 0001..9999 (PostgreSQL has no year
 * 0000). The API's request dates, its configuration, the ingest's slip dates and the seeds and demo
 * data all check dates with it. No imports: light enough for any process.
 */

/** Days in month `mo` (1-12) of year `y`, as PostgreSQL counts them. */
export function daysInMonth(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

/** True for an existing calendar date `YYYY-MM-DD` (years 0001..9999). */
export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}
