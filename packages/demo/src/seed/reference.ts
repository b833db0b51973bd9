/**
 * seedReferenceData: ref.calendar, mart.daily_target_plan and kpi.monthly_targets for a date
 * range. By default it only fills what is missing: a row that exists is never changed, whatever
 * its value, because targets are business decisions people type (the targets page, a targets
 * CSV) and the calendar may carry a correction made by hand. A second run writes nothing.
 *
 * `overwrite: true` replaces every existing value that differs from the generated one. It locks
 * the three tables, hands the values it is about to replace to `beforeReplace` (the caller backs
 * them up there; throwing cancels everything), replaces them, and records each replaced target in
 * kpi.target_edit (source `seed`) so that the targets history keeps saying what the table holds.
 * The CLI guards it like any destructive command (`pnpm db:seed --overwrite`).
 *
 * The calendar is built set-based from generate_series; holidays come from the rule engine in
 * ./holidays.ts and are passed as one array parameter.
 */
import type pg from 'pg';
import { DbError } from '@warehouse/db';
import { withTransaction } from '@warehouse/db/pg';
import { hashSeed } from '../prng.ts';
import { isPlannedClosure, plannedWeekdayTons, SATURDAY_FACTOR } from '../profile.ts';
import { addDays, dayInfo, isIsoDate, monthEnd, monthStart } from './dates.ts';
import { holidaysBetween, HOLIDAY_MAX_YEAR, HOLIDAY_MIN_YEAR } from './holidays.ts';

export interface SeedReferenceOptions {
  /** First date, `YYYY-MM-DD`; widened to the first day of its month. */
  from: string;
  /** Last date, `YYYY-MM-DD`; widened to the last day of its month. */
  to: string;
  /** Seed of the small month-to-month variation of the plan (default `demo`). */
  seed?: string | number;
  /**
   * Replace existing values that differ from the generated ones (default false: insert missing
   * rows only, never change one that exists). Only for a guarded, explicit command.
   */
  overwrite?: boolean;
  /** With `overwrite`: who replaces the targets, recorded as the editor in kpi.target_edit (default `seed`). */
  editor?: string;
  /**
   * With `overwrite`: called in the transaction, after the tables are locked and before anything
   * changes, with the values about to be replaced (called even when there are none). Back them up
   * here; what it returns (e.g. the backup file) is recorded as `file_name` in kpi.target_edit.
   * Throwing cancels the whole run: nothing is changed.
   */
  beforeReplace?: (replaced: ReplacedValues) => Promise<string | undefined> | string | undefined;
}

export interface UpsertCount {
  /** Rows the range covers. */
  rows: number;
  /** Rows that were missing and were inserted (0 on a repeated run). */
  inserted: number;
  /** Rows whose value was replaced (only with `overwrite`). */
  updated: number;
  /** Rows that exist with a value other than the generated one and were left as they are (without `overwrite`). */
  kept: number;
}

/** A ref.calendar row as it was before an overwrite. */
export interface CalendarRow {
  ddate: string;
  iso_year: number;
  iso_week: number;
  iso_dow: number;
  is_holiday: boolean;
  holiday_name: string | null;
  is_business_day: boolean;
  day_type: string;
}

/** One target value before and after an overwrite; tons as PostgreSQL prints numeric(12,3). */
export interface ReplacedTarget {
  /** `YYYY-MM-DD` (the first day for a month). */
  date: string;
  oldTon: string | null;
  newTon: string;
}

export interface ReplacedValues {
  calendar: CalendarRow[];
  dailyTargetPlan: ReplacedTarget[];
  monthlyTargets: ReplacedTarget[];
}

export interface SeedReferenceResult {
  from: string;
  to: string;
  calendar: UpsertCount;
  dailyTargetPlan: UpsertCount;
  monthlyTargets: UpsertCount;
  /** With `overwrite`: the values replaced (what `beforeReplace` received). */
  replaced?: ReplacedValues;
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

// $1 from, $2 to, $3 holiday dates, $4 holiday names: the generated calendar rows.
const GENERATED_CALENDAR = `
with hol as (
  select h.d as ddate, h.n as name from unnest($3::date[], $4::text[]) as h(d, n)
), gen as (
  select g::date as ddate,
         extract(isoyear from g)::int as iso_year,
         extract(week from g)::int as iso_week,
         extract(isodow from g)::int as iso_dow,
         hol.name as holiday_name
  from generate_series($1::date, $2::date, interval '1 day') as g
  left join hol on hol.ddate = g::date
), cal as (
  select ddate, iso_year, iso_week, iso_dow,
         holiday_name is not null as is_holiday,
         holiday_name,
         iso_dow <= 6 and holiday_name is null as is_business_day,
         case when iso_dow = 7 or holiday_name is not null then 'sun_hol' when iso_dow = 6 then 'sat' else 'biz' end as day_type
  from gen
)`;
const CAL_COLS = 'ddate, iso_year, iso_week, iso_dow, is_holiday, holiday_name, is_business_day, day_type';
const CAL_DIFFERS = `(c.iso_year, c.iso_week, c.iso_dow, c.is_holiday, c.holiday_name, c.is_business_day, c.day_type)
      is distinct from (g.iso_year, g.iso_week, g.iso_dow, g.is_holiday, g.holiday_name, g.is_business_day, g.day_type)`;

const CALENDAR_INSERT_MISSING = `${GENERATED_CALENDAR}
insert into ref.calendar (${CAL_COLS}) select ${CAL_COLS} from cal
on conflict (ddate) do nothing
returning true as inserted`;

const CALENDAR_DIFFERING = `${GENERATED_CALENDAR}
select to_char(c.ddate, 'YYYY-MM-DD') as ddate, c.iso_year, c.iso_week, c.iso_dow, c.is_holiday, c.holiday_name, c.is_business_day, c.day_type
from ref.calendar c join cal g using (ddate)
where ${CAL_DIFFERS}
order by c.ddate`;

const CALENDAR_OVERWRITE = `${GENERATED_CALENDAR}
insert into ref.calendar as c (${CAL_COLS}) select ${CAL_COLS} from cal
on conflict (ddate) do update set
  iso_year = excluded.iso_year, iso_week = excluded.iso_week, iso_dow = excluded.iso_dow,
  is_holiday = excluded.is_holiday, holiday_name = excluded.holiday_name,
  is_business_day = excluded.is_business_day, day_type = excluded.day_type
where (c.iso_year, c.iso_week, c.iso_dow, c.is_holiday, c.holiday_name, c.is_business_day, c.day_type)
      is distinct from
      (excluded.iso_year, excluded.iso_week, excluded.iso_dow, excluded.is_holiday, excluded.holiday_name, excluded.is_business_day, excluded.day_type)
returning (xmax = 0) as inserted`;

// $1 keys (dates or months), $2 generated tons: one statement shape for both target tables.
const targetSql = (table: 'mart.daily_target_plan' | 'kpi.monthly_targets', key: 'ddate' | 'month') => ({
  insertMissing: `
insert into ${table} (${key}, target_ton)
select t.k, t.v from unnest($1::date[], $2::numeric[]) as t(k, v)
on conflict (${key}) do nothing
returning true as inserted`,
  differing: `
select to_char(x.${key}, 'YYYY-MM-DD') as date, x.target_ton::text as "oldTon", t.v::numeric(12,3)::text as "newTon"
from ${table} x join unnest($1::date[], $2::numeric[]) as t(k, v) on t.k = x.${key}
where x.target_ton is distinct from t.v::numeric(12,3)
order by x.${key}`,
  overwrite: `
insert into ${table} as x (${key}, target_ton)
select t.k, t.v from unnest($1::date[], $2::numeric[]) as t(k, v)
on conflict (${key}) do update set target_ton = excluded.target_ton
where x.target_ton is distinct from excluded.target_ton
returning (xmax = 0) as inserted`,
});
const DAILY = targetSql('mart.daily_target_plan', 'ddate');
const MONTHLY = targetSql('kpi.monthly_targets', 'month');

// A missing month gets the sum of its daily plan as it stands (edited days included), so a filled
// month never disagrees with its plan.
const MONTHLY_INSERT_MISSING_FROM_PLAN = `
insert into kpi.monthly_targets (month, target_ton)
select date_trunc('month', ddate)::date, round(sum(target_ton))
from mart.daily_target_plan
where ddate between $1::date and $2::date
group by 1
on conflict (month) do nothing
returning true as inserted`;

const RECORD_EDITS = `
insert into kpi.target_edit (editor, scope, ddate, old_ton, new_ton, source, file_name)
select $1, $2, t.d, t.o, t.n, 'seed', $3 from unnest($4::date[], $5::numeric[], $6::numeric[]) as t(d, o, n)`;

function counts(rows: number, result: pg.QueryResult<{ inserted: boolean }>, kept = 0): UpsertCount {
  const inserted = result.rows.filter((r) => r.inserted).length;
  return { rows, inserted, updated: result.rows.length - inserted, kept };
}

/**
 * Fill the calendar and the target plan for whole months covering [from, to], in one transaction:
 * missing rows only, unless `overwrite`.
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
  const calParams = [from, to, holidays.map((h) => h.date), holidays.map((h) => h.name)];
  const dates: string[] = [];
  const targets: string[] = [];
  const monthSums = new Map<string, number>();
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const t = dailyTargetTon(d, seed);
    dates.push(d);
    targets.push(t.toFixed(3));
    monthSums.set(monthStart(d), (monthSums.get(monthStart(d)) ?? 0) + t);
  }
  // Half tons add up exactly; numeric round() and Math.round agree on positive halves.
  const months = [...monthSums.keys()];
  const monthTargets = [...monthSums.values()].map((s) => Math.round(s).toFixed(3));
  const dailyParams = [dates, targets];
  const monthlyParams = [months, monthTargets];

  return withTransaction(client, async () => {
    if (!options.overwrite) {
      const cal = await client.query<{ inserted: boolean }>(CALENDAR_INSERT_MISSING, calParams);
      const daily = await client.query<{ inserted: boolean }>(DAILY.insertMissing, dailyParams);
      const monthly = await client.query<{ inserted: boolean }>(MONTHLY_INSERT_MISSING_FROM_PLAN, [from, to]);
      const calKept = await client.query(CALENDAR_DIFFERING, calParams);
      const dailyKept = await client.query(DAILY.differing, dailyParams);
      const monthlyKept = await client.query(MONTHLY.differing, monthlyParams);
      return {
        from,
        to,
        calendar: counts(dates.length, cal, calKept.rowCount ?? 0),
        dailyTargetPlan: counts(dates.length, daily, dailyKept.rowCount ?? 0),
        monthlyTargets: counts(months.length, monthly, monthlyKept.rowCount ?? 0),
      };
    }
    // Nobody may change a value between the backup and the replacement (the targets API waits).
    await client.query(
      'lock table ref.calendar, mart.daily_target_plan, kpi.monthly_targets in share row exclusive mode',
    );
    const replaced: ReplacedValues = {
      calendar: (await client.query<CalendarRow>(CALENDAR_DIFFERING, calParams)).rows,
      dailyTargetPlan: (await client.query<ReplacedTarget>(DAILY.differing, dailyParams)).rows,
      monthlyTargets: (await client.query<ReplacedTarget>(MONTHLY.differing, monthlyParams)).rows,
    };
    const note = (await options.beforeReplace?.(replaced)) ?? null;
    const cal = await client.query<{ inserted: boolean }>(CALENDAR_OVERWRITE, calParams);
    const daily = await client.query<{ inserted: boolean }>(DAILY.overwrite, dailyParams);
    const monthly = await client.query<{ inserted: boolean }>(MONTHLY.overwrite, monthlyParams);
    const editor = options.editor ?? 'seed';
    for (const [scope, rows] of [
      ['day', replaced.dailyTargetPlan],
      ['month', replaced.monthlyTargets],
    ] as const) {
      if (!rows.length) continue;
      await client.query(RECORD_EDITS, [
        editor,
        scope,
        note,
        rows.map((r) => r.date),
        rows.map((r) => r.oldTon),
        rows.map((r) => r.newTon),
      ]);
    }
    return {
      from,
      to,
      calendar: counts(dates.length, cal),
      dailyTargetPlan: counts(dates.length, daily),
      monthlyTargets: counts(months.length, monthly),
      replaced,
    };
  });
}

/**
 * The replaced targets as a targets CSV (the console's 目標 page and `POST /targets/csv` read it:
 * month rows `YYYY-MM`, day rows `YYYY-MM-DD`), so uploading it puts them back and records who did.
 */
export function targetsBackupCsv(replaced: ReplacedValues): string {
  const lines = ['date,target_ton'];
  for (const m of replaced.monthlyTargets) lines.push(`${m.date.slice(0, 7)},${m.oldTon ?? ''}`);
  for (const d of replaced.dailyTargetPlan) lines.push(`${d.date},${d.oldTon ?? ''}`);
  return `${lines.join('\n')}\n`;
}
