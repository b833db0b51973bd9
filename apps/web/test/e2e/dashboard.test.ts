import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, startStack, type Stack } from '../stack.ts';
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
});
