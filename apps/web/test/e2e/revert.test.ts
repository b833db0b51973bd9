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

const mtd = async () => {
  const { page } = s;
  await page.reload();
  await page.getByTestId('mtd-actual').waitFor();
  return page.getByTestId('mtd-actual').textContent();
};

describe('undo an upload', () => {
  it('the undo button reverts a landed upload and the dashboard figures go back', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/upload`);
    await page
      .getByTestId('file-input')
      .setInputFiles([
        { name: 'receive-2025-04.csv', mimeType: 'text/csv', buffer: receiveCsvCp932('2025-04', 4, 10_000) },
      ]);
    await page.getByRole('button', { name: /アップロード \(1\)/ }).click();
    const result = page.locator('[data-upload-status]', { hasText: 'receive-2025-04.csv' });
    await expect.poll(() => result.getAttribute('data-upload-status'), { timeout: 60_000 }).toBe('success');

    await page.goto(`${s.url}/#/dashboard`);
    await page.getByTestId('month-input').fill('2025-04');
    await expect.poll(mtd, { timeout: 60_000, interval: 1000 }).toBe('40 t');

    await page.goto(`${s.url}/#/history`);
    await page.getByRole('link', { name: 'receive-2025-04.csv' }).click();
    await page.getByRole('button', { name: '取り消す' }).click();
    await expect
      .poll(() => page.locator('[data-upload-status]').getAttribute('data-upload-status'), { timeout: 30_000 })
      .toBe('reverted');
    expect(await checkPage(page, 'upload-reverted')).toEqual([]);

    await page.goto(`${s.url}/#/dashboard`);
    await expect.poll(mtd, { timeout: 60_000, interval: 1000 }).toBe('0 t');
  });
});
