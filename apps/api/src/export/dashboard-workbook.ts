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
/** A column of a sheet: its header, width (characters), number format, and its cell in a row. */
interface Column<R> {
  header: string;
  width: number;
  fmt?: string;
  cell: (r: R) => Cell;
}
/** What a sheet shows: its tab, its title row, and one row per item through its columns. */
interface Sheet<R> {
  name: string;
  title: string;
  columns: Column<R>[];
  rows: readonly R[];
}

/** A sheet with its cells worked out, as {@link addSheet} writes it. */
interface Table {
  name: string;
  title: string;
  columns: Omit<Column<never>, 'cell'>[];
  rows: Cell[][];
}
/** The sheet `name` titled `title`: its rows as cells, through its columns. */
const table = <R>(name: string, title: string, { columns, rows }: Omit<Sheet<R>, 'name' | 'title'>): Table => ({
  name,
  title,
  columns,
  rows: rows.map((r) => columns.map((c) => c.cell(r))),
});

/** Columns more than one sheet has. */
const slips: Column<{ slipCount: number | null }> = { header: '伝票数', width: 10, fmt: INT, cell: (r) => r.slipCount };
const amount: Column<{ amountYen: number | null }> = { header: '金額', width: 16, fmt: YEN, cell: (r) => r.amountYen };

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

/** One sheet: the title row, the header row (frozen, printed on every page), the rows, A4 landscape. */
function addSheet(wb: ExcelJS.Workbook, { name, title, columns, rows }: Table): void {
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
  columns.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));
  ws.addRow([title]).font = { bold: true, size: 12 };
  const head = ws.addRow(columns.map((c) => c.header));
  head.font = { bold: true };
  head.eachCell((cell, i) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE5E7EB' } };
    cell.alignment = { horizontal: i === 1 ? 'left' : 'center' };
  });
  for (const r of rows) {
    const row = ws.addRow(r);
    columns.forEach((c, i) => {
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
  const lastYearByDay = new Map(m.lastYear.days.map((d) => [d.date.slice(8), d.receiveNetTon]));

  // Customers by amount, as the dashboard ranks them (it shows the first 10; the file has all).
  const by = new Map<string, { cd: string; name: string; ton: number; amountYen: number; slipCount: number }>();
  for (const r of sales) {
    const c = by.get(r.customerCd) ?? {
      cd: r.customerCd,
      name: r.customerName ?? r.customerCd,
      ton: 0,
      amountYen: 0,
      slipCount: 0,
    };
    c.ton += r.netTon;
    c.amountYen += r.amountYen;
    c.slipCount += r.slipCount;
    by.set(r.customerCd, c);
  }

  const sheets: Table[] = [
    table('概要', title('概要'), {
      columns: [
        { header: '項目', width: 26, cell: (r) => r.label },
        { header: '基準日', width: 13, fmt: DATE, cell: (r) => r.asOf },
        { header: '実績 (t)', width: 13, fmt: TON, cell: (r) => r.actual },
        { header: '目標 (t)', width: 13, fmt: TON, cell: (r) => r.target },
        { header: '達成率', width: 10, fmt: PCT, cell: (r) => ratio(r.actual, r.target) },
      ],
      rows: [
        { label: '月目標', asOf: null, actual: null, target: monthTarget },
        { label: '月累計', asOf, actual: latest ? latest.mtdActualTon : null, target: latest?.mtdTargetTon ?? null },
        { label: '週累計', asOf, actual: latest ? latest.wtdActualTon : null, target: latest?.wtdTargetTon ?? null },
        { label: '当月実績', asOf: null, actual: monthActual, target: monthTarget },
        { label: `前年同月 (${m.lastYear.month})`, asOf: null, actual: m.lastYear.receiveNetTon, target: null },
      ],
    }),
    table('日別', title('日別の受入と目標'), {
      columns: [
        { header: '日付', width: 13, fmt: DATE, cell: (d) => day(d.date) },
        { header: '目標 (t)', width: 11, fmt: TON, cell: (d) => d.targetTon },
        { header: '実績 (t)', width: 11, fmt: TON, cell: (d) => d.actualTon },
        {
          header: `前年同日 (t) ${m.lastYear.month}`,
          width: 19,
          fmt: TON,
          cell: (d) => lastYearByDay.get(d.date.slice(8)) ?? null,
        },
        { header: '週累計目標 (t)', width: 15, fmt: TON, cell: (d) => d.wtdTargetTon },
        { header: '週累計実績 (t)', width: 15, fmt: TON, cell: (d) => d.wtdActualTon },
        { header: '月累計目標 (t)', width: 15, fmt: TON, cell: (d) => d.mtdTargetTon },
        { header: '月累計実績 (t)', width: 15, fmt: TON, cell: (d) => d.mtdActualTon },
      ],
      rows: days,
    }),
    table('5年週別', title(`5年の週別 (平均: ${profile.baseYears[0]}〜${profile.baseYears[4]}年)`), {
      columns: [
        { header: 'ISO週', width: 8, fmt: INT, cell: (w) => w.isoWeek },
        { header: '5年平均 (t)', width: 13, fmt: TON, cell: (w) => w.avgTon },
        { header: '標準偏差 (t)', width: 13, fmt: TON, cell: (w) => w.stddevTon },
        { header: `${p.year}年 (t)`, width: 12, fmt: TON, cell: (w) => w.thisYearTon },
        { header: '集計途中の週', width: 13, cell: (w) => (w.thisYearPartial ? '途中' : null) },
      ],
      rows: profile.weeks,
    }),
    table('週別', title('週別の合計'), {
      columns: [
        { header: 'ISO年', width: 8, cell: (w) => w.isoYear },
        { header: 'ISO週', width: 8, fmt: INT, cell: (w) => w.isoWeek },
        { header: '週の初日', width: 13, fmt: DATE, cell: (w) => day(w.weekStart) },
        { header: '受入 (t)', width: 12, fmt: TON, cell: (w) => w.receiveNetTon },
        slips,
        amount,
      ],
      rows: weekly,
    }),
    table('月別', title(`${p.year}年の月別の合計`), {
      columns: [
        { header: '月', width: 10, fmt: MONTH, cell: (r) => day(r.month) },
        { header: '受入 (t)', width: 12, fmt: TON, cell: (r) => r.receiveNetTon },
        { header: '前年同月 (t)', width: 13, fmt: TON, cell: (r) => r.lastYearTon },
        {
          header: '前年差 (t)',
          width: 12,
          fmt: TON_DELTA,
          cell: (r) => (r.lastYearTon == null || r.receiveNetTon == null ? null : r.receiveNetTon - r.lastYearTon),
        },
        { header: '前年比', width: 10, fmt: PCT, cell: (r) => ratio(r.receiveNetTon, r.lastYearTon) },
        slips,
        amount,
      ],
      rows: monthly,
    }),
    table('担当者別出荷', title('営業担当者別の出荷'), {
      columns: [
        { header: '営業担当者', width: 18, cell: (r) => r.salesRep || '—' },
        { header: '出荷 (t)', width: 12, fmt: TON, cell: (r) => r.shipmentNetTon },
        slips,
        amount,
      ],
      rows: reps,
    }),
    table('得意先別売上', title('得意先別の売上 (金額順)'), {
      columns: [
        { header: '得意先CD', width: 12, cell: (c) => c.cd },
        { header: '得意先', width: 24, cell: (c) => c.name || '—' },
        { header: '売上 (t)', width: 12, fmt: TON, cell: (c) => c.ton },
        slips,
        amount,
      ],
      rows: [...by.values()].sort((a, b) => b.amountYen - a.amountYen),
    }),
  ];
  for (const s of sheets) addSheet(wb, s);
  return wb;
}
