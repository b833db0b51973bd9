import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { seedReferenceData } from '@warehouse/demo/seed';
import { isOpenPath } from '../src/app.ts';
import { parseTargetsCsv } from '../src/routes/targets.ts';
import { multipart, testApp, waitFor, waitForUpload, type TestApp } from './helper.ts';

const TOKEN = 'console-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const good = readFileSync(new URL('./fixtures/good-receive.csv', import.meta.url));
let t: TestApp;

beforeAll(async () => {
  t = await testApp({ apiToken: TOKEN });
  const c = await t.pool.connect();
  try {
    await seedReferenceData(c, { from: '2019-01-01', to: '2025-12-31' });
  } finally {
    c.release();
  }
  await t.startWorker();
});
afterAll(async () => t?.close());

const get = (url: string, headers: Record<string, string> = auth) => t.app.inject({ method: 'GET', url, headers });

describe('API_TOKEN: one check for every data route', () => {
  it('reads need the token too; the scheme is case-insensitive (RFC 7235)', async () => {
    for (const url of [
      '/mv',
      '/uploads',
      '/inbound/daily?from=2025-04-01&to=2025-04-30',
      '/dashboard/target-card?date=2025-04-01',
      '/dashboard/month?month=2025-04',
      '/targets?from=2025-01&to=2025-12',
      '/nope',
    ]) {
      const res = await get(url, {});
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toMatchObject({ code: 'E_UNAUTHORIZED' });
    }
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      expect((await get('/mv', { authorization: `${scheme} ${TOKEN}` })).statusCode, scheme).toBe(200);
    }
    expect((await get('/mv', { authorization: `Bearer ${TOKEN}x` })).statusCode).toBe(401);
    expect((await get('/mv', { authorization: `Basic ${TOKEN}` })).statusCode).toBe(401);
  });

  it('probes, metrics, docs and the console files stay open', async () => {
    expect((await get('/healthz', {})).statusCode).toBe(200);
    expect((await get('/metrics', {})).statusCode).toBe(200);
    expect((await get('/', {})).statusCode).not.toBe(401);
    for (const p of [
      '/healthz',
      '/readyz',
      '/metrics',
      '/openapi.json',
      '/docs',
      '/docs/static/index.html',
      '/',
      '/index.html',
      '/assets/index-abc.js',
      '/favicon.svg',
    ])
      expect(isOpenPath(p), p).toBe(true);
    for (const p of ['/mv', '/uploads/1', '/documents', '/assets', '/dashboard/month', '/targets/csv', '/upload/csv'])
      expect(isOpenPath(p), p).toBe(false);
  });
});

describe('dashboard reads', () => {
  it('a month of daily receipts against target, weekly/monthly totals, the 5-year profile', async () => {
    // Before any refresh the MVs are not populated: empty figures, not a 500.
    expect((await get('/dashboard/month?month=2025-04')).json()).toEqual({
      month: '2025-04',
      days: [],
      lastYear: { month: '2024-04', receiveNetTon: null, days: [] },
    });
    const body = multipart([
      { name: 'flavour', value: 'final' },
      { name: 'receive', filename: 'r.csv', content: good },
    ]);
    const up = await t.app.inject({
      method: 'POST',
      url: '/upload/csv',
      payload: body.payload,
      headers: { ...body.headers, ...auth },
    });
    expect(up.statusCode).toBe(202);
    expect((await waitForUpload(t.pool, up.json().uploads[0].id)).status).toBe('success');
    const month = await waitFor('target card refreshed', async () => {
      const r = (await get('/dashboard/month?month=2025-04')).json();
      return r.days.length ? r : undefined;
    });
    expect(month.days).toHaveLength(30);
    const apr1 = month.days[0];
    expect(apr1.date).toBe('2025-04-01');
    const { rows } = await t.pool.query(
      `SELECT receive_net_ton::float AS ton FROM mart.mv_receive_daily WHERE ddate = '2025-04-01'`,
    );
    expect(apr1.actualTon).toBeCloseTo(rows[0].ton, 6);
    expect(typeof apr1.targetTon).toBe('number');

    const weekly = (await get('/dashboard/weekly?from=2025-03-31&to=2025-04-30')).json();
    expect(weekly.weeks[0]).toMatchObject({ isoYear: 2025, isoWeek: 14, weekStart: '2025-03-31' });
    const monthly = (await get('/dashboard/monthly?from=2025-01-01&to=2025-12-31')).json();
    expect(monthly.months.map((m: { month: string }) => m.month)).toEqual(['2025-04']);
    const profile = (await get('/dashboard/profile?year=2025')).json();
    expect(profile.weeks).toHaveLength(53);
    expect(profile.baseYears).toEqual([2020, 2021, 2022, 2023, 2024]);
    expect(profile.weeks[13].thisYearTon).toBeCloseTo(weekly.weeks[0].receiveNetTon, 6);
    expect(profile.weeks[13].avgTon).toBeNull(); // no earlier years in this database
  });

  it('bad parameters are 400s naming the parameter', async () => {
    const r = await get('/dashboard/month?month=2025-13');
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/month/);
    const w = await get('/dashboard/weekly?from=2025-05-01&to=2025-04-01');
    expect(w.statusCode).toBe(400);
    expect(w.json()).toMatchObject({ code: 'E_BAD_RANGE' });
    expect((await get('/dashboard/weekly?from=2025-02-30&to=2025-04-01')).json()).toMatchObject({ code: 'E_BAD_DATE' });
  });
});

describe('targets', () => {
  const put = (url: string, payload: object) => t.app.inject({ method: 'PUT', url, payload, headers: auth });

  it('sets a month target, records who did it, and queues the target card refresh', async () => {
    const before = await t.pool.query(
      `SELECT target_ton::float AS t FROM kpi.monthly_targets WHERE month = '2025-09-01'`,
    );
    const res = await put('/targets/month/2025-09', { targetTon: 1234.5, editor: ' 山田 ' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      scope: 'month',
      date: '2025-09-01',
      oldTon: before.rows[0]?.t ?? null,
      newTon: 1234.5,
    });
    const hist = (await get('/targets/history')).json();
    expect(hist.edits[0]).toMatchObject({
      editor: '山田',
      scope: 'month',
      date: '2025-09-01',
      newTon: 1234.5,
      source: 'form',
      fileName: null,
    });
    const months = (await get('/targets?from=2025-09&to=2025-10')).json();
    expect(months.months[0]).toMatchObject({ month: '2025-09', targetTon: 1234.5 });
    await waitFor('target card refresh logged', async () => {
      const r = await t.pool.query(
        `SELECT 1 FROM log.mv_refresh_log WHERE mv_name = 'mart.mv_target_card_per_day' AND trigger LIKE '%targets:山田%'`,
      );
      return r.rowCount;
    });
  });

  it('refuses a blank editor or a negative target', async () => {
    expect((await put('/targets/month/2025-09', { targetTon: 1, editor: '  ' })).json()).toMatchObject({
      code: 'E_EDITOR',
    });
    expect((await put('/targets/month/2025-09', { targetTon: -1, editor: 'a' })).statusCode).toBe(400);
    expect((await put('/targets/day/2025-02-30', { targetTon: 1, editor: 'a' })).json()).toMatchObject({
      code: 'E_BAD_DATE',
    });
  });

  it('a targets CSV is applied all-or-nothing', async () => {
    const send = (csv: string, editor = '佐藤') => {
      const b = multipart([
        { name: 'editor', value: editor },
        { name: 'file', filename: 'targets.csv', content: csv },
      ]);
      return t.app.inject({
        method: 'POST',
        url: '/targets/csv',
        payload: b.payload,
        headers: { ...b.headers, ...auth },
      });
    };
    const bad = await send('month,target_ton\n2025-10,100\n2025-11,abc\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'E_TARGETS_INVALID',
      errors: [{ line: 3, column: 'target_ton', value: 'abc' }],
    });
    const oct = await t.pool.query(`SELECT target_ton::float AS t FROM kpi.monthly_targets WHERE month = '2025-10-01'`);
    expect(oct.rows[0]?.t).not.toBe(100);
    const ok = await send('date,target_ton\n2025-10-01,"1,200.5"\n2025-10-02,0\n');
    expect(ok.json()).toEqual({ applied: 2, months: 0, days: 2 });
    const plan = await t.pool.query(
      `SELECT to_char(ddate, 'YYYY-MM-DD') AS d, target_ton::float AS t FROM mart.daily_target_plan WHERE ddate IN ('2025-10-01', '2025-10-02') ORDER BY ddate`,
    );
    expect(plan.rows).toEqual([
      { d: '2025-10-01', t: 1200.5 },
      { d: '2025-10-02', t: 0 },
    ]);
    expect((await send('month,target_ton\n2025-10,1\n', '')).json()).toMatchObject({ code: 'E_EDITOR' });
  });

  it('parseTargetsCsv: Japanese headers, CP932, duplicates and a wrong header', () => {
    expect(parseTargetsCsv(Buffer.from('\uFEFF年月,目標トン\r\n2025-01,10\r\n')).rows).toEqual([
      { scope: 'month', date: '2025-01-01', ton: 10 },
    ]);
    const dup = parseTargetsCsv(Buffer.from('month,target_ton\n2025-01,1\n2025-01,2\n'));
    expect(dup.errors).toEqual([
      {
        line: 3,
        column: 'month',
        value: '2025-01',
        reason: 'also on line 2; give each month or date once',
        code: 'R_TARGET_REPEATED',
        params: { line: 2 },
      },
    ]);
    expect(parseTargetsCsv(Buffer.from('a,b\n1,2\n')).errors[0]).toMatchObject({
      reason: expect.stringMatching(/header must be/),
      code: 'R_TARGET_HEADER',
    });
  });
});
