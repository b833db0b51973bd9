import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, startStack, type Stack } from '../stack.ts';

const TOKEN = 'e2e-secret-token';
let s: Stack;
beforeAll(async () => {
  s = await startStack({ apiToken: TOKEN });
});
afterAll(async () => {
  await s?.close();
});

describe('API_TOKEN set', () => {
  it('the page loads without it, asks for the token once, then shows the data', async () => {
    const { page } = s;
    const unauthorized: string[] = [];
    page.on('response', (r) => r.status() === 401 && unauthorized.push(new URL(r.url()).pathname));
    await page.goto(`${s.url}/#/freshness`);
    const dialog = page.getByRole('dialog', { name: 'APIトークンが必要です' });
    await dialog.waitFor();
    expect(unauthorized).toContain('/mv');
    expect(await checkPage(page, 'token-prompt')).toEqual([]);
    await dialog.getByLabel('トークン').fill(TOKEN);
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.getByTestId('mv-table').waitFor();
    expect(await page.getByTestId('mv-row').count()).toBeGreaterThan(3);
    expect(await page.evaluate(() => sessionStorage.getItem('apiToken'))).toBe(TOKEN);

    // Other pages of the same tab do not ask again.
    const before = unauthorized.length;
    await page.goto(`${s.url}/#/history`);
    await page.reload();
    await page.getByRole('heading', { name: '履歴' }).waitFor();
    await page.getByText('データがありません').waitFor();
    expect(unauthorized.length).toBe(before);
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('a wrong token is asked for again', async () => {
    const page = await s.context.newPage(); // a new tab: its own sessionStorage
    await page.goto(`${s.url}/#/history`);
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel('トークン').fill('wrong');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await dialog.waitFor(); // asked again
    await dialog.getByLabel('トークン').fill(TOKEN);
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.getByText('データがありません').waitFor();
    await page.close();
  });
});
