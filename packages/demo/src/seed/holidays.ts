/**
 * Japanese public holidays computed by rule (国民の祝日に関する法律), no network.
 *
 * Covers 1980–2099 (the range of the equinox formula): fixed-date holidays with their changes
 * over the years, Happy Monday holidays (from 2000/2003), the vernal and autumnal equinox by the
 * standard approximation, substitute holidays (振替休日: before 2007 the Monday after a Sunday
 * holiday, since 2007 the next day that is not a national holiday), citizens' holidays (国民の休日:
 * a day between two national holidays, since 1986), and the special days: 1989/1990/1993 imperial
 * ceremonies, 2019 (imperial transition days, no Emperor's Birthday), 2020/2021 (Olympic moves of
 * Marine, Sports and Mountain Day).
 * Dates are ISO strings `YYYY-MM-DD` (calendar dates, no time zone involved).
 */
import { DbError } from '@warehouse/db';

export const HOLIDAY_MIN_YEAR = 1980;
export const HOLIDAY_MAX_YEAR = 2099;

export interface Holiday {
  date: string;
  name: string;
  kind: 'national' | 'substitute' | 'citizens';
}

const pad = (n: number) => String(n).padStart(2, '0');
export const isoDate = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

/** Day of week of a calendar date, 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(y: number, m: number, d: number): number {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Day of month of the n-th Monday of a month. */
function nthMonday(y: number, m: number, n: number): number {
  const first = dayOfWeek(y, m, 1);
  const firstMonday = 1 + ((8 - first) % 7);
  return firstMonday + (n - 1) * 7;
}

/** 春分日 / 秋分日 by the standard formula (国立天文台 approximation, 1980–2099). */
export function vernalEquinoxDay(y: number): number {
  return Math.floor(20.8431 + 0.242194 * (y - 1980) - Math.floor((y - 1980) / 4));
}
export function autumnalEquinoxDay(y: number): number {
  return Math.floor(23.2488 + 0.242194 * (y - 1980) - Math.floor((y - 1980) / 4));
}

/** The national holidays (国民の祝日) of one year, without substitute/citizens' holidays. */
function nationalHolidays(y: number): Array<[number, number, string]> {
  const h: Array<[number, number, string]> = [];
  h.push([1, 1, '元日']);
  h.push([1, y >= 2000 ? nthMonday(y, 1, 2) : 15, '成人の日']);
  h.push([2, 11, '建国記念の日']);
  if (y >= 2020) h.push([2, 23, '天皇誕生日']);
  h.push([3, vernalEquinoxDay(y), '春分の日']);
  if (y === 1989) h.push([2, 24, '昭和天皇の大喪の礼']);
  h.push([4, 29, y >= 2007 ? '昭和の日' : y >= 1989 ? 'みどりの日' : '天皇誕生日']);
  if (y === 1993) h.push([6, 9, '皇太子徳仁親王の結婚の儀']);
  if (y === 2019) h.push([5, 1, '天皇の即位の日']);
  h.push([5, 3, '憲法記念日']);
  if (y >= 2007) h.push([5, 4, 'みどりの日']);
  h.push([5, 5, 'こどもの日']);
  // 海の日: 7/20 until 2002, third Monday of July since 2003, moved for the Olympics in 2020/2021.
  if (y === 2020) h.push([7, 23, '海の日']);
  else if (y === 2021) h.push([7, 22, '海の日']);
  else if (y >= 1996) h.push([7, y >= 2003 ? nthMonday(y, 7, 3) : 20, '海の日']);
  // 山の日 since 2016, moved in 2020/2021.
  if (y === 2020) h.push([8, 10, '山の日']);
  else if (y === 2021) h.push([8, 8, '山の日']);
  else if (y >= 2016) h.push([8, 11, '山の日']);
  h.push([9, y >= 2003 ? nthMonday(y, 9, 3) : 15, '敬老の日']);
  h.push([9, autumnalEquinoxDay(y), '秋分の日']);
  // 体育の日 (second Monday of October) became スポーツの日 in 2020; 2020/2021 moved to July.
  if (y === 2020) h.push([7, 24, 'スポーツの日']);
  else if (y === 2021) h.push([7, 23, 'スポーツの日']);
  else h.push([10, y >= 2000 ? nthMonday(y, 10, 2) : 10, y >= 2020 ? 'スポーツの日' : '体育の日']);
  if (y === 1990) h.push([11, 12, '即位礼正殿の儀']);
  if (y === 2019) h.push([10, 22, '即位礼正殿の儀']);
  h.push([11, 3, '文化の日']);
  h.push([11, 23, '勤労感謝の日']);
  if (y >= 1989 && y <= 2018) h.push([12, 23, '天皇誕生日']);
  return h;
}

const cache = new Map<number, Holiday[]>();

/** All holidays of a year, sorted by date. Throws E_BAD_ARGUMENT outside 2000–2099. */
export function holidaysOfYear(y: number): Holiday[] {
  if (!Number.isInteger(y) || y < HOLIDAY_MIN_YEAR || y > HOLIDAY_MAX_YEAR) {
    throw new DbError(
      'E_BAD_ARGUMENT',
      `holiday year ${y} is outside the supported range ${HOLIDAY_MIN_YEAR}–${HOLIDAY_MAX_YEAR}; pass dates within it`,
    );
  }
  const hit = cache.get(y);
  if (hit) return hit;
  const national = new Map<string, string>();
  for (const [m, d, name] of nationalHolidays(y)) national.set(isoDate(y, m, d), name);
  const out = new Map<string, Holiday>();
  for (const [date, name] of national) out.set(date, { date, name, kind: 'national' });

  // 国民の休日: a day that is not a national holiday, with national holidays on both sides.
  // (Sundays are included by the post-2007 law; in practice none occur in range.)
  const addDays = (iso: string, n: number) => {
    const t = new Date(`${iso}T00:00:00Z`);
    t.setUTCDate(t.getUTCDate() + n);
    return t.toISOString().slice(0, 10);
  };
  // 振替休日: a national holiday on Sunday gives the next day that is not a national holiday
  // (before 2007: the Monday, if it is not a national holiday itself).
  const dow = (iso: string) => dayOfWeek(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
  for (const date of national.keys()) {
    if (dow(date) !== 0) continue;
    let sub = addDays(date, 1);
    if (y >= 2007) while (national.has(sub)) sub = addDays(sub, 1);
    if (!national.has(sub)) out.set(sub, { date: sub, name: '振替休日', kind: 'substitute' });
  }
  // 国民の休日 (since 1986; before 2007 not on Sundays nor on substitute holidays).
  for (const date of national.keys()) {
    if (y < 1986) break;
    const next = addDays(date, 1);
    if (national.has(next) || !national.has(addDays(date, 2)) || out.has(next)) continue;
    if (y < 2007 && dow(next) === 0) continue;
    out.set(next, { date: next, name: '国民の休日', kind: 'citizens' });
  }
  // A substitute for 12/31 would fall into next year; never happens for Japanese holidays.
  const list = [...out.values()].filter((h) => h.date.startsWith(`${y}-`)).sort((a, b) => (a.date < b.date ? -1 : 1));
  cache.set(y, list);
  return list;
}

/** Holidays between two ISO dates inclusive. */
export function holidaysBetween(from: string, to: string): Holiday[] {
  const y0 = Number(from.slice(0, 4));
  const y1 = Number(to.slice(0, 4));
  const out: Holiday[] = [];
  for (let y = y0; y <= y1; y++) for (const h of holidaysOfYear(y)) if (h.date >= from && h.date <= to) out.push(h);
  return out;
}

/** The holiday name of a date, or undefined. */
export function holidayName(date: string): string | undefined {
  return holidaysOfYear(Number(date.slice(0, 4))).find((h) => h.date === date)?.name;
}
