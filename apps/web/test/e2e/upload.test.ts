import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allViolations, DEVELOPER_WORDS, visibleText } from '../a11y.ts';
import { checkPage, startStack, type Stack } from '../stack.ts';
import { badReceiveCsv, receiveCsvCp932 } from '../fixtures.ts';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
});
afterAll(async () => {
  await s?.close();
});

describe('upload through the page', () => {
  it('a CP932 receive file: kind detected, progress, success, and the dashboard chart changes', async () => {
    const { page } = s;
    // The dashboard before: no receipts for April 2025.
    await page.goto(`${s.url}/#/dashboard`);
    await page.getByTestId('month-input').fill('2025-04');
    await expect.poll(() => page.getByTestId('mtd-actual').textContent()).toMatch(/—|^0/);
    const before = await page.getByTestId('mtd-actual').textContent();

    await page.goto(`${s.url}/#/upload`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('アップロード');
    await page.getByTestId('file-input').setInputFiles([
      { name: 'receive-2025-04.csv', mimeType: 'text/csv', buffer: receiveCsvCp932('2025-04', 10, 12_500) },
      { name: 'notes.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,c\n1,2,3\n') },
    ]);
    const kinds = page.getByTestId('detected-kind');
    await expect.poll(() => kinds.count()).toBe(2);
    expect(await kinds.nth(0).getAttribute('data-kind')).toBe('receive');
    expect(await kinds.nth(0).textContent()).toBe('受入');
    expect(await kinds.nth(1).getAttribute('data-kind')).toBe(''); // unknown header: not sent
    await page.getByLabel('確定').check();
    await page.getByRole('button', { name: /アップロード \(1\)/ }).click();

    const result = page.locator('[data-upload-status]');
    await result.first().waitFor();
    await expect.poll(() => result.first().getAttribute('data-upload-status'), { timeout: 60_000 }).toBe('success');
    expect(await result.first().getByTestId('rows-added').textContent()).toBe('10');
    expect(await result.first().getByRole('button', { name: '取り消す' }).isVisible()).toBe(true);
    expect(await checkPage(page, 'upload')).toEqual([]);

    // After the refresh that follows the upload, the dashboard shows 125 t month to date.
    await page.goto(`${s.url}/#/dashboard`);
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId('mtd-actual').textContent();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe('125 t');
    expect(before).not.toBe('125 t');
    await page.getByTestId('daily-chart').and(page.locator('[data-drawn="true"]')).waitFor();
    await page.getByTestId('profile-chart').and(page.locator('[data-drawn="true"]')).waitFor();
    expect(await checkPage(page, 'dashboard')).toEqual([]);
  });

  it('a bad file: failed, with every row error in a table', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/upload`);
    await page
      .getByTestId('file-input')
      .setInputFiles([{ name: 'bad-receive.csv', mimeType: 'text/csv', buffer: badReceiveCsv() }]);
    await expect.poll(() => page.getByTestId('detected-kind').first().getAttribute('data-kind')).toBe('receive');
    await page.getByRole('button', { name: /アップロード \(1\)/ }).click();
    const result = page.locator('[data-upload-status]', { hasText: 'bad-receive.csv' });
    await expect.poll(() => result.getAttribute('data-upload-status'), { timeout: 60_000 }).toBe('failed');
    const rows = page.getByTestId('row-errors').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(cells.map((c) => [c[0], c[1], c[2]])).toEqual([
      ['3', '伝票日付', '2025/02/30'],
      ['4', '正味重量', 'abc'],
    ]);
    // Reasons worded for staff from their codes, the whole-file reason too.
    expect(cells.map((c) => c[3])).toEqual([
      'ありえない日付です（その月にその日はありません）。',
      '数値ではありません。',
    ]);
    expect(await result.getByTestId('failed-reason').textContent()).toMatch(
      /^正しくない行があるため、何も取り込んでいません。/,
    );
    expect(await visibleText(page)).not.toMatch(DEVELOPER_WORDS);
    expect(await allViolations(page)).toEqual([]);
    expect(await checkPage(page, 'upload-failed')).toEqual([]);
  });

  it('history lists both uploads with their state, each linking to its detail', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/history`);
    const table = page.getByTestId('history-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    await page.getByLabel('状態').selectOption('failed');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator('tbody tr').first().textContent()).toContain('bad-receive.csv');
    expect(await checkPage(page, 'history')).toEqual([]);
    await table.getByRole('link', { name: 'bad-receive.csv' }).click();
    await page.getByTestId('row-errors').waitFor();
    expect(page.url()).toMatch(/#\/uploads\/\d+$/);
  });

  it('switches to English from the one catalogue, numbers still formatted for ja-JP', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/dashboard`);
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: '日本語' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('ダッシュボード');
  });

  it('warns before sending when the flavour does not suit the file’s dates (flash for a closed month, final for this month)', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/upload`);
    // This month as Japan counts it (the page's rule), from the browser's clock.
    const month = await page.evaluate(() =>
      new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit' }).format(
        new Date(),
      ),
    );
    await page
      .getByTestId('file-input')
      .setInputFiles([
        { name: 'closed-2025-01.csv', mimeType: 'text/csv', buffer: receiveCsvCp932('2025-01', 3, 1000) },
      ]);
    const warning = page.getByTestId('flavour-warning');
    await page.getByLabel('速報').check();
    await expect
      .poll(() => warning.textContent())
      .toContain('closed-2025-01.csv: 速報を選んでいますが、伝票日付はすべて締めた月（2025-01）です。');
    expect(await page.getByRole('status').filter({ has: warning }).count()).toBe(1); // announced
    expect(await allViolations(page)).toEqual([]);
    // Final suits a closed month: the warning goes.
    await page.getByLabel('確定').check();
    await expect.poll(() => warning.count()).toBe(0);
    // A file of this month as final: warned the other way.
    await page
      .getByTestId('file-input')
      .setInputFiles([{ name: 'running.csv', mimeType: 'text/csv', buffer: receiveCsvCp932(month, 2, 1000) }]);
    await expect
      .poll(() => warning.textContent())
      .toContain(`running.csv: 確定を選んでいますが、今月（${month}）以降の伝票日付があります。`);
    expect(await checkPage(page, 'upload-flavour-warning')).toEqual([]);
    // The warning does not block: the button still sends both files.
    expect(await page.getByRole('button', { name: /アップロード \(2\)/ }).isEnabled()).toBe(true);
  });
});
