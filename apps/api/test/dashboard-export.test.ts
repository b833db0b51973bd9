/**
 * GET /dashboard/export.xlsx: the workbook holds what the dashboard's JSON routes answer for the
 * same month, read back twice — with exceljs (the writer's own library) and with an independent
 * reader of the Office Open XML (xlsx-xml.ts: node:zlib and the spec's XML), which sees what a
 * spreadsheet program sees: numbers and dates stored as numbers with their formats, not text.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedReference } from '@warehouse/demo/seed';
import { csvText, receiveRows, row } from './csv.ts';
import { multipart, testApp, waitFor, waitForUpload, type TestApp } from './helper.ts';
import { readXlsx, serialToDay, type XmlSheet } from './xlsx-xml.ts';
import type {
  MonthResponse,
  MonthlyResponse,
  ProfileResponse,
  RepsResponse,
  WeeklyResponse,
} from '../src/routes/dashboard.ts';

const MONTH = '2025-03';
let t: TestApp;
const upload = async (kind: 'receive' | 'shipment', flavour: string, csv: string, name: string) => {
  const b = multipart([
    { name: 'flavour', value: flavour },
    { name: kind, filename: name, content: Buffer.from(csv) },
  ]);
  const res = await t.app.inject({ method: 'POST', url: '/upload/csv', payload: b.payload, headers: b.headers });
  expect(res.statusCode, res.body).toBe(202);
  expect((await waitForUpload(t.pool, res.json().uploads[0].id)).status).toBe('success');
};
const get = async <T>(url: string) => {
  const res = await t.app.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
};

let before: Date;
let after: Date;
let file: Buffer;
let res: Awaited<ReturnType<TestApp['app']['inject']>>;

beforeAll(async () => {
  t = await testApp();
  await t.startWorker();
  const c = await t.pool.connect();
  try {
    await seedReference(c, { from: '2019-12-30', to: '2025-12-31' });
  } finally {
    c.release();
  }
  const target = await t.app.inject({
    method: 'PUT',
    url: `/targets/month/${MONTH}`,
    payload: { targetTon: 1234.5, editor: '山田' },
  });
  expect(target.statusCode, target.body).toBe(200);
  // Last year's month in full; this year from late February (the first week of March starts then) to the 12th.
  await upload(
    'receive',
    'flash',
    csvText(
      'receive',
      receiveRows('2024-03-01', 31, 2, (d, i) => 1000 + d * 37 + i * 11, 'A'),
    ),
    'a.csv',
  );
  await upload(
    'receive',
    'final',
    csvText(
      'receive',
      receiveRows('2025-02-20', 21, 3, (d, i) => 1800 + d * 7 + i * 333, 'B'),
    ),
    'b.csv',
  );
  // Shipments: two reps, three customers, amounts with yen that do not round to tons.
  const ship = [];
  for (let d = 1; d <= 9; d++)
    for (let i = 0; i < 3; i++) {
      const r = row('shipment', {
        date: `2025/03/0${d}`,
        slip: `P${d}-${i}`,
        line: 1,
        kg: String(300 + d * 17 + i),
        amount: String(12_345 + d * 101 + i * 7),
      });
      r[3] = `V00${i + 1}`;
      r[4] = ['青木商事', 'ベータ産業', '株式会社シー'][i]!;
      r[12] = i === 1 ? '佐藤' : '山田';
      ship.push(r);
    }
  await upload('shipment', 'flash', csvText('shipment', ship), 's.csv');
  await waitFor('the MVs refreshed', async () => {
    const r = await t.pool.query(
      `SELECT (SELECT count(*) FROM mart.mv_receive_daily WHERE ddate BETWEEN '2025-03-01' AND '2025-03-12')::int AS r,
              (SELECT count(*) FROM mart.mv_shipment_daily WHERE ddate >= '2025-03-01')::int AS s,
              (SELECT count(*) FROM mart.mv_target_card_per_day WHERE ddate = '2025-03-12' AND actual_ton > 0 AND target_ton > 0)::int AS c`,
    );
    return r.rows[0].r === 12 && r.rows[0].s > 0 && r.rows[0].c === 1;
  });
  before = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  res = await t.app.inject({ method: 'GET', url: `/dashboard/export.xlsx?month=${MONTH}` });
  after = new Date();
  file = res.rawPayload;
});
afterAll(async () => t?.close());

type V = number | string | { date: string } | null;
const isDateFmt = (f: string) => /y/.test(f) && !/[#0]/.test(f.replace(/"[^"]*"/g, ''));
/** Data rows (from row 3) of an exceljs sheet: dates as { date }, empty cells as null. */
function rowsOf(ws: ExcelJS.Worksheet, width: number): V[][] {
  const out: V[][] = [];
  for (let r = 3; r <= ws.rowCount; r++)
    out.push(
      Array.from({ length: width }, (_, c) => {
        const v = ws.getRow(r).getCell(c + 1).value;
        if (v instanceof Date) return { date: v.toISOString().slice(0, 10) };
        return (v ?? null) as V;
      }),
    );
  return out;
}
/** The same from the independent reader: a number in a date format is a date. */
function xmlRowsOf(s: XmlSheet, width: number, height: number): V[][] {
  return Array.from({ length: height }, (_, r) =>
    Array.from({ length: width }, (_, c) => {
      const cell = s.cells.get(`${String.fromCharCode(65 + c)}${r + 3}`);
      if (!cell) return null;
      if (cell.type === 'n' && isDateFmt(cell.numFmt)) return { date: serialToDay(cell.value as number) };
      return cell.value;
    }),
  );
}
const jst = (d: Date) =>
  new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ').replace(/-/g, '/');

describe('GET /dashboard/export.xlsx', () => {
  it('answers a workbook named after the month', () => {
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="dashboard-${MONTH}.xlsx"; filename*=UTF-8''${encodeURIComponent(`受入ダッシュボード_${MONTH}.xlsx`)}`,
    );
    expect(file.subarray(0, 2).toString()).toBe('PK');
  });

  it('refuses a malformed month with the usual error body', async () => {
    const bad = await t.app.inject({ method: 'GET', url: '/dashboard/export.xlsx?month=2025-13' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('FST_ERR_VALIDATION');
    expect(bad.json().error).toMatch(/month/);
  });

  it('has every table of the dashboard with the JSON routes’ numbers, read alike by exceljs and the XML', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    const xml = readXlsx(file);
    const names = ['概要', '日別', '5年週別', '週別', '月別', '担当者別出荷', '得意先別売上'];
    expect(wb.worksheets.map((w) => w.name)).toEqual(names);
    expect(xml.map((s) => s.name)).toEqual(names);

    const m = await get<MonthResponse>(`/dashboard/month?month=${MONTH}`);
    const weekly = await get<WeeklyResponse>(`/dashboard/weekly?from=2025-02-23&to=2025-03-31`);
    const monthly = await get<MonthlyResponse>(`/dashboard/monthly?from=2025-01-01&to=2025-12-31`);
    const profile = await get<ProfileResponse>(`/dashboard/profile?year=2025`);
    const reps = await get<RepsResponse>(`/dashboard/shipments-by-rep?from=2025-03-01&to=2025-03-31`);
    const sales = await get<{
      rows: { customerCd: string; customerName: string; netTon: number; amountYen: number; slipCount: number }[];
    }>(`/sales/customers/daily?from=2025-03-01&to=2025-03-31`);
    // The page's cards (Dashboard.tsx): the latest day with receipts.
    const latest = [...m.days].reverse().find((d) => d.actualTon != null && d.actualTon > 0)!;
    expect(latest.date).toBe('2025-03-12');
    const target = m.days.reduce((a, d) => a + (d.targetTon ?? 0), 0);
    const actual = m.days.reduce((a, d) => a + (d.actualTon ?? 0), 0);
    expect(target).toBeCloseTo(1234.5, 6);
    expect(m.lastYear.receiveNetTon).toBeGreaterThan(0);
    const lyByDay = new Map(m.lastYear.days.map((d) => [d.date.slice(8), d.receiveNetTon]));
    const customers = new Map<string, V[]>();
    for (const r of sales.rows) {
      const c = customers.get(r.customerCd) ?? [r.customerCd, r.customerName, 0, 0, 0];
      c[2] = (c[2] as number) + r.netTon;
      c[3] = (c[3] as number) + r.slipCount;
      c[4] = (c[4] as number) + r.amountYen;
      customers.set(r.customerCd, c);
    }
    expect(customers.size).toBe(3);
    expect(reps.reps.map((r) => r.salesRep).sort()).toEqual(['佐藤', '山田']);
    const d = (date: string) => ({ date });

    const expected: Record<string, V[][]> = {
      概要: [
        ['月目標', null, null, target, null],
        [
          '月累計',
          d(latest.date),
          latest.mtdActualTon,
          latest.mtdTargetTon,
          latest.mtdActualTon! / latest.mtdTargetTon!,
        ],
        [
          '週累計',
          d(latest.date),
          latest.wtdActualTon,
          latest.wtdTargetTon,
          latest.wtdActualTon! / latest.wtdTargetTon!,
        ],
        ['当月実績', null, actual, target, actual / target],
        ['前年同月 (2024-03)', null, m.lastYear.receiveNetTon, null, null],
      ],
      日別: m.days.map((x) => [
        d(x.date),
        x.targetTon,
        x.actualTon,
        lyByDay.get(x.date.slice(8)) ?? null,
        x.wtdTargetTon,
        x.wtdActualTon,
        x.mtdTargetTon,
        x.mtdActualTon,
      ]),
      '5年週別': profile.weeks.map((w) => [
        w.isoWeek,
        w.avgTon,
        w.stddevTon,
        w.thisYearTon,
        w.thisYearPartial ? '途中' : null,
      ]),
      週別: weekly.weeks.map((w) => [w.isoYear, w.isoWeek, d(w.weekStart), w.receiveNetTon, w.slipCount, w.amountYen]),
      月別: monthly.months.map((x) => [
        d(`${x.month}-01`),
        x.receiveNetTon,
        x.lastYearTon,
        x.lastYearTon == null || x.receiveNetTon == null ? null : x.receiveNetTon - x.lastYearTon,
        x.lastYearTon && x.receiveNetTon != null ? x.receiveNetTon / x.lastYearTon : null,
        x.slipCount,
        x.amountYen,
      ]),
      担当者別出荷: reps.reps.map((r) => [r.salesRep, r.shipmentNetTon, r.slipCount, r.amountYen]),
      得意先別売上: [...customers.values()].sort((a, b) => (b[4] as number) - (a[4] as number)),
    };
    expect(expected['日別']).toHaveLength(31);
    expect(expected['週別']).toHaveLength(3); // the weeks with data whose Monday is in 2025-02-23 .. 03-31
    expect(expected['月別']).toHaveLength(2); // February and March: the view lists months with data
    for (const [name, rows] of Object.entries(expected)) {
      const width = rows[0]!.length;
      const ws = wb.getWorksheet(name)!;
      expect(rowsOf(ws, width), `${name} (exceljs)`).toEqual(rows);
      expect(
        xmlRowsOf(
          xml.find((s) => s.name === name)!,
          width,
          rows.length,
        ),
        `${name} (XML)`,
      ).toEqual(rows);
    }
  });

  it('formats tons with one decimal, yen as ¥ amounts, dates as dates; a title row with the period and Japan time; a frozen header', () => {
    const xml = readXlsx(file);
    for (const s of xml) {
      const title = s.cells.get('A1')!.value as string;
      expect(title).toContain('受入ダッシュボード 2025年3月');
      expect(
        [jst(before), jst(after)].some((stamp) => title.includes(`出力 ${stamp} (日本時間)`)),
        title,
      ).toBe(true);
      expect(s.frozenAt, s.name).toBe('A3');
      expect(s.widths.size, s.name).toBeGreaterThan(0);
      expect(s.cells.get('A2')!.type, 'headers are text').toMatch(/^(s|inlineStr)$/);
    }
    const daily = xml.find((s) => s.name === '日別')!;
    expect(daily.cells.get('A2')!.value).toBe('日付');
    expect(daily.cells.get('A3')).toMatchObject({ type: 'n', value: 45717, numFmt: 'yyyy/mm/dd' }); // 2025-03-01
    expect(daily.cells.get('C3')).toMatchObject({ type: 'n', numFmt: '#,##0.0' });
    const weekly = xml.find((s) => s.name === '週別')!;
    expect(weekly.cells.get('F2')!.value).toBe('金額');
    expect(weekly.cells.get('F3')).toMatchObject({ type: 'n', numFmt: '"¥"#,##0' });
    const monthly = xml.find((s) => s.name === '月別')!;
    expect(monthly.cells.get('E4')).toMatchObject({ type: 'n', numFmt: '0.0%' });
  });
});
