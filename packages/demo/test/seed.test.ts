import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { DbError } from '@warehouse/db';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { holidayName, holidaysOfYear, seedReferenceData, type ReplacedValues } from '../src/seed/index.ts';

describe('Japanese holidays by rule', () => {
  it.each([
    ['2019-04-30', '国民の休日'],
    ['2019-05-01', '天皇の即位の日'],
    ['2019-05-02', '国民の休日'],
    ['2019-10-22', '即位礼正殿の儀'],
    ['2020-07-23', '海の日'],
    ['2020-07-24', 'スポーツの日'],
    ['2020-08-10', '山の日'],
    ['2021-07-22', '海の日'],
    ['2021-07-23', 'スポーツの日'],
    ['2021-08-08', '山の日'],
    ['2021-08-09', '振替休日'],
    ['2024-02-12', '振替休日'],
    ['2025-09-15', '敬老の日'],
    ['2026-09-22', '国民の休日'],
    ['2015-09-22', '国民の休日'],
    ['2020-02-24', '振替休日'],
    ['2018-12-23', '天皇誕生日'],
    ['2023-03-21', '春分の日'],
    ['2024-09-22', '秋分の日'],
    ['2024-09-23', '振替休日'],
    ['2025-05-06', '振替休日'],
    ['2016-08-11', '山の日'],
    ['2030-01-14', '成人の日'],
    // before Happy Monday and the 2007 reform
    ['1999-01-15', '成人の日'],
    ['1999-10-10', '体育の日'],
    ['1988-04-29', '天皇誕生日'],
    ['1988-05-04', '国民の休日'],
    ['1998-05-04', '振替休日'],
    ['1989-02-24', '昭和天皇の大喪の礼'],
    ['1990-11-12', '即位礼正殿の儀'],
    ['1993-06-09', '皇太子徳仁親王の結婚の儀'],
    ['1996-07-20', '海の日'],
    ['2006-04-29', 'みどりの日'],
  ])('%s is %s', (date, name) => {
    expect(holidayName(date)).toBe(name);
  });

  it.each([
    '1995-07-20',
    '1988-12-23',
    '1997-05-04',
    '2000-01-15',
    '2019-12-23',
    '2019-02-23',
    '2020-10-12',
    '2021-10-11',
    '2020-07-20',
    '2021-08-11',
    '2015-08-11',
    '2024-02-13',
    '2026-09-24',
  ])('%s is not a holiday', (date) => {
    expect(holidayName(date)).toBeUndefined();
  });

  it('has the expected number of holidays per year (cabinet office counts)', () => {
    const counts = Object.fromEntries(
      [2015, 2016, 2019, 2020, 2021, 2024, 2025, 2026, 2030].map((y) => [y, holidaysOfYear(y).length]),
    );
    expect(counts).toEqual({
      2015: 17,
      2016: 17,
      2019: 22,
      2020: 18,
      2021: 17,
      2024: 21,
      2025: 19,
      2026: 18,
      2030: 19,
    });
  });

  it('refuses years outside the rules it knows', () => {
    expect(() => holidaysOfYear(1979)).toThrow(DbError);
    expect(() => holidaysOfYear(2100)).toThrow(/outside the supported range 1980–2099/);
  });
});

describe('seedReferenceData', () => {
  let db: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    const adminUrl = inject('pgAdminUrl');
    db = await createTestDatabase(adminUrl, { template: await createMigratedTemplate(adminUrl), prefix: 'seed' });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const snapshot = async () => {
    const { rows } = await client.query<{ t: string; n: string; h: string; x: string }>(`
      select 'calendar' t, count(*)::text n, md5(string_agg(c::text, '|' order by ddate)) h, md5(string_agg(xmin::text, ',' order by ddate)) x from ref.calendar c
      union all
      select 'daily', count(*)::text, md5(string_agg(p::text, '|' order by ddate)), md5(string_agg(xmin::text, ',' order by ddate)) from mart.daily_target_plan p
      union all
      select 'monthly', count(*)::text, md5(string_agg(k::text, '|' order by month)), md5(string_agg(xmin::text, ',' order by month)) from kpi.monthly_targets k`);
    return rows;
  };

  it('fills the calendar, the daily plan and the monthly targets for whole months', async () => {
    const r = await seedReferenceData(client, { from: '2015-01-10', to: '2030-12-31', seed: 'test' });
    expect(r.from).toBe('2015-01-01');
    expect(r.to).toBe('2030-12-31');
    const days = (Date.UTC(2030, 11, 31) - Date.UTC(2015, 0, 1)) / 86_400_000 + 1;
    expect(r.calendar).toEqual({ rows: days, inserted: days, updated: 0, kept: 0 });
    expect(r.dailyTargetPlan.inserted).toBe(days);
    expect(r.monthlyTargets).toEqual({ rows: 16 * 12, inserted: 16 * 12, updated: 0, kept: 0 });
    const { rows } = await client.query('select count(*)::int n from ref.calendar');
    expect(rows[0].n).toBe(days);
  });

  it('computes ISO week fields and day types', async () => {
    const { rows } = await client.query(
      `select ddate::text, iso_year, iso_week, iso_dow, is_holiday, holiday_name, is_business_day, day_type
       from ref.calendar where ddate = any($1::date[]) order by ddate`,
      [['2021-01-03', '2019-04-30', '2024-02-12', '2025-05-03', '2025-05-10', '2025-05-12', '2026-09-22']],
    );
    expect(rows).toEqual([
      {
        ddate: '2019-04-30',
        iso_year: 2019,
        iso_week: 18,
        iso_dow: 2,
        is_holiday: true,
        holiday_name: '国民の休日',
        is_business_day: false,
        day_type: 'sun_hol',
      },
      {
        ddate: '2021-01-03',
        iso_year: 2020,
        iso_week: 53,
        iso_dow: 7,
        is_holiday: false,
        holiday_name: null,
        is_business_day: false,
        day_type: 'sun_hol',
      },
      {
        ddate: '2024-02-12',
        iso_year: 2024,
        iso_week: 7,
        iso_dow: 1,
        is_holiday: true,
        holiday_name: '振替休日',
        is_business_day: false,
        day_type: 'sun_hol',
      },
      // a Saturday that is a holiday is sun_hol
      {
        ddate: '2025-05-03',
        iso_year: 2025,
        iso_week: 18,
        iso_dow: 6,
        is_holiday: true,
        holiday_name: '憲法記念日',
        is_business_day: false,
        day_type: 'sun_hol',
      },
      {
        ddate: '2025-05-10',
        iso_year: 2025,
        iso_week: 19,
        iso_dow: 6,
        is_holiday: false,
        holiday_name: null,
        is_business_day: true,
        day_type: 'sat',
      },
      {
        ddate: '2025-05-12',
        iso_year: 2025,
        iso_week: 20,
        iso_dow: 1,
        is_holiday: false,
        holiday_name: null,
        is_business_day: true,
        day_type: 'biz',
      },
      {
        ddate: '2026-09-22',
        iso_year: 2026,
        iso_week: 39,
        iso_dow: 2,
        is_holiday: true,
        holiday_name: '国民の休日',
        is_business_day: false,
        day_type: 'sun_hol',
      },
    ]);
  });

  it('plans 0 on sun_hol, less on Saturdays, and monthly targets as the rounded sum of days', async () => {
    const byType = await client.query(
      `select c.day_type, min(p.target_ton)::float8 mn, max(p.target_ton)::float8 mx, avg(p.target_ton)::float8 av
       from ref.calendar c join mart.daily_target_plan p using (ddate) where c.ddate between '2024-01-01' and '2024-12-31'
       group by 1 order by 1`,
    );
    const t = Object.fromEntries(byType.rows.map((r) => [r.day_type, r]));
    expect(t.sun_hol).toMatchObject({ mn: 0, mx: 0 });
    expect(t.sat.av).toBeGreaterThan(50);
    expect(t.sat.av).toBeLessThan(t.biz.av * 0.7);
    expect(t.biz.av).toBeGreaterThan(150);
    expect(t.biz.av).toBeLessThan(400);
    const mismatch = await client.query(
      `select k.month, k.target_ton, s.total from kpi.monthly_targets k
       join (select date_trunc('month', ddate)::date m, round(sum(target_ton)) total from mart.daily_target_plan group by 1) s on s.m = k.month
       where k.target_ton <> s.total`,
    );
    expect(mismatch.rows).toEqual([]);
    const march = await client.query(
      `select target_ton::float8 v from kpi.monthly_targets where month in ('2024-03-01','2024-08-01') order by month`,
    );
    expect(march.rows[0].v).toBeGreaterThan(march.rows[1].v); // fiscal year-end rush vs Obon
  });

  it('changes nothing when run twice (same counts, values and row versions)', async () => {
    const before = await snapshot();
    const again = await seedReferenceData(client, { from: '2015-01-01', to: '2030-12-31', seed: 'test' });
    expect(again.calendar.inserted + again.calendar.updated).toBe(0);
    expect(again.dailyTargetPlan.inserted + again.dailyTargetPlan.updated).toBe(0);
    expect(again.monthlyTargets.inserted + again.monthlyTargets.updated).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  const value = async (sql: string, params: unknown[] = []) =>
    (await client.query<{ v: string | null }>(sql, params)).rows[0]?.v ?? null;

  it('leaves existing rows alone when the generated values differ (another seed): writes nothing, counts them as kept', async () => {
    const before = await snapshot();
    const r = await seedReferenceData(client, { from: '2024-01-01', to: '2024-12-31', seed: 'other' });
    expect([r.calendar.inserted, r.dailyTargetPlan.inserted, r.monthlyTargets.inserted]).toEqual([0, 0, 0]);
    expect([r.calendar.updated, r.dailyTargetPlan.updated, r.monthlyTargets.updated]).toEqual([0, 0, 0]);
    expect(r.calendar.kept).toBe(0);
    expect(r.dailyTargetPlan.kept).toBeGreaterThan(200);
    expect(r.monthlyTargets.kept).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
  });

  it('keeps a target a person typed (and its kpi.target_edit record) through repeated seeding', async () => {
    // What the targets API does for PUT /targets/month/2026-01 and PUT /targets/day/2026-01-05.
    await client.query(`UPDATE kpi.monthly_targets SET target_ton = 777 WHERE month = '2026-01-01'`);
    await client.query(`UPDATE mart.daily_target_plan SET target_ton = 12.5 WHERE ddate = '2026-01-05'`);
    await client.query(
      `INSERT INTO kpi.target_edit (editor, scope, ddate, old_ton, new_ton, source) VALUES ('佐藤', 'month', '2026-01-01', 5035, 777, 'form'), ('佐藤', 'day', '2026-01-05', 200, 12.5, 'form')`,
    );
    for (const seed of ['test', 'other']) {
      const r = await seedReferenceData(client, { from: '2015-01-01', to: '2030-12-31', seed });
      expect(r.dailyTargetPlan.updated + r.monthlyTargets.updated).toBe(0);
      expect(r.monthlyTargets.kept).toBeGreaterThanOrEqual(1);
    }
    expect(await value(`select target_ton::text v from kpi.monthly_targets where month = '2026-01-01'`)).toBe(
      '777.000',
    );
    expect(await value(`select target_ton::text v from mart.daily_target_plan where ddate = '2026-01-05'`)).toBe(
      '12.500',
    );
    expect(await value(`select count(*)::text v from kpi.target_edit`)).toBe('2');
  });

  it('fills a missing month from its daily plan as it stands, edited days included', async () => {
    await client.query(`DELETE FROM kpi.monthly_targets WHERE month = '2026-01-01'`);
    const r = await seedReferenceData(client, { from: '2026-01-01', to: '2026-01-31', seed: 'test' });
    expect(r.monthlyTargets.inserted).toBe(1);
    const plan = await value(
      `select round(sum(target_ton))::numeric(12,3)::text v from mart.daily_target_plan where ddate between '2026-01-01' and '2026-01-31'`,
    );
    expect(await value(`select target_ton::text v from kpi.monthly_targets where month = '2026-01-01'`)).toBe(plan);
    await client.query(`UPDATE kpi.monthly_targets SET target_ton = 777 WHERE month = '2026-01-01'`);
  });

  it('overwrite: hands the values it will replace to beforeReplace first, replaces them, records them in kpi.target_edit', async () => {
    const seen: ReplacedValues[] = [];
    const r = await seedReferenceData(client, {
      from: '2026-01-01',
      to: '2026-01-31',
      seed: 'test',
      overwrite: true,
      editor: 'cli:tester',
      beforeReplace: async (replaced) => {
        seen.push(replaced);
        // Called before anything changed: the typed values are still there.
        expect(await value(`select target_ton::text v from kpi.monthly_targets where month = '2026-01-01'`)).toBe(
          '777.000',
        );
        return '/backups/targets.csv';
      },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.dailyTargetPlan).toEqual([{ date: '2026-01-05', oldTon: '12.500', newTon: expect.any(String) }]);
    const generatedMonth = seen[0]!.monthlyTargets[0]!.newTon;
    expect(seen[0]!.monthlyTargets).toEqual([{ date: '2026-01-01', oldTon: '777.000', newTon: generatedMonth }]);
    expect(seen[0]!.calendar).toEqual([]);
    expect(r.replaced).toEqual(seen[0]);
    expect([r.dailyTargetPlan.updated, r.monthlyTargets.updated, r.calendar.updated]).toEqual([1, 1, 0]);
    expect(await value(`select target_ton::text v from kpi.monthly_targets where month = '2026-01-01'`)).toBe(
      generatedMonth,
    );
    expect(await value(`select target_ton::text v from mart.daily_target_plan where ddate = '2026-01-05'`)).toBe(
      seen[0]!.dailyTargetPlan[0]!.newTon,
    );
    // The history's latest entry per target says what the table holds.
    const latest = await client.query(
      `select distinct on (scope, ddate) scope, to_char(ddate, 'YYYY-MM-DD') d, old_ton::text, new_ton::text, source, editor, file_name
       from kpi.target_edit order by scope, ddate, id desc`,
    );
    expect(latest.rows).toEqual([
      {
        scope: 'day',
        d: '2026-01-05',
        old_ton: '12.500',
        new_ton: seen[0]!.dailyTargetPlan[0]!.newTon,
        source: 'seed',
        editor: 'cli:tester',
        file_name: '/backups/targets.csv',
      },
      {
        scope: 'month',
        d: '2026-01-01',
        old_ton: '777.000',
        new_ton: generatedMonth,
        source: 'seed',
        editor: 'cli:tester',
        file_name: '/backups/targets.csv',
      },
    ]);
  });

  it('overwrite: a calendar row corrected by hand is replaced and handed over whole', async () => {
    await client.query(
      `UPDATE ref.calendar SET is_holiday = true, holiday_name = '創立記念日', is_business_day = false, day_type = 'sun_hol' WHERE ddate = '2026-01-07'`,
    );
    let handed: ReplacedValues | undefined;
    await seedReferenceData(client, {
      from: '2026-01-01',
      to: '2026-01-31',
      seed: 'test',
      overwrite: true,
      beforeReplace: (replaced) => {
        handed = replaced;
        return undefined;
      },
    });
    expect(handed!.calendar).toEqual([
      {
        ddate: '2026-01-07',
        iso_year: 2026,
        iso_week: 2,
        iso_dow: 3,
        is_holiday: true,
        holiday_name: '創立記念日',
        is_business_day: false,
        day_type: 'sun_hol',
      },
    ]);
    expect(await value(`select day_type v from ref.calendar where ddate = '2026-01-07'`)).toBe('biz');
  });

  it('overwrite: when beforeReplace throws, nothing changes', async () => {
    await client.query(`UPDATE kpi.monthly_targets SET target_ton = 888 WHERE month = '2026-02-01'`);
    const edits = await value(`select count(*)::text v from kpi.target_edit`);
    await expect(
      seedReferenceData(client, {
        from: '2026-02-01',
        to: '2026-02-28',
        seed: 'test',
        overwrite: true,
        beforeReplace: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(await value(`select target_ton::text v from kpi.monthly_targets where month = '2026-02-01'`)).toBe(
      '888.000',
    );
    expect(await value(`select count(*)::text v from kpi.target_edit`)).toBe(edits);
  });

  it('rejects bad ranges with the value and the fix', async () => {
    await expect(seedReferenceData(client, { from: '2024-02-30', to: '2024-03-01' })).rejects.toThrow(
      /from "2024-02-30" is not a date; pass YYYY-MM-DD/,
    );
    await expect(seedReferenceData(client, { from: '2024-03-01', to: '2024-01-01' })).rejects.toThrow(/after to/);
    await expect(seedReferenceData(client, { from: '2024-13-01', to: '2024-12-31' })).rejects.toThrow(
      /from "2024-13-01" is not a date/,
    );
  });
});
