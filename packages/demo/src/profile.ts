/**
 * The volume profile shared by the demo CSV generator and the target plan (seedReferenceData),
 * so that demo actuals and targets are of the same size and achievement ratios look plausible.
 * Deterministic: no randomness here; noise is added by the callers with their own seeded PRNG.
 */

/** Received tonnage of an average weekday in 2020 (a mid-sized intermediate treatment plant). */
export const BASE_RECEIVE_TON_PER_DAY = 240;
/** Yearly growth of the business. */
export const YEARLY_GROWTH = 0.025;
/** Saturday volume relative to a weekday (half-day operation). */
export const SATURDAY_FACTOR = 0.55;

/** Seasonality by month (Jan…Dec): fiscal year-end rush in March, year-end peak, Obon dip in August. */
export const MONTH_FACTOR = [0.86, 0.95, 1.18, 0.95, 0.92, 1.0, 1.03, 0.88, 0.98, 1.05, 1.06, 1.12] as const;

/** Weekday shape Mon…Sat (Monday brings the weekend's backlog). */
export const WEEKDAY_FACTOR = [1.08, 1.0, 0.98, 1.0, 1.04, SATURDAY_FACTOR] as const;

/** Days the plant is closed although they are calendar business days (year-end/new-year break). */
export function isPlannedClosure(date: string): boolean {
  const md = date.slice(5);
  return md === '12-31' || md === '01-02' || md === '01-03';
}

/** A multiplier for special periods: Obon week, last working days of the year, early 2020 slump. */
export function periodFactor(date: string): number {
  if (isPlannedClosure(date)) return 0;
  const md = date.slice(5);
  if (md >= '08-13' && md <= '08-16') return 0.45;
  if (md === '12-29' || md === '12-30') return 0.6;
  if (md === '01-04' || md === '01-05') return 0.75;
  if (date >= '2020-04-07' && date <= '2020-05-25') return 0.82; // state of emergency
  return 1;
}

/** Growth and seasonality for a month: planned tons of a full weekday. */
export function plannedWeekdayTons(year: number, month: number): number {
  return BASE_RECEIVE_TON_PER_DAY * Math.pow(1 + YEARLY_GROWTH, year - 2020) * (MONTH_FACTOR[month - 1] as number);
}

/**
 * Expected received tons of one date (before noise).
 * `isoDow` 1 = Monday … 7 = Sunday; `businessDay` from the calendar (Mon–Sat, not a holiday).
 */
export function expectedReceiveTons(date: string, isoDow: number, businessDay: boolean): number {
  if (!businessDay) return 0;
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return plannedWeekdayTons(y, m) * (WEEKDAY_FACTOR[isoDow - 1] ?? 0) * periodFactor(date);
}
