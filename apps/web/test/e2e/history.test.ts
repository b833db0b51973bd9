import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAudit } from '@warehouse/db/accounts';
import { insertSyntheticUploads } from '@warehouse/migrate/testing';
import { addUser, checkPage, startStack, type Stack } from '../stack.ts';
import { allViolationsAtBothSizes } from '../a11y.ts';

let s: Stack;
beforeAll(async () => {
  s = await startStack();
  // 250 uploads, one every 6 hours from 2025-01-06 09:00 JST: daily flash files and monthly final
  // ones, uploaded in turn by two people.
  const uploaders = [await addUser(s, 'staff', '佐藤 花子'), await addUser(s, 'staff', '鈴木 一郎')];
  await insertSyntheticUploads(s.server.pool, {
    count: 250,
    start: '2025-01-06T09:00:00+09:00',
    spacingMinutes: 360,
    uploaders: uploaders.map((u) => ({ id: u.id, name: u.name })),
  });
});
afterAll(async () => {
  await s?.close();
});

const idsWhere = async (cond: string, params: unknown[] = []) =>
  (
    await s.server.pool.query<{ id: number }>(
      `SELECT id::int FROM log.upload_file WHERE ${cond} ORDER BY id DESC`,
      params,
    )
  ).rows.map((r) => r.id);
const shownIds = async () =>
  (await s.page.getByTestId('history-row').locator('td:first-child').allTextContents()).map(Number);

describe('history page', () => {
  it('pages through 250 uploads with a total, and the page number stays in the URL', async () => {
    const { page } = s;
    const all = await idsWhere('true');
    expect(all).toHaveLength(250);
    await page.goto(`${s.url}/#/history`);
    await page.getByText('全250件中 1–50件を表示').waitFor();
    expect(await page.getByTestId('history-pages-top').textContent()).toBe('1 / 5 ページ');
    const seen: number[] = [];
    for (let p = 1; p <= 5; p++) {
      await page.getByText(`全250件中 ${(p - 1) * 50 + 1}–${p * 50}件を表示`).waitFor();
      await expect.poll(async () => (await shownIds())[0]).toBe(all[(p - 1) * 50]);
      seen.push(...(await shownIds()));
      const next = page.getByRole('navigation', { name: 'ページ (bottom)' }).getByRole('button', { name: '次へ' });
      if (p < 5) await next.click();
      else expect(await next.isDisabled()).toBe(true);
    }
    expect(seen).toEqual(all);
    expect(page.url()).toContain('page=5');
    // The URL is the page: opened afresh it shows page 5 again.
    await page.reload();
    await page.getByText('全250件中 201–250件を表示').waitFor();
    expect((await shownIds())[0]).toBe(all[200]);
    expect(await checkPage(page, 'history')).toEqual([]);
    expect(await allViolationsAtBothSizes(page)).toEqual([]);
  });

  it("filters by the data's period (overlap, on the server) and by kind; a shared URL shows the same", async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/history`);
    await page.getByText('全250件中 1–50件を表示').waitFor();
    await page.getByLabel('データの期間 開始').fill('2025-02-10');
    await page.getByLabel('データの期間 終了').fill('2025-02-12');
    const expected = await idsWhere(`date_from <= '2025-02-12' AND date_to >= '2025-02-10'`);
    // the flash files of those three days and the January final files… whose month does not reach February
    expect(expected.length).toBeGreaterThan(3);
    await page.getByText(`全${expected.length}件中 1–${expected.length}件を表示`).waitFor();
    expect(await shownIds()).toEqual(expected);
    await page.getByLabel('区分').selectOption('receive');
    const receive = await idsWhere(`csv_type = 'receive' AND date_from <= '2025-02-12' AND date_to >= '2025-02-10'`);
    await page.getByText(`全${receive.length}件中 1–${receive.length}件を表示`).waitFor();
    expect(await shownIds()).toEqual(receive);
    const url = page.url();
    expect(url).toMatch(/periodFrom=2025-02-10.*periodTo=2025-02-12/);
    expect(url).toContain('csvType=receive');

    // Someone else opens the shared URL: the same filters, the same rows.
    const other = await s.context.newPage();
    await other.goto(url);
    await other.getByText(`全${receive.length}件中 1–${receive.length}件を表示`).waitFor();
    expect(await other.getByLabel('データの期間 開始').inputValue()).toBe('2025-02-10');
    expect(await other.getByLabel('区分').inputValue()).toBe('receive');
    await other.close();

    // A file name part and a month's final files; clearing the filters shows all 250 again.
    await page.getByRole('button', { name: '条件をクリア' }).click();
    await page.getByText('全250件中 1–50件を表示').waitFor();
    await page.getByLabel('ファイル名（一部）').fill('確定_202502');
    const byName = await idsWhere(`file_name LIKE '%確定_202502%'`);
    await page.getByText(`全${byName.length}件中 1–${byName.length}件を表示`).waitFor();
    expect(await shownIds()).toEqual(byName);
    expect(await checkPage(page, 'history-filtered')).toEqual([]);
    expect(await allViolationsAtBothSizes(page)).toEqual([]);
  });

  it('shows who uploaded each file and filters by them (kept in the URL)', async () => {
    const { page } = s;
    await page.goto(`${s.url}/#/history`);
    await page.getByText('全250件中 1–50件を表示').waitFor();
    const names = await page.getByTestId('history-uploader').allTextContents();
    const ids = await shownIds();
    const expectedNames = (
      await s.server.pool.query<{ id: number; name: string }>(
        `SELECT id::int, uploaded_by_name AS name FROM log.upload_file WHERE id = ANY($1) ORDER BY id DESC`,
        [ids],
      )
    ).rows.map((r) => r.name);
    expect(names).toEqual(expectedNames);
    expect(new Set(names)).toEqual(new Set(['佐藤 花子', '鈴木 一郎']));
    await page.getByLabel('アップロードした人').selectOption({ label: '鈴木 一郎' });
    const suzuki = await idsWhere(`uploaded_by_name = '鈴木 一郎'`);
    await page.getByText(`全${suzuki.length}件中 1–50件を表示`).waitFor();
    expect(await shownIds()).toEqual(suzuki.slice(0, 50));
    expect(new Set(await page.getByTestId('history-uploader').allTextContents())).toEqual(new Set(['鈴木 一郎']));
    expect(page.url()).toMatch(/by=[0-9a-f-]{36}/);
    expect(await allViolationsAtBothSizes(page)).toEqual([]);
  });

  it('names who undid or confirmed an upload, as the audit log does', async () => {
    const { page } = s;
    const [newest, second] = await idsWhere('true');
    const person = (name: string) => ({ type: 'user' as const, id: null, name });
    await writeAudit(s.server.pool, {
      actor: person('佐藤 花子'),
      action: 'upload.reverted',
      objectType: 'upload',
      objectId: newest,
    });
    await writeAudit(s.server.pool, {
      actor: person('鈴木 一郎'),
      action: 'upload.confirmed',
      objectType: 'upload',
      objectId: second,
    });
    await page.goto(`${s.url}/#/history`);
    await page.reload(); // the first page is cached from the tests above; these events came after
    await page.getByText('全250件中 1–50件を表示').waitFor();
    await expect
      .poll(async () => (await page.getByTestId('history-changed-by').allTextContents()).map((x) => x.trim()))
      .toEqual(['取り消した人: 佐藤 花子', '確認した人: 鈴木 一郎']);
    await page.goto(`${s.url}/#/uploads/${newest}`);
    await page.getByTestId('upload-reverted-by').getByText('取り消した人: 佐藤 花子').waitFor();
  });
});
