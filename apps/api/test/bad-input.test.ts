import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { badCases, CORPUS_MAX_BYTES } from './fixtures/bad/cases.ts';
import { multipart, testApp, waitForUpload, type TestApp } from './helper.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ uploadMaxBytes: CORPUS_MAX_BYTES });
  await t.startWorker();
});
afterAll(async () => t?.close());

const cases = badCases();

async function rowsLeft(): Promise<number> {
  const { rows } = await t.pool.query(`SELECT
    (SELECT count(*) FROM raw.shogun_receive) + (SELECT count(*) FROM raw.shogun_shipment) + (SELECT count(*) FROM raw.shogun_yard)
    + (SELECT count(*) FROM stg.shogun_final_receive) + (SELECT count(*) FROM stg.shogun_flash_receive)
    + (SELECT count(*) FROM stg.shogun_final_shipment) + (SELECT count(*) FROM stg.shogun_flash_shipment)
    + (SELECT count(*) FROM stg.shogun_final_yard) + (SELECT count(*) FROM stg.shogun_flash_yard) AS n`);
  return Number(rows[0].n);
}

describe('bad-input corpus', () => {
  it('has at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const request = c.rawBody
      ? { payload: c.rawBody.payload, headers: { 'content-type': c.rawBody.contentType } }
      : multipart([
          ...(c.flavour === null ? [] : [{ name: 'flavour', value: c.flavour ?? 'final' }]),
          { name: c.field ?? 'receive', filename: c.filename, content: c.content },
        ]);
    const res = await t.app.inject({ method: 'POST', url: '/upload/csv', ...request });
    if ('status' in c.expect) {
      expect(res.statusCode, res.body).toBe(c.expect.status);
      expect(res.json().code).toBe(c.expect.code);
      expect(res.json().error.length).toBeGreaterThan(20);
    } else {
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json().uploads[0].id;
      const done = await waitForUpload(t.pool, id);
      expect(done.status).toBe('failed');
      expect(done.error_message).toMatch(c.expect.failed);
      if (c.expect.line !== undefined)
        expect(done.errors.map((e: { line: number }) => e.line)).toContain(c.expect.line);
      const shown = await t.app.inject({ method: 'GET', url: `/uploads/${id}` });
      expect(shown.json()).toMatchObject({ status: 'failed', errorMessage: done.error_message });
    }
    expect(await rowsLeft()).toBe(0);
  });

  it('left nothing in raw/stg, and the server keeps serving and landing good files', async () => {
    expect(await rowsLeft()).toBe(0);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const good = readFileSync(new URL('./fixtures/good-receive.csv', import.meta.url));
    const res = await t.app.inject({
      method: 'POST',
      url: '/upload/csv',
      ...multipart([
        { name: 'flavour', value: 'flash' },
        { name: 'receive', filename: 'good.csv', content: good },
      ]),
    });
    expect(res.statusCode).toBe(202);
    const done = await waitForUpload(t.pool, res.json().uploads[0].id);
    expect(done).toMatchObject({ status: 'success', row_count: 3 });
    const rejected = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(rejected.body).toMatch(/ingest_rejected_files_total\{csv_type="receive",stage="process"\} \d+/);
  });
});
