// ref.v_calendar_classified by value: every row of three seeded years (2024–2026: a leap day, a
// 53-week ISO year, holidays on Saturdays, Sundays and weekdays) compared with the same figures
// computed here in TypeScript from the calendar's dates and holiday flags alone (ISO weeks,
// weekdays, classes and month positions computed here, not read back from SQL).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { seedReferenceData } from '../src/seed/index.ts';

interface Row {
  ddate: string;
  iso_year: number;
  iso_week: number;
  iso_dow: number;
  iso_week_start: string;
  day_type: string;
  day_class: string;
  is_business_day: boolean;
  is_holiday: boolean;
  holiday_name: string | null;
  is_reserve_day: boolean;
  month: string;
  biz_day_of_month: number | null;
  biz_days_mtd: number;
  biz_days_in_month: number;
}

function addDays(date: string, n: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

function isoOf(date: string) {
  const t = new Date(`${date}T00:00:00Z`);
  const isoDow = t.getUTCDay() === 0 ? 7 : t.getUTCDay();
  const thursday = new Date(t);
  thursday.setUTCDate(t.getUTCDate() + 4 - isoDow);
  const isoYear = thursday.getUTCFullYear();
  const isoWeek = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / 86_400_000 / 7) + 1;
  return { isoYear, isoWeek, isoDow };
}

let db: TestDatabase;
let pool: pg.Pool;
let rows: Row[];

beforeAll(async () => {
  const adminUrl = inject('pgAdminUrl');
  db = await createTestDatabase(adminUrl, { template: await createMigratedTemplate(adminUrl), prefix: 'calcls' });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const client = await pool.connect();
  try {
    await seedReferenceData(client, { from: '2024-01-01', to: '2026-12-31' });
  } finally {
    client.release();
  }
  rows = (
    await pool.query<Row>(
      `select ddate::text, iso_year, iso_week, iso_dow, iso_week_start::text, day_type, day_class, is_business_day,
              is_holiday, holiday_name, is_reserve_day, month::text, biz_day_of_month::int, biz_days_mtd::int,
              biz_days_in_month::int
       from ref.v_calendar_classified order by ddate`,
    )
  ).rows;
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('ref.v_calendar_classified', () => {
  it('has one row per calendar date, each equal to the classification computed here', async () => {
    const cal = (
      await pool.query<{ ddate: string; is_holiday: boolean; holiday_name: string | null }>(
        'select ddate::text, is_holiday, holiday_name from ref.calendar order by ddate',
      )
    ).rows;
    expect(cal.length).toBe(366 + 365 + 365);
    expect(rows.map((r) => r.ddate)).toEqual(cal.map((c) => c.ddate));

    const want: Row[] = [];
    for (const c of cal) {
      const { isoYear, isoWeek, isoDow } = isoOf(c.ddate);
      const business = isoDow <= 6 && !c.is_holiday;
      const reserve = isoDow === 7 || c.is_holiday;
      const month = `${c.ddate.slice(0, 7)}-01`;
      const inMonth = cal.filter((d) => d.ddate.startsWith(c.ddate.slice(0, 7)));
      const isBiz = (d: (typeof cal)[number]) => isoOf(d.ddate).isoDow <= 6 && !d.is_holiday;
      const mtd = inMonth.filter((d) => d.ddate <= c.ddate && isBiz(d)).length;
      want.push({
        ddate: c.ddate,
        iso_year: isoYear,
        iso_week: isoWeek,
        iso_dow: isoDow,
        iso_week_start: addDays(c.ddate, 1 - isoDow),
        day_type: reserve ? 'sun_hol' : isoDow === 6 ? 'sat' : 'biz',
        day_class: business ? 'business' : c.is_holiday ? 'holiday' : 'sunday',
        is_business_day: business,
        is_holiday: c.is_holiday,
        holiday_name: c.holiday_name,
        is_reserve_day: reserve,
        month,
        biz_day_of_month: business ? mtd : null,
        biz_days_mtd: mtd,
        biz_days_in_month: inMonth.filter(isBiz).length,
      });
    }
    expect(rows).toEqual(want);
  });

  it('covers the edge cases: a leap day, ISO week 53 across New Year, holidays on Saturday and Sunday', () => {
    const at = (d: string) => rows.find((r) => r.ddate === d)!;
    // 2024-02-29, a Thursday, is the last business day of February 2024: 25 days Mon–Sat, less the
    // 12th (substitute for the 11th, a Sunday) and the 23rd (天皇誕生日).
    expect(at('2024-02-29')).toMatchObject({ day_class: 'business', biz_day_of_month: 23, biz_days_in_month: 23 });
    expect(at('2024-02-12')).toMatchObject({ day_class: 'holiday', is_reserve_day: true, biz_day_of_month: null });
    // 2026 has 53 ISO weeks: 2027-01-01 is not seeded, 2026-12-31 is in W53, which starts on Monday the 28th.
    expect(at('2026-12-31')).toMatchObject({ iso_year: 2026, iso_week: 53, iso_week_start: '2026-12-28' });
    // 2025-12-29 starts ISO 2026-W01.
    expect(at('2025-12-29')).toMatchObject({ iso_year: 2026, iso_week: 1, iso_dow: 1 });
    // A holiday on a Saturday is a reserve day, not a business day; a holiday on a Sunday is a holiday.
    expect(rows.some((r) => r.iso_dow === 6 && r.day_class === 'holiday' && r.is_reserve_day)).toBe(true);
    expect(rows.some((r) => r.iso_dow === 7 && r.day_class === 'holiday')).toBe(true);
    // A Sunday's month position is the business days so far; it has no n-th business day.
    const sunday = rows.find((r) => r.day_class === 'sunday' && r.biz_days_mtd > 0)!;
    expect(sunday.biz_day_of_month).toBeNull();
    expect(sunday.biz_days_mtd).toBe(rows.find((r) => r.ddate === addDays(sunday.ddate, -1))!.biz_days_mtd);
  });

  it('carries its comment, and its columns are what the design names', async () => {
    const comment = await pool.query<{ c: string }>(
      "select obj_description('ref.v_calendar_classified'::regclass, 'pg_class') as c",
    );
    expect(comment.rows[0]!.c).toMatch(/^One row per calendar date, classified/);
    expect(Object.keys(rows[0]!)).toEqual([
      'ddate',
      'iso_year',
      'iso_week',
      'iso_dow',
      'iso_week_start',
      'day_type',
      'day_class',
      'is_business_day',
      'is_holiday',
      'holiday_name',
      'is_reserve_day',
      'month',
      'biz_day_of_month',
      'biz_days_mtd',
      'biz_days_in_month',
    ]);
  });
});
