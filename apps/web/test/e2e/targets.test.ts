import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, startStack, type Stack } from '../stack.ts';
import { allViolationsAtBothSizes } from '../a11y.ts';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.close();
});

const monthTarget = async (month: string) => {
  const r = await s.server.pool.query<{ target_ton: string }>(
    `SELECT target_ton FROM kpi.monthly_targets WHERE month = $1`,
    [`${month}-01`],
  );
  return r.rows[0] ? Number(r.rows[0].target_ton) : null;
};

describe('targets page', () => {
  it('edits a month target; the history names the editor; the target card follows', async () => {
    const { page } = s;
    // A deployment with monthly targets only: the seeded daily plan (which wins over the monthly
    // target in the target card) is removed for June.
    await s.server.pool.query(
      `DELETE FROM mart.daily_target_plan WHERE ddate >= '2025-06-01' AND ddate < '2025-07-01'`,
    );
    await page.goto(`${s.url}/#/targets`);
    await page.getByTestId('editor-input').fill('山田');
    await page.getByLabel('年', { exact: true }).fill('2025');
    const row = page.locator('[data-testid="target-row"][data-month="2025-06"]');
    await row.waitFor();
    await row.getByRole('spinbutton').fill('4321');
    await row.getByRole('button', { name: '保存' }).click();
    await row.getByText('保存しました').waitFor();
    expect(await monthTarget('2025-06')).toBe(4321);
    const history = page.getByTestId('targets-history');
    await expect.poll(() => history.locator('tbody tr').first().textContent()).toContain('山田');
    expect(await history.locator('tbody tr').first().textContent()).toContain('2025-06');
    // The target card MV is refreshed after the change: its June targets now sum to 4321 t.
    await expect
      .poll(
        async () => {
          const r = await s.server.pool
            .query(
              `SELECT max(mtd_target_ton)::float AS t FROM mart.mv_target_card_per_day WHERE ddate >= '2025-06-01' AND ddate < '2025-07-01'`,
            )
            .catch(() => ({ rows: [{ t: null }] }));
          return r.rows[0].t;
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBeCloseTo(4321, 1);
    // Long after the save's refetches landed, the row still says it saved (it is not remounted)...
    expect(await row.getByText('保存しました').isVisible()).toBe(true);
    expect(await row.getByRole('spinbutton').inputValue()).toBe('4321');
    expect(await checkPage(page, 'targets')).toEqual([]);
    // ...until the value is edited again.
    await row.getByRole('spinbutton').fill('4322');
    await row.getByText('保存しました').waitFor({ state: 'detached' });
  });

  it("a month's target edit changes the dashboard's target; a day of the plan re-sums the month", async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/targets`);
    await page.getByTestId('editor-input').fill('山田');
    await page.getByLabel('年', { exact: true }).fill('2026');
    expect(await page.getByTestId('targets-rule').textContent()).toContain('ダッシュボードの目標は日別計画です');
    const row = page.locator('[data-testid="target-row"][data-month="2026-12"]');
    await row.waitFor();
    await row.getByRole('spinbutton').fill('7600');
    await row.getByRole('button', { name: '保存' }).click();
    await row.getByText('保存しました').waitFor();
    // The plan total beside it follows (the month was spread over its days).
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe('7,600');

    // The dashboard of that month says 7,600 t once the target card MV has been refreshed.
    await page.evaluate(() => sessionStorage.setItem('dashMonth', '2026-12'));
    await page.goto(`${s.url}/#/dashboard`);
    const shown = page.getByTestId('month-target-ton');
    await expect
      .poll(
        async () => {
          await page.reload();
          await shown.waitFor();
          return shown.textContent();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe('7,600 t');
    const sql = await s.server.pool.query<{ t: number }>(
      `SELECT sum(target_ton)::float8 AS t FROM mart.mv_target_card_per_day WHERE ddate >= '2026-12-01' AND ddate < '2027-01-01'`,
    );
    expect(sql.rows[0]!.t).toBeCloseTo(7600, 3);

    // One day of the plan: the month becomes the plan's sum, on the page and on the dashboard.
    await page.goto(`${s.url}/#/targets`);
    await page.getByLabel('年', { exact: true }).fill('2026');
    await row.getByRole('button', { name: '日別計画' }).click();
    const day = page.locator('[data-testid="plan-day"][data-date="2026-12-01"]');
    const before = Number(await day.getByRole('spinbutton').inputValue());
    await day.getByRole('spinbutton').fill(String(before + 100));
    await day.getByRole('button', { name: '保存' }).click();
    await day.getByText('保存しました').waitFor();
    await expect.poll(() => row.getByRole('spinbutton').inputValue()).toBe('7700');
    expect(await checkPage(page, 'targets-plan')).toEqual([]);
    expect(await allViolationsAtBothSizes(page)).toEqual([]);
    await page.goto(`${s.url}/#/dashboard`);
    await expect
      .poll(
        async () => {
          await page.reload();
          await shown.waitFor();
          return shown.textContent();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe('7,700 t');
  });

  it('a targets CSV with a bad row changes nothing and shows the row; a good one applies every row', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/targets`);
    await page.getByTestId('editor-input').fill('佐藤');
    const before = await monthTarget('2025-07');
    await page.getByTestId('targets-file').setInputFiles({
      name: 'targets.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('month,target_ton\n2025-07,5000\n2025-13,10\n'),
    });
    await page.getByRole('button', { name: 'アップロード', exact: true }).click();
    const errors = page.getByTestId('targets-errors');
    await errors.waitFor();
    expect(await errors.locator('tbody tr').first().textContent()).toContain('2025-13');
    // The reason worded for staff from its code.
    expect(await errors.locator('tbody tr').first().textContent()).toContain(
      '年月（2025-04）か日付（2025-04-01）ではないか',
    );
    expect(await monthTarget('2025-07')).toBe(before);

    await page.getByTestId('targets-file').setInputFiles({
      name: 'targets.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('month,target_ton\n2025-07,5000\n2025-08,5100.5\n'),
    });
    await page.getByRole('button', { name: 'アップロード', exact: true }).click();
    await page.getByTestId('targets-applied').waitFor();
    expect(await monthTarget('2025-07')).toBe(5000);
    expect(await monthTarget('2025-08')).toBe(5100.5);
    const history = page.getByTestId('targets-history');
    await expect.poll(() => history.locator('tbody tr').first().textContent()).toMatch(/佐藤.*CSV targets\.csv/);
  });
});
