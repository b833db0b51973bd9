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

async function uploadThroughPage(name: string, buffer: Buffer): Promise<string> {
  const { page } = s;
  await page.goto('about:blank');
  await page.goto(`${s.url}/#/upload`);
  await page.getByTestId('file-input').setInputFiles([{ name, mimeType: 'text/csv', buffer }]);
  await page.getByRole('button', { name: /アップロード \(1\)/ }).click();
  const result = page.locator('[data-upload-status]', { hasText: name });
  await expect
    .poll(() => result.getAttribute('data-upload-status'), { timeout: 60_000 })
    .not.toMatch(/^(pending|processing)$/);
  return (await result.getAttribute('data-upload-status'))!;
}

describe('a held upload', () => {
  it('shows why it was held; confirming lands it', async () => {
    // 12 rows on 3 dates, then a file for the same dates with 3 rows: it would keep 25 % of the
    // rows it replaces, below the shrink guard (50 %), so it is held.
    expect(await uploadThroughPage('full.csv', receiveCsvCp932('2025-04', 3, 12_000, 'F', 4))).toBe('success');
    expect(await uploadThroughPage('short.csv', receiveCsvCp932('2025-04', 3, 3_000, 'G', 1))).toBe('held');
    const { page } = s;
    const result = page.locator('[data-upload-status]', { hasText: 'short.csv' });
    // Worded for staff from the held code and its figures: no route, no command.
    expect(await result.getByTestId('held-reason').textContent()).toBe(
      'このファイルの3行で、既にある12行（3日分）を置き換えます。行数が大きく減るため、取り込まずに止めています。意図どおり（期間の一部だけの出力など）なら「確認して取り込む」を押してください。',
    );
    // The navigation counts it (polled, no reload) and says what it counts.
    const badge = page.getByTestId('attention-uploads');
    await expect.poll(() => badge.locator('[aria-hidden]').textContent(), { timeout: 30_000 }).toBe('1');
    expect(await badge.locator('.visually-hidden').textContent()).toBe('要対応: 保留 1件、失敗 0件（7日以内）');
    expect(await visibleText(page)).not.toMatch(DEVELOPER_WORDS);
    expect(await checkPage(page, 'upload-held')).toEqual([]);
    expect(await allViolations(page)).toEqual([]);
    await result.getByRole('button', { name: '確認して取り込む' }).click();
    // Announced where the focus now is.
    await expect
      .poll(() => result.getByTestId('action-result').textContent())
      .toBe('確認しました。取り込みを始めます。');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('action-result');
    await expect.poll(() => result.getAttribute('data-upload-status'), { timeout: 60_000 }).toBe('success');
    await expect.poll(() => badge.count(), { timeout: 30_000 }).toBe(0);
    const { rows } = await s.server.pool.query(
      `SELECT count(*)::int AS n FROM stg.shogun_flash_receive WHERE slip_date BETWEEN '2025-04-01' AND '2025-04-03'`,
    );
    expect(rows[0].n).toBe(3);
  });
});
