/**
 * seedReferenceData: ref.calendar, mart.daily_target_plan and kpi.monthly_targets for a date
 * range, idempotently (upserts that only touch rows whose values differ, so a second run writes
 * nothing). The calendar is built set-based from generate_series; holidays come from the rule
 * engine in ./holidays.ts and are passed as one array parameter.
 */
import type pg from 'pg';
import { DbError } from '../errors.ts';
import { withTransaction } from '../pg/with.ts';
import { hashSeed } from '../demo/prng.ts';
import { isPlannedClosure, plannedWeekdayTons, SATURDAY_FACTOR } from '../demo/profile.ts';
import { addDays, dayInfo, isIsoDate, monthEnd, monthStart } from './dates.ts';
import { holidaysBetween, HOLIDAY_MAX_YEAR, HOLIDAY_MIN_YEAR } from './holidays.ts';

export interface SeedReferenceOptions {
  /** First date, `YYYY-MM-DD`; widened to the first day of its month. */
  from: string;
  /** Last date, `YYYY-MM-DD`; widened to the last day of its month. */
  to: string;
  /** Seed of the small month-to-month variation of the plan (default `demo`). */
  seed?: string | number;
}

export interface UpsertCount {
  /** Rows the range covers. */
  rows: number;
  /** Rows inserted or changed by this run (0 on a repeated run). */
  inserted: number;
  updated: number;
}

export interface SeedReferenceResult {
  from: string;
  to: string;
  calendar: UpsertCount;
  dailyTargetPlan: UpsertCount;
  monthlyTargets: UpsertCount;
}

/** Planned tons of one date: 0 on Sundays/holidays and plant closures, Saturdays are half-days. */
export function dailyTargetTon(date: string, seed: string | number = 'demo'): number {
  const day = dayInfo(date);
  if (!day.businessDay || isPlannedClosure(date)) return 0;
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  // The plan moves a little from month to month (±3%) around the seasonal profile.
  const tweak = 0.97 + (hashSeed(String(seed), 'plan', y, m) / 4294967296) * 0.06;
  let t = plannedWeekdayTons(y, m) * tweak * (day.dayType === 'sat' ? SATURDAY_FACTOR : 1);
  const md = date.slice(5);
  if (md >= '08-13' && md <= '08-16') t *= 0.5; // Obon week is planned low
  return Math.round(t * 2) / 2; // planners write half tons
}

const CALENDAR_SQL = `
with hol as (
  select h.d as ddate, h.n as name from unnest($3::date[], $4::text[]) as h(d, n)
), cal as (
  select g::date as ddate,
         extract(isoyear from g)::int as iso_year,
         extract(week from g)::int as iso_week,
         extract(isodow from g)::int as iso_dow,
         hol.name as holiday_name
  from generate_series($1::date, $2::date, interval '1 day') as g
  left join hol on hol.ddate = g::date
)
insert into ref.calendar as c (ddate, iso_year, iso_week, iso_dow, is_holiday, holiday_name, is_business_day, day_type)
select ddate, iso_year, iso_week, iso_dow,
       holiday_name is not null,
       holiday_name,
       iso_dow <= 6 and holiday_name is null,
       case when iso_dow = 7 or holiday_name is not null then 'sun_hol' when iso_dow = 6 then 'sat' else 'biz' end
from cal
on conflict (ddate) do update set
  iso_year = excluded.iso_year, iso_week = excluded.iso_week, iso_dow = excluded.iso_dow,
  is_holiday = excluded.is_holiday, holiday_name = excluded.holiday_name,
  is_business_day = excluded.is_business_day, day_type = excluded.day_type
where (c.iso_year, c.iso_week, c.iso_dow, c.is_holiday, c.holiday_name, c.is_business_day, c.day_type)
      is distinct from
      (excluded.iso_year, excluded.iso_week, excluded.iso_dow, excluded.is_holiday, excluded.holiday_name, excluded.is_business_day, excluded.day_type)
returning (xmax = 0) as inserted`;

const DAILY_SQL = `
insert into mart.daily_target_plan as p (ddate, target_ton)
select t.d, t.v from unnest($1::date[], $2::numeric[]) as t(d, v)
on conflict (ddate) do update set target_ton = excluded.target_ton
where p.target_ton is distinct from excluded.target_ton
returning (xmax = 0) as inserted`;

const MONTHLY_SQL = `
insert into kpi.monthly_targets as k (month, target_ton)
select date_trunc('month', ddate)::date, round(sum(target_ton))
from mart.daily_target_plan
where ddate between $1::date and $2::date
group by 1
on conflict (month) do update set target_ton = excluded.target_ton
where k.target_ton is distinct from excluded.target_ton
returning (xmax = 0) as inserted`;

function counts(rows: number, result: pg.QueryResult<{ inserted: boolean }>): UpsertCount {
  const inserted = result.rows.filter((r) => r.inserted).length;
  return { rows, inserted, updated: result.rows.length - inserted };
}

/**
 * Fill the calendar and the target plan for whole months covering [from, to], in one transaction.
 * @example await seedReferenceData(client, { from: '2020-01-01', to: '2026-12-31' })
 */
export async function seedReferenceData(
  client: pg.ClientBase,
  options: SeedReferenceOptions,
): Promise<SeedReferenceResult> {
  for (const [name, value] of [
    ['from', options.from],
    ['to', options.to],
  ] as const) {
    if (typeof value !== 'string' || !isIsoDate(value)) {
      throw new DbError(
        'E_BAD_ARGUMENT',
        `seedReferenceData: ${name} "${String(value)}" is not a date; pass YYYY-MM-DD, e.g. 2020-01-01`,
      );
    }
  }
  if (options.from > options.to) {
    throw new DbError('E_BAD_ARGUMENT', `seedReferenceData: from ${options.from} is after to ${options.to}; swap them`);
  }
  const from = monthStart(options.from);
  const to = monthEnd(options.to);
  const y0 = Number(from.slice(0, 4));
  const y1 = Number(to.slice(0, 4));
  if (y0 < HOLIDAY_MIN_YEAR || y1 > HOLIDAY_MAX_YEAR) {
    throw new DbError(
      'E_BAD_ARGUMENT',
      `seedReferenceData: ${from}..${to} is outside the holiday rules' range ${HOLIDAY_MIN_YEAR}–${HOLIDAY_MAX_YEAR}; pass dates within it`,
    );
  }
  const seed = options.seed ?? 'demo';
  const holidays = holidaysBetween(from, to);
  const dates: string[] = [];
  const targets: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    dates.push(d);
    targets.push(dailyTargetTon(d, seed).toFixed(3));
  }
  const months = (y1 - y0) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
  return withTransaction(client, async () => {
    const cal = await client.query<{ inserted: boolean }>(CALENDAR_SQL, [
      from,
      to,
      holidays.map((h) => h.date),
      holidays.map((h) => h.name),
    ]);
    const daily = await client.query<{ inserted: boolean }>(DAILY_SQL, [dates, targets]);
    const monthly = await client.query<{ inserted: boolean }>(MONTHLY_SQL, [from, to]);
    return {
      from,
      to,
      calendar: counts(dates.length, cal),
      dailyTargetPlan: counts(dates.length, daily),
      monthlyTargets: counts(months, monthly),
    };
  });
}
