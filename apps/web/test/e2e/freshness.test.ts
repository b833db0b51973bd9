import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, startStack, type Stack } from '../stack.ts';
import { receiveCsvCp932 } from '../fixtures.ts';

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
});
