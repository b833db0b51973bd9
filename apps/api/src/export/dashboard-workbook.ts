/**
 * The dashboard of one month as an Excel workbook: one sheet per table or chart of the console's
 * dashboard, read through the same functions as its JSON routes (reads/dashboard.ts) over the same
 * periods as the page asks for, so the file and the screen show the same numbers.
 *
 * Cells are real numbers and dates (Excel sums and sorts them) with number formats: tons with one
 * decimal, yen as ¥ amounts, ratios as percentages. Each sheet has a title row (the period and the
 * time of export, Japan time), a frozen header row, set widths and A4 landscape page setup.
 */
import ExcelJS from 'exceljs';
import type pg from 'pg';
import {
  readCustomerSalesDaily,
  readMonth,
  readMonthly,
  readProfile,
  readReps,
  readWeekly,
} from '../reads/dashboard.ts';

const TON = '#,##0.0';
const TON_DELTA = '+#,##0.0;-#,##0.0;0.0';
const YEN = '"¥"#,##0';
const INT = '#,##0';
const PCT = '0.0%';
const DATE = 'yyyy/mm/dd';
const MONTH = 'yyyy/mm';

type Cell = number | string | Date | null;
interface Col {
  header: string;
  width: number;
  fmt?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** A YYYY-MM-DD (or YYYY-MM) as a date cell: midnight UTC, which exceljs writes as a whole serial day. */
const day = (iso: string): Date => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number?];
  return new Date(Date.UTC(y, m - 1, d ?? 1));
};
const lastDayOf = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${pad(new Date(Date.UTC(y, m, 0)).getUTCDate())}`;
};
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b ? a / b : null);

/** "2026/12/08 01:40" in Japan time. */
export const japanTime = (d: Date) =>
  new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);

/** The periods the console's dashboard asks for when it shows `month` (Dashboard.tsx). */
export function dashboardPeriods(month: string) {
  const year = Number(month.slice(0, 4));
  const from = `${month}-01`;
  const to = lastDayOf(month);
  // Weeks are listed by their Monday: 6 days early so the week holding the 1st is included.
  const weekFrom = new Date(day(from).getTime() - 6 * 86_400_000).toISOString().slice(0, 10);
  return { year, from, to, weekFrom, yearFrom: `${year}-01-01`, yearTo: `${year}-12-31` };
}

/** The file name the route offers: the period in it, so a month's files sort and do not overwrite each other. */
export const workbookFileName = (month: string) => `受入ダッシュボード_${month}.xlsx`;

function addSheet(wb: ExcelJS.Workbook, name: string, title: string, cols: Col[], rows: Cell[][]): void {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 2 }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:2',
    },
  });
  cols.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));
  ws.addRow([title]).font = { bold: true, size: 12 };
  const head = ws.addRow(cols.map((c) => c.header));
  head.font = { bold: true };
  head.eachCell((cell, i) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE5E7EB' } };
    cell.alignment = { horizontal: i === 1 ? 'left' : 'center' };
  });
  for (const r of rows) {
    const row = ws.addRow(r);
    cols.forEach((c, i) => {
      if (c.fmt) row.getCell(i + 1).numFmt = c.fmt;
    });
  }
}

/** Build the workbook of `month` (YYYY-MM) as the dashboard shows it; `now`: the time of export. */
export async function dashboardWorkbook(pool: pg.Pool, month: string, now: Date): Promise<ExcelJS.Workbook> {
  const p = dashboardPeriods(month);
  const [m, weekly, monthly, profile, reps, sales] = await Promise.all([
    readMonth(pool, month),
    readWeekly(pool, p.weekFrom, p.to),
    readMonthly(pool, p.yearFrom, p.yearTo),
    readProfile(pool, p.year),
    readReps(pool, p.from, p.to),
    readCustomerSalesDaily(pool, p.from, p.to),
  ]);
  const [y, mo] = month.split('-');
  const period = `${y}年${Number(mo)}月`;
  const stamp = `出力 ${japanTime(now)} (日本時間)`;
  const title = (what: string) => `受入ダッシュボード ${period} — ${what} — ${stamp}`;

  const wb = new ExcelJS.Workbook();
  wb.creator = 'pg-warehouse-toolkit';
  wb.created = now;

  // Summary: the dashboard's cards (the latest day with receipts, as the page picks it).
  const days = m.days;
  const latest = [...days].reverse().find((d) => d.actualTon != null && d.actualTon > 0);
  const monthTarget = days.length ? days.reduce((a, d) => a + (d.targetTon ?? 0), 0) : null;
  const monthActual = days.length ? days.reduce((a, d) => a + (d.actualTon ?? 0), 0) : null;
  const asOf = latest ? day(latest.date) : null;
  addSheet(
    wb,
    '概要',
    title('概要'),
    [
      { header: '項目', width: 26 },
      { header: '基準日', width: 13, fmt: DATE },
      { header: '実績 (t)', width: 13, fmt: TON },
      { header: '目標 (t)', width: 13, fmt: TON },
      { header: '達成率', width: 10, fmt: PCT },
    ],
    [
      ['月目標', null, null, monthTarget, null],
      [
        '月累計',
        asOf,
        latest ? latest.mtdActualTon : null,
        latest?.mtdTargetTon ?? null,
        ratio(latest?.mtdActualTon, latest?.mtdTargetTon),
      ],
      [
        '週累計',
        asOf,
        latest ? latest.wtdActualTon : null,
        latest?.wtdTargetTon ?? null,
        ratio(latest?.wtdActualTon, latest?.wtdTargetTon),
      ],
      ['当月実績', null, monthActual, monthTarget, ratio(monthActual, monthTarget)],
      [`前年同月 (${m.lastYear.month})`, null, m.lastYear.receiveNetTon, null, null],
    ],
  );

  const lastYearByDay = new Map(m.lastYear.days.map((d) => [d.date.slice(8), d.receiveNetTon]));
  addSheet(
    wb,
    '日別',
    title('日別の受入と目標'),
    [
      { header: '日付', width: 13, fmt: DATE },
      { header: '目標 (t)', width: 11, fmt: TON },
      { header: '実績 (t)', width: 11, fmt: TON },
      { header: `前年同日 (t) ${m.lastYear.month}`, width: 19, fmt: TON },
      { header: '週累計目標 (t)', width: 15, fmt: TON },
      { header: '週累計実績 (t)', width: 15, fmt: TON },
      { header: '月累計目標 (t)', width: 15, fmt: TON },
      { header: '月累計実績 (t)', width: 15, fmt: TON },
    ],
    days.map((d) => [
      day(d.date),
      d.targetTon,
      d.actualTon,
      lastYearByDay.get(d.date.slice(8)) ?? null,
      d.wtdTargetTon,
      d.wtdActualTon,
      d.mtdTargetTon,
      d.mtdActualTon,
    ]),
  );

  addSheet(
    wb,
    '5年週別',
    title(`5年の週別 (平均: ${profile.baseYears[0]}〜${profile.baseYears[4]}年)`),
    [
      { header: 'ISO週', width: 8, fmt: INT },
      { header: '5年平均 (t)', width: 13, fmt: TON },
      { header: '標準偏差 (t)', width: 13, fmt: TON },
      { header: `${p.year}年 (t)`, width: 12, fmt: TON },
      { header: '集計途中の週', width: 13 },
    ],
    profile.weeks.map((w) => [w.isoWeek, w.avgTon, w.stddevTon, w.thisYearTon, w.thisYearPartial ? '途中' : null]),
  );

  addSheet(
    wb,
    '週別',
    title('週別の合計'),
    [
      { header: 'ISO年', width: 8 },
      { header: 'ISO週', width: 8, fmt: INT },
      { header: '週の初日', width: 13, fmt: DATE },
      { header: '受入 (t)', width: 12, fmt: TON },
      { header: '伝票数', width: 10, fmt: INT },
      { header: '金額', width: 16, fmt: YEN },
    ],
    weekly.map((w) => [w.isoYear, w.isoWeek, day(w.weekStart), w.receiveNetTon, w.slipCount, w.amountYen]),
  );

  addSheet(
    wb,
    '月別',
    title(`${p.year}年の月別の合計`),
    [
      { header: '月', width: 10, fmt: MONTH },
      { header: '受入 (t)', width: 12, fmt: TON },
      { header: '前年同月 (t)', width: 13, fmt: TON },
      { header: '前年差 (t)', width: 12, fmt: TON_DELTA },
      { header: '前年比', width: 10, fmt: PCT },
      { header: '伝票数', width: 10, fmt: INT },
      { header: '金額', width: 16, fmt: YEN },
    ],
    monthly.map((r) => [
      day(r.month),
      r.receiveNetTon,
      r.lastYearTon,
      r.lastYearTon == null || r.receiveNetTon == null ? null : r.receiveNetTon - r.lastYearTon,
      ratio(r.receiveNetTon, r.lastYearTon),
      r.slipCount,
      r.amountYen,
    ]),
  );

  addSheet(
    wb,
    '担当者別出荷',
    title('営業担当者別の出荷'),
    [
      { header: '営業担当者', width: 18 },
      { header: '出荷 (t)', width: 12, fmt: TON },
      { header: '伝票数', width: 10, fmt: INT },
      { header: '金額', width: 16, fmt: YEN },
    ],
    reps.map((r) => [r.salesRep || '—', r.shipmentNetTon, r.slipCount, r.amountYen]),
  );

  // Customers by amount, as the dashboard ranks them (it shows the first 10; the file has all).
  const by = new Map<string, { cd: string; name: string; ton: number; yen: number; slips: number }>();
  for (const r of sales) {
    const c = by.get(r.customerCd) ?? {
      cd: r.customerCd,
      name: r.customerName ?? r.customerCd,
      ton: 0,
      yen: 0,
      slips: 0,
    };
    c.ton += r.netTon;
    c.yen += r.amountYen;
    c.slips += r.slipCount;
    by.set(r.customerCd, c);
  }
  addSheet(
    wb,
    '得意先別売上',
    title('得意先別の売上 (金額順)'),
    [
      { header: '得意先CD', width: 12 },
      { header: '得意先', width: 24 },
      { header: '売上 (t)', width: 12, fmt: TON },
      { header: '伝票数', width: 10, fmt: INT },
      { header: '金額', width: 16, fmt: YEN },
    ],
    [...by.values()].sort((a, b) => b.yen - a.yen).map((c) => [c.cd, c.name || '—', c.ton, c.slips, c.yen]),
  );
  return wb;
}
