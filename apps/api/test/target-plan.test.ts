/**
 * A month's target and its daily plan stay equal: PUT /targets/month spreads the month over its
 * days, PUT /targets/day re-sums the month; the dashboard's source view (which takes the plan
 * first) then says the month's figure. Sums are PostgreSQL's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedReference, splitByWeight } from '@warehouse/demo/seed';
import { testApp, type TestApp } from './helper.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  const c = await t.pool.connect();
  try {
    await seedReference(c, { from: '2025-01-01', to: '2025-12-31' });
  } finally {
    c.release();
  }
});
afterAll(async () => t?.close());

const put = (url: string, targetTon: number, editor = '山田') =>
  t.app.inject({ method: 'PUT', url, payload: { targetTon, editor } });
const one = async <T>(sql: string, params: unknown[] = []) => (await t.pool.query(sql, params)).rows[0] as T;
const monthSums = (m: string) =>
  one<{ plan: number; view: number; month: number; off: number }>(
    `SELECT (SELECT sum(target_ton)::float8 FROM mart.daily_target_plan WHERE to_char(ddate, 'YYYY-MM') = $1) AS plan,
            (SELECT sum(target_ton)::float8 FROM mart.v_daily_target_with_calendar WHERE to_char(ddate, 'YYYY-MM') = $1) AS view,
            (SELECT target_ton::float8 FROM kpi.monthly_targets WHERE to_char(month, 'YYYY-MM') = $1) AS month,
            (SELECT coalesce(sum(p.target_ton), 0)::float8 FROM mart.daily_target_plan p JOIN ref.calendar c USING (ddate)
              WHERE to_char(ddate, 'YYYY-MM') = $1 AND NOT c.is_business_day) AS off`,
    [m],
  );

describe('month target ↔ daily plan', () => {
  it('splitByWeight: integers in proportion, adding up exactly', () => {
    expect(splitByWeight(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitByWeight(7_600_000, [1, 0.55, 0, 1]).reduce((a, b) => a + b)).toBe(7_600_000);
    expect(splitByWeight(5, [0, 2, 0])).toEqual([0, 5, 0]);
  });

  it('a month edit spreads over its plan in the plan’s proportions; the dashboard view follows', async () => {
    const before = await t.pool.query<{ d: string; t: number }>(
      `SELECT to_char(ddate, 'YYYY-MM-DD') AS d, target_ton::float8 AS t FROM mart.daily_target_plan WHERE ddate >= '2025-09-01' AND ddate < '2025-10-01' ORDER BY ddate`,
    );
    const res = await put('/targets/month/2025-09', 7600.25);
    expect(res.statusCode, res.body).toBe(200);
    expect(await monthSums('2025-09')).toEqual({ plan: 7600.25, view: 7600.25, month: 7600.25, off: 0 });
    const after = await t.pool.query<{ d: string; t: number }>(
      `SELECT to_char(ddate, 'YYYY-MM-DD') AS d, target_ton::float8 AS t FROM mart.daily_target_plan WHERE ddate >= '2025-09-01' AND ddate < '2025-10-01' ORDER BY ddate`,
    );
    const oldSum = before.rows.reduce((a, r) => a + r.t, 0);
    for (const [i, r] of after.rows.entries()) expect(r.t).toBeCloseTo((before.rows[i]!.t * 7600.25) / oldSum, 2);
    // Recorded: the month as typed, and each day it changed, with the same editor.
    const edits = await t.pool.query<{ scope: string; n: number; editors: string[] }>(
      `SELECT scope, count(*)::int AS n, array_agg(DISTINCT editor) AS editors FROM kpi.target_edit
        WHERE ddate >= '2025-09-01' AND ddate < '2025-10-01' GROUP BY scope ORDER BY scope`,
    );
    expect(edits.rows).toEqual([
      { scope: 'day', n: after.rows.filter((r, i) => r.t !== before.rows[i]!.t).length, editors: ['山田'] },
      { scope: 'month', n: 1, editors: ['山田'] },
    ]);
  });

  it("a month without a plan is spread by the seeds' rule: business days, Saturdays at 0.55, none on Sundays and holidays", async () => {
    await t.pool.query(`DELETE FROM mart.daily_target_plan WHERE ddate >= '2025-06-01' AND ddate < '2025-07-01'`);
    expect((await put('/targets/month/2025-06', 4321)).statusCode).toBe(200);
    expect(await monthSums('2025-06')).toEqual({ plan: 4321, view: 4321, month: 4321, off: 0 });
    const r = await one<{ wd: number; sat: number }>(
      `SELECT max(p.target_ton) FILTER (WHERE c.iso_dow = 2)::float8 AS wd, max(p.target_ton) FILTER (WHERE c.iso_dow = 6)::float8 AS sat
         FROM mart.daily_target_plan p JOIN ref.calendar c USING (ddate)
        WHERE ddate >= '2025-06-01' AND ddate < '2025-07-01' AND c.is_business_day`,
    );
    expect(r.sat / r.wd).toBeCloseTo(0.55, 3);
  });

  it("a day's plan edit makes the month its plan's sum, recorded", async () => {
    const month = await monthSums('2025-09');
    const day = await one<{ t: number }>(
      `SELECT target_ton::float8 AS t FROM mart.daily_target_plan WHERE ddate = '2025-09-02'`,
    );
    const res = await put('/targets/day/2025-09-02', 500, '佐藤');
    expect(res.statusCode, res.body).toBe(200);
    const expected = Math.round((month.plan - day.t + 500) * 1000) / 1000;
    expect(await monthSums('2025-09')).toEqual({ plan: expected, view: expected, month: expected, off: 0 });
    const last = await t.pool.query(
      `SELECT editor, scope, to_char(ddate, 'YYYY-MM-DD') AS d, old_ton::float8 AS o, new_ton::float8 AS n FROM kpi.target_edit ORDER BY id DESC LIMIT 2`,
    );
    expect(last.rows).toEqual([
      { editor: '佐藤', scope: 'day', d: '2025-09-02', o: day.t, n: 500 },
      { editor: '佐藤', scope: 'month', d: '2025-09-01', o: month.month, n: expected },
    ]);
  });
});
