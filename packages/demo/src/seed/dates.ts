/** Calendar-date helpers on ISO strings (`YYYY-MM-DD`), UTC-based so no time zone shifts a date. */
import { isCalendarDate } from '@warehouse/db/dates';
import { holidayName } from './holidays.ts';

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An existing calendar date `YYYY-MM-DD`: the one rule, `isCalendarDate` of `@warehouse/db/dates`. */
export const isIsoDate = isCalendarDate;

export function addDays(date: string, n: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

/** First day of the month `deltaMonths` away from the month of `date`. */
export function monthStart(date: string, deltaMonths = 0): string {
  return new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1 + deltaMonths, 1))
    .toISOString()
    .slice(0, 10);
}

export function monthEnd(date: string): string {
  return addDays(monthStart(date, 1), -1);
}

export interface DayInfo {
  date: string;
  /** 1 = Monday … 7 = Sunday */
  isoDow: number;
  holiday: string | undefined;
  /** Mon–Sat and not a holiday (the definition of ref.calendar.is_business_day). */
  businessDay: boolean;
  dayType: 'biz' | 'sat' | 'sun_hol';
}

export function dayInfo(date: string): DayInfo {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  const isoDow = dow === 0 ? 7 : dow;
  const holiday = holidayName(date);
  const businessDay = isoDow <= 6 && holiday === undefined;
  return { date, isoDow, holiday, businessDay, dayType: !businessDay ? 'sun_hol' : isoDow === 6 ? 'sat' : 'biz' };
}
