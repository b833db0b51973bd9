/**
 * GET /uploads as the history page reads it: pages, the total, and every filter — each answer
 * checked against PostgreSQL's own reading of the same filter written another way (daterange
 * overlap, the Japan-time day of created_at, strpos on the lower-cased name).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSyntheticUploads } from '@warehouse/migrate/testing';
import { testApp, type TestApp } from './helper.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  // 1,200 uploads, one every 3 hours from 2024-01-04 09:00 JST (ids grow with time), plus names with LIKE wildcards.
  await insertSyntheticUploads(t.pool, { count: 1200, start: '2024-01-04T09:00:00+09:00', spacingMinutes: 180 });
  await t.pool.query(
    `INSERT INTO log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status, date_from, date_to, created_at)
     VALUES ('receive', 'final', '100%_receive.csv', 'x', 1, 'success', '2024-02-01', '2024-02-29', '2024-06-01T00:30:00+09:00'),
            ('receive', 'final', '100x_receive.csv', 'y', 1, 'success', '2024-02-01', '2024-02-29', '2024-06-01T23:59:00+09:00'),
            ('receive', 'final', 'A_B.CSV', 'z', 1, 'success', NULL, NULL, '2024-05-31T23:59:59+09:00')`,
  );
});
afterAll(async () => t?.close());

const get = async (qs: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/uploads?${qs}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ uploads: { id: number }[]; total: number; offset: number; limit: number }>();
};
const idsWhere = async (cond: string, params: unknown[] = []) =>
  (
    await t.pool.query<{ id: number }>(`SELECT id::int FROM log.upload_file WHERE ${cond} ORDER BY id DESC`, params)
  ).rows.map((r) => r.id);
/** Every page of a query, one after the other: the ids in order, and the totals each page reported. */
async function allPages(qs: string, limit: number) {
  const ids: number[] = [];
  const totals = new Set<number>();
  for (let offset = 0; ; offset += limit) {
    const page = await get(`${qs}&limit=${limit}&offset=${offset}`);
    totals.add(page.total);
    ids.push(...page.uploads.map((u) => u.id));
    if (page.uploads.length < limit) return { ids, totals: [...totals] };
  }
}

describe('GET /uploads', () => {
  it('pages newest first with a total; the pages together are every upload once', async () => {
    const first = await get('limit=50');
    expect(first).toMatchObject({ total: 1203, offset: 0, limit: 50 });
    expect(first.uploads).toHaveLength(50);
    const { ids, totals } = await allPages('', 250);
    expect(totals).toEqual([1203]);
    expect(ids).toEqual(await idsWhere('true'));
    const last = await get('limit=50&offset=1200');
    expect(last.uploads.map((u) => u.id)).toEqual((await idsWhere('true')).slice(1200));
    expect((await get('offset=5000')).uploads).toEqual([]);
  });

  it("filters by the data's period as an overlap of the upload's slip dates", async () => {
    for (const [from, to] of [
      ['2024-03-01', '2024-03-31'],
      ['2024-02-15', '2024-02-15'],
      ['2024-01-01', '2024-01-05'],
    ]) {
      // (daterange(NULL, NULL) is unbounded: an upload that read no dates must not match any period)
      const expected = await idsWhere(
        `date_from IS NOT NULL AND daterange(date_from, date_to, '[]') && daterange($1::date, $2::date, '[]')`,
        [from, to],
      );
      expect(expected.length).toBeGreaterThan(0);
      const { ids, totals } = await allPages(`periodFrom=${from}&periodTo=${to}`, 100);
      expect(ids).toEqual(expected);
      expect(totals).toEqual([expected.length]);
    }
    // One end only: everything reaching that day, or everything starting by it.
    expect((await allPages('periodFrom=2024-05-01', 1000)).ids).toEqual(await idsWhere(`date_to >= '2024-05-01'`));
    expect((await allPages('periodTo=2024-01-31', 1000)).ids).toEqual(await idsWhere(`date_from <= '2024-01-31'`));
  });

  it('filters by the day of the upload in Japan time, both ends included', async () => {
    const expected = await idsWhere(
      `(created_at AT TIME ZONE 'Asia/Tokyo')::date BETWEEN '2024-06-01' AND '2024-06-01'`,
    );
    // 8 synthetic uploads on that day + the two made at 00:30 and 23:59 JST (not the one at 23:59:59 the day before).
    expect(expected).toHaveLength(10);
    const page = await get('uploadedFrom=2024-06-01&uploadedTo=2024-06-01&limit=1000');
    expect(page.uploads.map((u) => u.id)).toEqual(expected);
    expect(page.total).toBe(10);
  });

  it('filters by a part of the file name, case-insensitive, % and _ taken literally', async () => {
    const byName = async (part: string) => idsWhere(`strpos(lower(file_name), lower($1)) > 0`, [part]);
    for (const part of ['100%', 'a_b', '確定_20240315', '_速報_2024031']) {
      const expected = await byName(part);
      expect(expected.length, part).toBeGreaterThan(0);
      const page = await get(`fileName=${encodeURIComponent(part)}&limit=1000`);
      expect(
        page.uploads.map((u) => u.id),
        part,
      ).toEqual(expected);
      expect(page.total).toBe(expected.length);
    }
    expect((await get('fileName=100%25')).total).toBe(1); // not 100x_receive.csv
  });

  it('combines kind, flavour and status with the rest', async () => {
    const expected = await idsWhere(
      `csv_type = 'receive' AND flavour = 'final' AND status = 'success' AND date_to >= '2024-03-01'`,
    );
    const { ids, totals } = await allPages('csvType=receive&flavour=final&status=success&periodFrom=2024-03-01', 20);
    expect(ids).toEqual(expected);
    expect(totals).toEqual([expected.length]);
    expect((await get('status=failed')).total).toBe((await idsWhere(`status = 'failed'`)).length);
  });

  it('refuses reversed ranges and impossible values, naming them', async () => {
    const rev = await t.app.inject({ method: 'GET', url: '/uploads?periodFrom=2024-03-02&periodTo=2024-03-01' });
    expect(rev.statusCode).toBe(400);
    expect(rev.json()).toMatchObject({ code: 'E_BAD_RANGE' });
    expect(rev.json().error).toContain('periodFrom=2024-03-02');
    const bad = await t.app.inject({ method: 'GET', url: '/uploads?uploadedFrom=2024-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('E_BAD_DATE');
    expect((await t.app.inject({ method: 'GET', url: '/uploads?offset=-1' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/uploads?fileName=' })).statusCode).toBe(400);
  });
});
