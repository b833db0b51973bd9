import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { checkPage, SCREENSHOTS, startStack, type Stack } from '../stack.ts';
import { allViolationsAtBothSizes } from '../a11y.ts';
import { receiveCsvCp932 } from '../fixtures.ts';

let s: Stack;
const upload = async (flavour: string, csv: Buffer, name: string) => {
  const form = new FormData();
  form.append('flavour', flavour);
  form.append('receive', new Blob([new Uint8Array(csv)]), name);
  const res = await fetch(`${s.url}/upload/csv`, { method: 'POST', body: form });
  expect(res.status).toBe(202);
  const id = ((await res.json()) as { uploads: { id: number }[] }).uploads[0]!.id;
  for (const until = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
    const st = (await s.server.pool.query(`SELECT status FROM log.upload_file WHERE id = $1`, [id])).rows[0]?.status;
    if (st === 'success') return;
    if (st === 'failed' || st === 'held' || Date.now() > until) throw new Error(`upload ${id} ${name}: ${st}`);
  }
};
beforeAll(async () => {
  s = await startStack();
  // March 2024 in full (final, 1,234.5 kg a day in 3 lines) and March 2025 to the 12th (flash, 1,500 kg a day).
  await upload('final', receiveCsvCp932('2024-03', 31, 1234.5, 'L', 3), 'r2024.csv');
  await upload('flash', receiveCsvCp932('2025-03', 12, 1500), 'r2025.csv');
});
afterAll(async () => {
  await s?.close();
});

/** The dashboard at `month` once the MVs show its monthly row (they refresh after the uploads). */
const showMonth = async (month: string) => {
  const { page } = s;
  await page.goto(`${s.url}/#/dashboard`);
  await page.evaluate((m) => sessionStorage.setItem('dashMonth', m), month);
  const row = page.getByTestId('monthly-totals').locator('tbody tr', { hasText: month });
  await expect
    .poll(
      async () => {
        await page.reload();
        await page.getByTestId('month-input').waitFor();
        return row.count();
      },
      { timeout: 60_000, interval: 1000 },
    )
    .toBe(1);
};

/** Received tons of a month summed over the stg tables (final wins over flash per date), not through the views. */
const stgTons = async (month: string) =>
  (
    await s.server.pool.query<{ t: number }>(
      `SELECT (sum(kg) / 1000)::float8 AS t FROM (
         SELECT net_weight_kg AS kg FROM stg.shogun_final_receive WHERE to_char(slip_date, 'YYYY-MM') = $1
         UNION ALL
         SELECT net_weight_kg FROM stg.shogun_flash_receive
          WHERE to_char(slip_date, 'YYYY-MM') = $1 AND slip_date NOT IN (SELECT slip_date FROM stg.shogun_final_receive)) x`,
      [month],
    )
  ).rows[0]!.t;
const ton1 = new Intl.NumberFormat('ja-JP', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const delta = new Intl.NumberFormat('ja-JP', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});
const pct = new Intl.NumberFormat('ja-JP', { style: 'percent', maximumFractionDigits: 1 });

describe('dashboard', () => {
  it('month totals show the same month last year, its difference and ratio, equal to a sum over stg', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/dashboard`);
    await page.evaluate(() => sessionStorage.setItem('dashMonth', '2025-03'));
    const [now, last] = [await stgTons('2025-03'), await stgTons('2024-03')];
    expect(last).toBeCloseTo(31 * 1.2345, 6);
    const row = page.getByTestId('monthly-totals').locator('tbody tr', { hasText: '2025-03' });
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByTestId('month-input').waitFor();
          return (await row.count()) ? row.locator('td').allTextContents() : [];
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toEqual([
        '2025-03',
        ton1.format(now),
        ton1.format(last),
        delta.format(now - last),
        pct.format(now / last),
        expect.any(String),
        expect.any(String),
      ]);
    // The month chart has last year's line (its legend names the month).
    await page.getByTestId('daily-chart').and(page.locator('[data-drawn="true"]')).waitFor();
    // (echarts' own description of the drawn series: last year's days are 1.2345 t each)
    const described = await page.getByTestId('daily-chart').getAttribute('aria-label');
    expect(described).toContain('前年同月 (2024-03)');
    expect(described).toMatch(/前年同月 \(2024-03\)\.The first 10 items are: the data for 01 is 0, 1\.2345/);
    expect(await checkPage(page, 'dashboard')).toEqual([]);
    expect(await allViolationsAtBothSizes(page)).toEqual([]);
  });

  it('on a phone the navigation takes one or two rows and a table wider than the screen says it scrolls', async () => {
    const { page } = s;
    await page.evaluate(() => sessionStorage.setItem('dashMonth', '2025-03'));
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    const rows = await page
      .locator('header.top nav a')
      .evaluateAll((as) => new Set(as.map((a) => Math.round(a.getBoundingClientRect().top))).size);
    expect(rows).toBeLessThanOrEqual(2);
    const wrap = page.getByTestId('monthly-totals').locator('xpath=..');
    await expect.poll(() => wrap.getAttribute('data-scrolls'), { timeout: 30_000 }).toBe('true');
    expect(await wrap.evaluate((w) => getComputedStyle(w, '::before').content)).toBe('"← 横にスクロールできます →"');
    // At 1280 px it fits: no hint.
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => wrap.getAttribute('data-scrolls')).toBeNull();
  });

  it('a month with no receipts yet shows no date (not its last day) on the month-to-date card', async () => {
    const { page } = s;
    await page.evaluate(() => sessionStorage.setItem('dashMonth', '2025-05'));
    await page.reload();
    const mtd = page.getByTestId('mtd');
    await expect.poll(() => mtd.textContent(), { timeout: 30_000 }).toContain('まだ実績がありません');
    expect(await mtd.textContent()).not.toMatch(/2025\/05\/31/);
  });

  it('「Excelで保存」 downloads the month’s workbook, whose cells are the figures the page shows', async () => {
    const { page } = s;
    await showMonth('2025-03');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-excel').click()]);
    expect(download.suggestedFilename()).toBe('受入ダッシュボード_2025-03.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(await download.path()) as unknown as ArrayBuffer);
    const data = (name: string) => {
      const rows: ExcelJS.CellValue[][] = [];
      wb.getWorksheet(name)!.eachRow((r, n) => n > 2 && rows.push((r.values as ExcelJS.CellValue[]).slice(1)));
      return rows;
    };
    const num = (v: ExcelJS.CellValue) => (v == null ? null : (v as number));
    const tonCol = (v: ExcelJS.CellValue) => (v == null ? '—' : ton1.format(v as number));
    const int = (v: ExcelJS.CellValue) => (v == null ? '—' : new Intl.NumberFormat('ja-JP').format(v as number));
    const yen = (v: ExcelJS.CellValue) =>
      v == null ? '—' : new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' }).format(v as number);
    const day = (d: Date) =>
      new Intl.DateTimeFormat('ja-JP', {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        weekday: 'short',
        timeZone: 'UTC',
      }).format(d);
    const pad = (n: number) => String(n).padStart(2, '0');

    // 月別: every month row of the page's table, cell for cell.
    const pageMonths = await page
      .getByTestId('monthly-totals')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    const fileMonths = data('月別').map(([m, t, ly, dl, pc, sl, am]) => [
      `${(m as Date).getUTCFullYear()}-${pad((m as Date).getUTCMonth() + 1)}`,
      tonCol(t),
      tonCol(ly),
      dl == null ? '—' : delta.format(dl as number),
      pc == null ? '—' : pct.format(pc as number),
      int(sl),
      yen(am),
    ]);
    expect(fileMonths).toEqual(pageMonths);
    expect(fileMonths.map((r) => r[0])).toContain('2025-03');

    // 週別: the weekly table.
    const weekly = page
      .locator('section', { has: page.getByRole('heading', { name: '週別合計' }) })
      .locator('tbody tr');
    const pageWeeks = await weekly.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    const fileWeeks = data('週別').map(([y, w, start, t, sl, am]) => [
      `${y as number}-W${pad(w as number)} (${day(start as Date)})`,
      tonCol(t),
      int(sl),
      yen(am),
    ]);
    expect(fileWeeks.length).toBeGreaterThan(0);
    expect(fileWeeks).toEqual(pageWeeks);

    // 概要: the month-to-date card, and the month's receipts against the stg sum.
    const [, mtd] = data('概要');
    const tonCard = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 1 });
    expect(await page.getByTestId('mtd-actual').textContent()).toBe(`${tonCard.format(num(mtd![2])!)} t`);
    const daily = data('日別');
    expect(daily).toHaveLength(31);
    expect(daily.reduce((a, r) => a + ((r[2] as number) ?? 0), 0)).toBeCloseTo(await stgTons('2025-03'), 6);
    expect(daily.reduce((a, r) => a + ((r[3] as number) ?? 0), 0)).toBeCloseTo(await stgTons('2024-03'), 6);
  });

  it('prints as an A4 landscape report: title with the month and print time, no navigation or buttons, charts within the page', async () => {
    const { page } = s;
    await showMonth('2025-03');
    await page.getByTestId('daily-chart').and(page.locator('[data-drawn="true"]')).waitFor();
    await page.getByTestId('profile-chart').and(page.locator('[data-drawn="true"]')).waitFor();
    const mtdText = (await page.getByTestId('mtd-actual').textContent())!;
    const monthRow = await page
      .getByTestId('monthly-totals')
      .locator('tbody tr', { hasText: '2025-03' })
      .locator('td')
      .allTextContents();

    // A4 landscape less 10 mm margins is 277 mm wide: 1047 CSS px.
    await page.setViewportSize({ width: 1047, height: 718 });
    await page.emulateMedia({ media: 'print' });
    const measure = () => {
      const shown = (sel: string) =>
        [...document.querySelectorAll(sel)].some((e) => e.getBoundingClientRect().width > 0);
      const main = document.querySelector('main')!.getBoundingClientRect();
      return {
        nav: shown('header.top'),
        buttons: shown('main button'),
        monthPicker: shown('[data-testid="month-input"]'),
        title: document.querySelector<HTMLElement>('[data-testid="print-title"]')!.innerText,
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        outside: [...document.querySelectorAll('main canvas, main table')]
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.right > main.right + 1 || r.left < main.left - 1).length,
        // each chart's drawing stays inside its own box (no overlap with what follows) and is not squashed
        charts: [...document.querySelectorAll('.chart')].map((c) => {
          const box = c.getBoundingClientRect();
          const drawn = c.querySelector('canvas')!.getBoundingClientRect();
          return drawn.bottom <= box.bottom + 1 && drawn.height > 150 && drawn.width > 0.9 * main.width;
        }),
      };
    };
    // The charts follow the new width on their own (Chart.js's ResizeObserver, then a frame):
    // the layout is awaited, not read once right after the resize (CI saw both charts unsized).
    await expect
      .poll(() => page.evaluate(measure), { timeout: 15_000 })
      .toMatchObject({ nav: false, buttons: false, monthPicker: false, overflow: 0, outside: 0, charts: [true, true] });
    const laid = await page.evaluate(measure);
    expect(laid.title).toMatch(
      /^受入ダッシュボード 2025-03\s+実績は2025\/03\/12\(水\)まで · 印刷 \d{4}\/\d{2}\/\d{2} \d{1,2}:\d{2}$/,
    );
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-print.png'), fullPage: true });
    await page.emulateMedia({ media: null });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Chromium's own print: the page size from the stylesheet, the key figures in the PDF's text.
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(pages.length).toBeLessThanOrEqual(3);
    const file = path.join(os.tmpdir(), `dashboard-print-${process.pid}.pdf`);
    writeFileSync(file, pdf);
    onTestFinished(() => rmSync(file, { force: true }));
    const size = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(size).toMatch(/Page size:\s+841\.\d+ x 59[45]\.\d+ pts \(A4\)/); // landscape A4 (297 × 210 mm)
    const printed = Number(/Pages:\s+(\d+)/.exec(size)![1]);
    expect(printed).toBe(pages.length);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('受入ダッシュボード 2025-03');
    expect(text).toContain(mtdText);
    for (const cell of monthRow) expect(text).toContain(cell);
    expect(text).not.toContain('Excelで保存');
    expect(text).not.toContain('倉庫コンソール'); // the navigation's title
  });
});
