import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, startStack, type Stack } from '../stack.ts';
import { receiveCsvCp932 } from '../fixtures.ts';
import { allViolations, DEVELOPER_WORDS, visibleText } from '../a11y.ts';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.close();
});

describe('freshness page', () => {
  it('lists every MV, and shows the refresh that followed an upload', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/freshness`);
    const row = page.locator('[data-testid="mv-row"][data-mv="mart.mv_receive_daily"]');
    await row.waitFor();
    const mvs = await page.getByTestId('mv-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-mv')));
    expect(mvs).toEqual(
      expect.arrayContaining(['mart.mv_receive_daily', 'mart.mv_target_card_per_day', 'mart.mv_shipment_daily']),
    );
    // `pnpm start` populates unpopulated MVs at start, so the MV may already show a refresh.
    const initial = await row.getByTestId('last-refresh').textContent();
    await page.waitForTimeout(1100); // the page shows seconds: the next refresh reads differently

    // Upload through the API (the upload page has its own test); the worker refreshes the MVs.
    const form = new FormData();
    form.append('flavour', 'flash');
    form.append('receive', new Blob([new Uint8Array(receiveCsvCp932('2025-05', 3, 1000))]), 'receive.csv');
    const res = await fetch(`${s.url}/upload/csv`, { method: 'POST', body: form });
    expect(res.status).toBe(202);

    await expect
      .poll(() => row.getByTestId('last-refresh').textContent(), { timeout: 60_000, interval: 500 })
      .not.toBe(initial);
    expect(await row.getByTestId('last-refresh').textContent()).not.toBe('—');
    expect(await row.textContent()).toMatch(/新鮮/);
    expect(await checkPage(page, 'freshness')).toEqual([]);
  });

  it('「今すぐ更新」 refreshes every table and says so; ages tick; names and triggers are written for staff', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/freshness`);
    const row = page.locator('[data-testid="mv-row"][data-mv="mart.mv_receive_daily"]');
    await row.waitFor();
    // The catalog file's label, not the relation's name.
    expect(await row.locator('th').textContent()).toBe('日別受入');

    // The age moves while the page stays open (it shows seconds under an hour).
    const age = await row.getByTestId('age').textContent();
    expect(age).toMatch(/秒|分|時間|日/);
    await expect.poll(() => row.getByTestId('age').textContent(), { timeout: 60_000, interval: 250 }).not.toBe(age);

    const before = await row.getByTestId('last-refresh').textContent();
    await page.waitForTimeout(1100); // the page shows seconds: the next refresh reads differently
    const answer = page.waitForResponse((r) => r.url().endsWith('/mv/refresh'));
    await page.getByRole('button', { name: '今すぐ更新' }).click();
    expect((await answer).status()).toBe(202);
    await expect
      .poll(() => page.getByTestId('refresh-status').textContent(), { timeout: 60_000, interval: 250 })
      .toBe('更新が終わりました');
    expect(await row.getByTestId('last-refresh').textContent()).not.toBe(before);
    expect(await row.getByTestId('trigger').textContent()).toBe('画面から更新');
    expect(await row.getByTestId('mv-state').textContent()).toBe('新鮮');
    // Focus stays on the button that was pressed (it is enabled again), so a keyboard user can go on.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('今すぐ更新');

    expect(await visibleText(page)).not.toMatch(DEVELOPER_WORDS);
    expect(await allViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await allViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await checkPage(page, 'freshness-refreshed')).toEqual([]);
  });
});
