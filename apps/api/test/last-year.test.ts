/**
 * The dashboard's same month last year (GET /dashboard/monthly's lastYearTon, GET /dashboard/month's
 * lastYear) against an independent sum over the stg tables (final wins over flash per date, written
 * here as NOT IN rather than the view's NOT EXISTS), and the 5-year profile's partial week.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvText, receiveRows } from './csv.ts';
import { multipart, testApp, waitFor, waitForUpload, type TestApp } from './helper.ts';

let t: TestApp;
const upload = async (flavour: string, csv: string, name: string) => {
  const b = multipart([
    { name: 'flavour', value: flavour },
    { name: 'receive', filename: name, content: Buffer.from(csv) },
  ]);
  const res = await t.app.inject({ method: 'POST', url: '/upload/csv', payload: b.payload, headers: b.headers });
  expect(res.statusCode, res.body).toBe(202);
  expect((await waitForUpload(t.pool, res.json().uploads[0].id)).status).toBe('success');
};

beforeAll(async () => {
  t = await testApp();
  await t.startWorker();
  // 2024-03: flash for the whole month, final for its first 10 days (those win); 2025-03: flash to the 12th (a Wednesday).
  await upload(
    'flash',
    csvText(
      'receive',
      receiveRows('2024-03-01', 31, 3, (d, i) => 1000 + d * 37 + i * 11, 'A'),
    ),
    'a.csv',
  );
  await upload(
    'final',
    csvText(
      'receive',
      receiveRows('2024-03-01', 10, 2, (d, i) => 2500 + d * 13 + i, 'B'),
    ),
    'b.csv',
  );
  await upload(
    'flash',
    csvText(
      'receive',
      receiveRows('2025-03-01', 12, 2, (d, i) => 1800 + d * 7 + i * 3, 'C'),
    ),
    'c.csv',
  );
  await waitFor('the MVs refreshed', async () => {
    const r = await t.pool.query(`SELECT count(*)::int AS n FROM mart.mv_receive_daily WHERE ddate >= '2025-03-01'`);
    return r.rows[0].n === 12;
  });
});
afterAll(async () => t?.close());

const stgTons = async (from: string, to: string) =>
  (
    await t.pool.query<{ t: number }>(
      `SELECT (sum(kg) / 1000)::float8 AS t FROM (
         SELECT net_weight_kg AS kg FROM stg.shogun_final_receive WHERE slip_date BETWEEN $1 AND $2
         UNION ALL
         SELECT net_weight_kg FROM stg.shogun_flash_receive
          WHERE slip_date BETWEEN $1 AND $2 AND slip_date NOT IN (SELECT slip_date FROM stg.shogun_final_receive)) x`,
      [from, to],
    )
  ).rows[0]!.t;

describe('same month last year', () => {
  it('monthly totals carry last year’s month, equal to a sum over stg', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/dashboard/monthly?from=2025-01-01&to=2025-12-31' });
    const [mar] = res.json().months;
    const expected = await stgTons('2024-03-01', '2024-03-31');
    expect(expected).toBeGreaterThan(0);
    expect(mar.month).toBe('2025-03');
    expect(mar.receiveNetTon).toBeCloseTo(await stgTons('2025-03-01', '2025-03-31'), 6);
    expect(mar.lastYearTon).toBeCloseTo(expected, 6);
    const y2024 = await t.app.inject({ method: 'GET', url: '/dashboard/monthly?from=2024-01-01&to=2024-12-31' });
    expect(y2024.json().months[0].lastYearTon).toBeNull();
  });

  it("the month's chart data has last year's days and total", async () => {
    const res = await t.app.inject({ method: 'GET', url: '/dashboard/month?month=2025-03' });
    const { lastYear } = res.json();
    expect(lastYear.month).toBe('2024-03');
    expect(lastYear.days).toHaveLength(31);
    expect(lastYear.receiveNetTon).toBeCloseTo(await stgTons('2024-03-01', '2024-03-31'), 6);
    expect(lastYear.days[4]).toEqual({
      date: '2024-03-05',
      receiveNetTon: expect.closeTo(await stgTons('2024-03-05', '2024-03-05'), 6),
    });
  });

  it('the 5-year profile marks the week of the latest data as partial when it ends before Saturday', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/dashboard/profile?year=2025' });
    const weeks = res.json().weeks as { isoWeek: number; thisYearTon: number | null; thisYearPartial: boolean }[];
    // 2025-03-12 is the Wednesday of ISO week 11: that week is partial, week 10 is whole.
    expect(weeks.filter((w) => w.thisYearPartial).map((w) => w.isoWeek)).toEqual([11]);
    expect(weeks[9]!.thisYearTon).toBeCloseTo(await stgTons('2025-03-03', '2025-03-09'), 6);
  });
});
