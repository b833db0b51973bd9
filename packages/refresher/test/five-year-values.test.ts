// The four 5-year MVs checked by value. A small hand-made data set (one or two receive lines per
// day over ISO years 2019–2025, one week of 2022 left without data) goes into stg as the ingest
// writes it, the refresher refreshes the graph, and every number of every MV is compared with the
// same figure computed here in TypeScript over the rows (ISO weeks, weekdays and day types
// computed here too, not read back from SQL). The window covers a 53-week ISO year (2020), two
// leap days (2020-02-29, a Saturday, and 2024-02-29), holidays on weekdays and Saturdays, and
// calendar-year days that belong to another ISO year (2019-12-30 is 2020-W01, 2021-01-03 is 2020-W53).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedReferenceData } from '@warehouse/demo/seed';
import { refreshForCsvType } from '../src/index.ts';
import { freshDatabase, quiet, type Fixture } from './helpers.ts';

const FIRST_DATA = '2019-06-01';
const LAST_DATA = '2025-03-31';
/** ISO 2022-W10 (2022-03-07 .. 2022-03-13): nothing was received (or nothing uploaded). */
const MISSING_WEEK = { isoYear: 2022, isoWeek: 10 };

interface IsoDay {
  isoYear: number;
  isoWeek: number;
  isoDow: number;
}

/** ISO 8601 week date of a `YYYY-MM-DD`, from its Thursday (the week's year is the Thursday's). */
function isoOf(date: string): IsoDay {
  const t = new Date(`${date}T00:00:00Z`);
  const isoDow = t.getUTCDay() === 0 ? 7 : t.getUTCDay();
  const thursday = new Date(t);
  thursday.setUTCDate(t.getUTCDate() + 4 - isoDow);
  const isoYear = thursday.getUTCFullYear();
  const jan1 = Date.UTC(isoYear, 0, 1);
  const isoWeek = Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
  return { isoYear, isoWeek, isoDow };
}

function addDays(date: string, n: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

/** Deterministic kilograms for line `line` of `date`; Sundays and holidays are small reserve days. */
function kgOf(date: string, line: number, reserve: boolean): number {
  let h = line * 2654435761;
  for (const ch of date) h = (Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0) % 1_000_003;
  return reserve ? 300 + (h % 700) : 2000 + (h % 9000);
}

interface Day extends IsoDay {
  ddate: string;
  business: boolean;
  reserve: boolean;
  /** Received tons, 0 on a calendar day without receipts. */
  ton: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function stddevSamp(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}
function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}
const num = (v: string | null) => (v === null ? null : Number(v));

let f: Fixture;
let window: Day[];
let lastIsoYear: number;

beforeAll(async () => {
  f = await freshDatabase();
  const client = await f.pool.connect();
  try {
    await client.query('delete from ref.calendar');
    await seedReferenceData(client, { from: '2019-01-01', to: '2025-12-31' });
  } finally {
    client.release();
  }
  const cal = await f.pool.query<{
    ddate: string;
    iso_year: number;
    iso_week: number;
    iso_dow: number;
    is_holiday: boolean;
    is_business_day: boolean;
    day_type: string;
  }>(
    `select ddate::text, iso_year, iso_week, iso_dow, is_holiday, is_business_day, day_type from ref.calendar order by ddate`,
  );
  // The calendar's classification is what the MVs group by: check it against this file's own
  // ISO arithmetic and the rule (business = Mon–Sat and not a holiday; reserve = Sunday or holiday).
  const days = new Map<string, Omit<Day, 'ton'>>();
  for (const c of cal.rows) {
    const iso = isoOf(c.ddate);
    const business = iso.isoDow <= 6 && !c.is_holiday;
    const reserve = iso.isoDow === 7 || c.is_holiday;
    expect({ ddate: c.ddate, y: c.iso_year, w: c.iso_week, d: c.iso_dow, b: c.is_business_day }).toEqual({
      ddate: c.ddate,
      y: iso.isoYear,
      w: iso.isoWeek,
      d: iso.isoDow,
      b: business,
    });
    expect(c.day_type).toBe(reserve ? 'sun_hol' : iso.isoDow === 6 ? 'sat' : 'biz');
    days.set(c.ddate, { ddate: c.ddate, ...iso, business, reserve });
  }

  // The hand-made receipts: one line a day, a second on every third day, none in the missing week.
  const lines: { ddate: string; slipNo: string; lineNo: number; kg: number }[] = [];
  for (let d = FIRST_DATA, i = 0; d <= LAST_DATA; d = addDays(d, 1), i++) {
    const day = days.get(d)!;
    if (day.isoYear === MISSING_WEEK.isoYear && day.isoWeek === MISSING_WEEK.isoWeek) continue;
    lines.push({ ddate: d, slipNo: `S${i}`, lineNo: 1, kg: kgOf(d, 1, day.reserve) });
    if (i % 3 === 0) lines.push({ ddate: d, slipNo: `S${i}`, lineNo: 2, kg: kgOf(d, 2, day.reserve) });
  }
  await f.pool.query(
    `insert into stg.shogun_final_receive (slip_date, slip_no, line_no, vendor_cd, item_cd, net_weight_kg, upload_file_id, source_line)
     select t.d, t.s, t.l, 'V1', 'I1', t.kg, 1, t.n
     from unnest($1::date[], $2::text[], $3::int[], $4::numeric[]) with ordinality as t(d, s, l, kg, n)`,
    [lines.map((l) => l.ddate), lines.map((l) => l.slipNo), lines.map((l) => l.lineNo), lines.map((l) => l.kg)],
  );
  const r = await refreshForCsvType('receive', { pool: f.pool, logger: quiet, trigger: 'test' });
  expect(r.results.filter((x) => x.status !== 'refreshed')).toEqual([]);

  const kgByDate = new Map<string, number>();
  for (const l of lines) kgByDate.set(l.ddate, (kgByDate.get(l.ddate) ?? 0) + l.kg);
  // The window: the five ISO years before the ISO year of the latest receipt.
  lastIsoYear = isoOf(LAST_DATA).isoYear;
  window = [...days.values()]
    .filter((d) => d.isoYear >= lastIsoYear - 5 && d.isoYear <= lastIsoYear - 1)
    .map((d) => ({ ...d, ton: (kgByDate.get(d.ddate) ?? 0) / 1000 }));
});
afterAll(() => f?.close());

describe('the data set covers the edge cases', () => {
  it('five ISO years 2020–2024: 53 weeks in 2020, two leap days, holidays on Saturdays, a week without data', () => {
    expect(lastIsoYear).toBe(2025);
    expect(window.length).toBe(53 * 7 + 4 * 52 * 7); // 1,827 days
    expect(window[0]!.ddate).toBe('2019-12-30'); // calendar 2019, ISO 2020-W01
    expect(window.at(-1)!.ddate).toBe('2024-12-29'); // 2024-12-30 is ISO 2025-W01
    expect(window.filter((d) => d.isoWeek === 53).map((d) => d.ddate)).toEqual([
      '2020-12-28',
      '2020-12-29',
      '2020-12-30',
      '2020-12-31',
      '2021-01-01',
      '2021-01-02',
      '2021-01-03',
    ]);
    expect(window.filter((d) => d.ddate.endsWith('-02-29')).map((d) => [d.ddate, d.isoDow, d.business])).toEqual([
      ['2020-02-29', 6, true],
      ['2024-02-29', 4, true],
    ]);
    expect(window.some((d) => d.isoDow === 6 && d.reserve)).toBe(true);
    expect(window.some((d) => d.isoDow < 6 && d.reserve)).toBe(true);
    const missing = window.filter((d) => d.isoYear === 2022 && d.isoWeek === 10);
    expect(missing.map((d) => d.ton)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('5-year MVs by value', () => {
  const close = (got: number | null, want: number | null) => {
    if (want === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(want, 9);
  };

  it('mv_inb_avg5y_day_biz: average tons per (ISO week, weekday) over business days, with count and years', async () => {
    const got = await f.pool.query<{
      iso_week: number;
      iso_dow: number;
      avg_ton: string;
      n_days: string;
      year_from: number;
      year_to: number;
    }>(
      `select iso_week, iso_dow, avg_ton::text, n_days::text, year_from, year_to from mart.mv_inb_avg5y_day_biz order by iso_week, iso_dow`,
    );
    const want = [
      ...groupBy(
        window.filter((d) => d.business),
        (d) => `${d.isoWeek}/${d.isoDow}`,
      ).values(),
    ]
      .map((g) => ({
        iso_week: g[0]!.isoWeek,
        iso_dow: g[0]!.isoDow,
        avg: mean(g.map((d) => d.ton)),
        n: g.length,
        from: Math.min(...g.map((d) => d.isoYear)),
        to: Math.max(...g.map((d) => d.isoYear)),
      }))
      .sort((a, b) => a.iso_week - b.iso_week || a.iso_dow - b.iso_dow);
    expect(got.rows.map((r) => [r.iso_week, r.iso_dow])).toEqual(want.map((w) => [w.iso_week, w.iso_dow]));
    got.rows.forEach((r, i) => {
      const w = want[i]!;
      expect([r.iso_week, r.iso_dow, Number(r.n_days), r.year_from, r.year_to]).toEqual([
        w.iso_week,
        w.iso_dow,
        w.n,
        w.from,
        w.to,
      ]);
      close(num(r.avg_ton), w.avg);
    });
    // Week 53 exists in 2020 only; Sunday never is a business day.
    expect(want.filter((w) => w.iso_week === 53).every((w) => w.n === 1 && w.from === 2020)).toBe(true);
    expect(want.some((w) => w.iso_dow === 7)).toBe(false);
  });

  it('mv_inb_avg5y_day_scope: scope all (every day) and scope biz (business days)', async () => {
    const got = await f.pool.query<{
      scope: string;
      iso_week: number;
      iso_dow: number;
      avg_ton: string;
      n_days: string;
    }>(
      `select scope, iso_week, iso_dow, avg_ton::text, n_days::text from mart.mv_inb_avg5y_day_scope order by scope, iso_week, iso_dow`,
    );
    const want: { scope: string; iso_week: number; iso_dow: number; avg: number; n: number }[] = [];
    for (const [scope, days] of [
      ['all', window],
      ['biz', window.filter((d) => d.business)],
    ] as const) {
      for (const g of groupBy(days, (d) => `${d.isoWeek}/${d.isoDow}`).values()) {
        want.push({
          scope,
          iso_week: g[0]!.isoWeek,
          iso_dow: g[0]!.isoDow,
          avg: mean(g.map((d) => d.ton)),
          n: g.length,
        });
      }
    }
    want.sort((a, b) => a.scope.localeCompare(b.scope) || a.iso_week - b.iso_week || a.iso_dow - b.iso_dow);
    expect(got.rows.map((r) => [r.scope, r.iso_week, r.iso_dow, Number(r.n_days)])).toEqual(
      want.map((w) => [w.scope, w.iso_week, w.iso_dow, w.n]),
    );
    got.rows.forEach((r, i) => close(num(r.avg_ton), want[i]!.avg));
    const allDays = got.rows.filter((r) => r.scope === 'all').reduce((a, r) => a + Number(r.n_days), 0);
    expect(allDays).toBe(1827);
  });

  it('mv_inb_avg5y_weeksum_biz: mean and sample stddev of the weekly business-day sums', async () => {
    const got = await f.pool.query<{
      iso_week: number;
      avg_week_ton: string;
      stddev_week_ton: string | null;
      n_weeks: string;
    }>(
      `select iso_week, avg_week_ton::text, stddev_week_ton::text, n_weeks::text from mart.mv_inb_avg5y_weeksum_biz order by iso_week`,
    );
    const sums = [
      ...groupBy(
        window.filter((d) => d.business),
        (d) => `${d.isoYear}/${d.isoWeek}`,
      ).values(),
    ].map((g) => ({ isoWeek: g[0]!.isoWeek, sum: g.reduce((a, d) => a + d.ton, 0) }));
    const want = [...groupBy(sums, (s) => String(s.isoWeek)).values()]
      .map((g) => ({ iso_week: g[0]!.isoWeek, xs: g.map((s) => s.sum) }))
      .sort((a, b) => a.iso_week - b.iso_week);
    expect(got.rows.map((r) => [r.iso_week, Number(r.n_weeks)])).toEqual(want.map((w) => [w.iso_week, w.xs.length]));
    got.rows.forEach((r, i) => {
      close(num(r.avg_week_ton), mean(want[i]!.xs));
      close(num(r.stddev_week_ton), stddevSamp(want[i]!.xs));
    });
    // The week without data counts as a week of 0 t; week 53 has one year, so no stddev.
    expect(Math.min(...want.find((w) => w.iso_week === 10)!.xs)).toBe(0);
    expect(got.rows.find((r) => r.iso_week === 53)).toMatchObject({ n_weeks: '1', stddev_week_ton: null });
  });

  it('mv_inb5y_week_profile_min: business-day and reserve-day (Sunday/holiday) averages per ISO week', async () => {
    const got = await f.pool.query<{
      iso_week: number;
      avg_biz_day_ton: string | null;
      avg_reserve_day_ton: string | null;
      n_biz_days: string;
      n_reserve_days: string;
    }>(
      `select iso_week, avg_biz_day_ton::text, avg_reserve_day_ton::text, n_biz_days::text, n_reserve_days::text
       from mart.mv_inb5y_week_profile_min order by iso_week`,
    );
    const want = [...groupBy(window, (d) => String(d.isoWeek)).values()]
      .map((g) => {
        const biz = g.filter((d) => d.business).map((d) => d.ton);
        const res = g.filter((d) => d.reserve).map((d) => d.ton);
        return {
          iso_week: g[0]!.isoWeek,
          biz: biz.length ? mean(biz) : null,
          res: res.length ? mean(res) : null,
          nBiz: biz.length,
          nRes: res.length,
        };
      })
      .sort((a, b) => a.iso_week - b.iso_week);
    expect(got.rows.map((r) => [r.iso_week, Number(r.n_biz_days), Number(r.n_reserve_days)])).toEqual(
      want.map((w) => [w.iso_week, w.nBiz, w.nRes]),
    );
    got.rows.forEach((r, i) => {
      close(num(r.avg_biz_day_ton), want[i]!.biz);
      close(num(r.avg_reserve_day_ton), want[i]!.res);
    });
    // Every day is either a business day or a reserve day, and holidays move days between them.
    expect(want.reduce((a, w) => a + w.nBiz + w.nRes, 0)).toBe(1827);
    expect(want.find((w) => w.iso_week === 1)!.nRes).toBeGreaterThan(5);
  });
});
