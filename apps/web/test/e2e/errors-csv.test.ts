import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, signInBrowser, startStack, type Stack } from '../stack.ts';
import { badReceiveCsv } from '../fixtures.ts';

let s: Stack;
beforeAll(async () => {
  s = await startStack({ auth: true });
  await signInBrowser(s, await addUser(s, 'staff', 'csv-staff'));
});
afterAll(async () => {
  await s?.close();
});

describe('errors.csv of a failed upload', () => {
  it('downloads through the page (signed in: the session cookie), UTF-8 with BOM, CRLF, one line per row error', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/upload`);
    await page
      .getByTestId('file-input')
      .setInputFiles([{ name: 'bad-receive.csv', mimeType: 'text/csv', buffer: badReceiveCsv() }]);
    await page.getByRole('button', { name: /アップロード \(1\)/ }).click();
    const result = page.locator('[data-upload-status]', { hasText: 'bad-receive.csv' });
    await expect.poll(() => result.getAttribute('data-upload-status'), { timeout: 60_000 }).toBe('failed');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      result.getByRole('button', { name: 'errors.csv をダウンロード' }).click(),
    ]);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
    expect(lines[0]).toBe('line,column,value,reason,row');
    expect(lines).toHaveLength(3);
    // The reasons in Japanese, as the page words them (not the API's operator English).
    expect(lines[1]).toMatch(/^3,伝票日付,2025\/02\/30,ありえない日付です（その月にその日はありません）。,/);
    expect(lines[2]).toMatch(/^4,正味重量,abc,数値ではありません。,/);
  });
});
