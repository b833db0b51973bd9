import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, startStack, type Stack } from '../stack.ts';
import { receiveCsvCp932 } from '../fixtures.ts';
import { allViolations } from '../a11y.ts';

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
    const panel = page.locator('[data-upload-status]');
    // Undo asks first and says what it will do; cancelling changes nothing.
    await panel.getByTestId('undo').click();
    const dialog = page.getByRole('dialog', { name: 'アップロードを取り消しますか？' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/追加した4行を取り除き、置き換えていた0行を元に戻します/);
    expect(await allViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'やめる' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await panel.getAttribute('data-upload-status')).toBe('success');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('undo');

    await panel.getByTestId('undo').click();
    await dialog.getByRole('button', { name: '取り消す' }).click();
    await expect.poll(() => panel.getAttribute('data-upload-status'), { timeout: 30_000 }).toBe('reverted');
    // What it did, announced (live region) and focused.
    await expect
      .poll(() => panel.getByTestId('action-result').textContent())
      .toBe('取り消しました。4行を取り除き、0行を元に戻しました。');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('action-result');
    expect(await allViolations(page)).toEqual([]);
    expect(await checkPage(page, 'upload-reverted')).toEqual([]);

    await page.goto(`${s.url}/#/dashboard`);
    await expect.poll(mtd, { timeout: 60_000, interval: 1000 }).toBe('0 t');
  });

  it('a result panel shows an undo done elsewhere without a reload', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/upload`);
    await page
      .getByTestId('file-input')
      .setInputFiles([
        { name: 'receive-2025-05.csv', mimeType: 'text/csv', buffer: receiveCsvCp932('2025-05', 2, 5_000) },
      ]);
    await page.getByRole('button', { name: /アップロード \(1\)/ }).click();
    const result = page.locator('[data-upload-status]', { hasText: 'receive-2025-05.csv' });
    await expect.poll(() => result.getAttribute('data-upload-status'), { timeout: 60_000 }).toBe('success');
    const id = Number((await result.getAttribute('data-testid'))!.replace('upload-', ''));
    // Someone else undoes it (another browser, the CLI): the panel follows.
    const res = await fetch(`${s.url}/uploads/${id}/revert`, { method: 'POST' });
    expect(res.status).toBe(200);
    await expect.poll(() => result.getAttribute('data-upload-status'), { timeout: 30_000 }).toBe('reverted');
    await expect
      .poll(() => result.getByTestId('action-result').textContent())
      .toBe('このアップロードは取り消されています。');
    expect(await result.getByTestId('undo').count()).toBe(0);
  });
});
