import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { build } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { multipart, silent, testApp, waitForUpload, type TestApp } from './helper.ts';

const TOKEN = 's3cret-token';
const good = readFileSync(new URL('./fixtures/good-receive.csv', import.meta.url));
const auth = { authorization: `Bearer ${TOKEN}` };
let t: TestApp;

beforeAll(async () => {
  t = await testApp({ apiToken: TOKEN, uploadMaxBytes: 64 * 1024 });
  await t.startWorker();
});
afterAll(async () => t?.close());

function post(parts: Parameters<typeof multipart>[0], headers: Record<string, string> = auth) {
  const body = multipart(parts);
  return t.app.inject({
    method: 'POST',
    url: '/upload/csv',
    payload: body.payload,
    headers: { ...body.headers, ...headers },
  });
}

describe('POST /upload/csv', () => {
  it('401 without or with a wrong bearer token', async () => {
    const parts = [
      { name: 'flavour', value: 'final' },
      { name: 'receive', filename: 'r.csv', content: good },
    ];
    expect((await post(parts, {})).statusCode).toBe(401);
    const wrong = await post(parts, { authorization: 'Bearer nope' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toMatch(/Authorization: Bearer/);
  });

  it('202 with pending uploads, then 409 for the same bytes once landed', async () => {
    const res = await post([
      { name: 'flavour', value: 'final' },
      { name: 'receive', filename: 'r.csv', content: good },
    ]);
    expect(res.statusCode).toBe(202);
    const [u] = res.json().uploads;
    expect(u).toMatchObject({ csvType: 'receive', flavour: 'final', status: 'pending' });
    expect((await waitForUpload(t.pool, u.id)).status).toBe('success');
    const again = await post([
      { name: 'receive', filename: 'again.csv', content: good },
      { name: 'flavour', value: 'final' },
    ]);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'E_DUPLICATE', duplicateOf: u.id });
    expect(again.json().error).toContain(`upload ${u.id}`);
    // The same bytes as flash are a different upload.
    const flash = await post([
      { name: 'flavour', value: 'flash' },
      { name: 'receive', filename: 'r.csv', content: good },
    ]);
    expect(flash.statusCode).toBe(202);
    const pending = await t.pool.query(`SELECT count(*)::int n FROM log.upload_file WHERE file_name = 'again.csv'`);
    expect(pending.rows[0].n).toBe(0); // the refused upload left nothing behind
  });

  it('413 over the size limit, 415 for a non-CSV name, 400 for a missing file', async () => {
    const big = Buffer.concat([good, Buffer.alloc(70 * 1024, 0x41)]);
    const res = await post([
      { name: 'flavour', value: 'final' },
      { name: 'receive', filename: 'big.csv', content: big },
    ]);
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatch(/larger than the limit of 65536 bytes/);
    expect(
      (
        await post([
          { name: 'flavour', value: 'final' },
          { name: 'receive', filename: 'r.xlsx', content: good },
        ])
      ).statusCode,
    ).toBe(415);
    const none = await post([{ name: 'flavour', value: 'final' }]);
    expect(none.statusCode).toBe(400);
    expect(none.json().code).toBe('E_NO_FILE');
  });

  it('accepts several kinds in one request', async () => {
    const ship = Buffer.from(
      '伝票日付,伝票番号,明細行,業者CD,業者名,品名CD,品名,正味重量,数量,単位名,単価,金額,営業担当者\r\n2025/04/01,X1,1,V1,n,A1,i,100,1,kg,1,100,山田\r\n',
    );
    const yard = Buffer.from(
      '伝票日付,伝票番号,明細行,品名CD,品名,正味重量,数量,単位名\r\n2025/04/01,Y1,1,A1,i,100,1,kg\r\n',
    );
    const res = await post([
      { name: 'flavour', value: 'flash' },
      { name: 'shipment', filename: 's.csv', content: ship },
      { name: 'yard', filename: 'y.csv', content: yard },
    ]);
    expect(res.statusCode).toBe(202);
    const ids = res.json().uploads.map((u: { id: number }) => u.id);
    expect(res.json().uploads.map((u: { csvType: string }) => u.csvType)).toEqual(['shipment', 'yard']);
    for (const id of ids) expect((await waitForUpload(t.pool, id)).status).toBe('success');
    expect((await t.pool.query('SELECT sales_rep FROM stg.shogun_flash_shipment')).rows).toEqual([
      { sales_rep: '山田' },
    ]);
    expect((await t.pool.query('SELECT count(*)::int n FROM stg.shogun_flash_yard')).rows[0].n).toBe(1);
  });
});

describe('reads', () => {
  it('GET /uploads/:id → 200 / 400 / 404 / 401', async () => {
    const { rows } = await t.pool.query(`SELECT id FROM log.upload_file WHERE status = 'success' ORDER BY id LIMIT 1`);
    const ok = await t.app.inject({ method: 'GET', url: `/uploads/${rows[0].id}`, headers: auth });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      status: 'success',
      csvType: 'receive',
      rowCount: 3,
      dateFrom: '2025-04-01',
      dateTo: '2025-04-02',
    });
    expect((await t.app.inject({ method: 'GET', url: '/uploads/abc', headers: auth })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/uploads/999999', headers: auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/uploads/${rows[0].id}` })).statusCode).toBe(401);
  });

  it('GET /uploads?limit= → 200 / 400', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/uploads?limit=2', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().uploads).toHaveLength(2);
    expect(res.json().uploads[0].id).toBeGreaterThan(res.json().uploads[1].id);
    expect((await t.app.inject({ method: 'GET', url: '/uploads?limit=0', headers: auth })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/uploads?status=weird', headers: auth })).statusCode).toBe(400);
  });

  it('GET /mv lists the MVs with their state (behind the token like every data route)', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/mv' })).statusCode).toBe(401);
    const res = await t.app.inject({ method: 'GET', url: '/mv', headers: auth });
    expect(res.statusCode).toBe(200);
    const names = res.json().mvs.map((m: { mv: string }) => m.mv);
    expect(names).toEqual(
      expect.arrayContaining(['mart.mv_receive_daily', 'mart.mv_target_card_per_day', 'mart.mv_shipment_daily']),
    );
  });

  it('GET /inbound/daily and /dashboard/target-card validate their dates', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/inbound/daily?from=2025-04-01', headers: auth })).statusCode,
    ).toBe(400);
    expect(
      (await t.app.inject({ method: 'GET', url: '/inbound/daily?from=2025-04-02&to=2025-04-01', headers: auth }))
        .statusCode,
    ).toBe(400);
    expect(
      (await t.app.inject({ method: 'GET', url: '/inbound/daily?from=2025-02-30&to=2025-04-01', headers: auth }))
        .statusCode,
    ).toBe(400);
    const ok = await t.app.inject({
      method: 'GET',
      url: '/inbound/daily?from=2025-01-01&to=2025-01-31',
      headers: auth,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().days).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/dashboard/target-card', headers: auth })).statusCode).toBe(400);
    const year0 = await t.app.inject({ method: 'GET', url: '/dashboard/target-card?date=0000-01-01', headers: auth });
    expect(year0.statusCode, year0.body).toBe(400);
    expect(year0.json()).toMatchObject({ code: 'E_BAD_DATE' });
    expect(year0.json().error).toMatch(/1900-01-01/);
    const none = await t.app.inject({ method: 'GET', url: '/dashboard/target-card?date=1999-01-01', headers: auth });
    expect(none.statusCode).toBe(404);
  });

  it('a refused multi-file request counts each of its files as rejected under its own kind', async () => {
    const count = async (kind: string) => {
      const m = new RegExp(`ingest_rejected_files_total\\{csv_type="${kind}",stage="accept"\\} (\\d+)`).exec(
        (await t.app.inject({ method: 'GET', url: '/metrics' })).body,
      );
      return m ? Number(m[1]) : 0;
    };
    const before = { receive: await count('receive'), shipment: await count('shipment'), yard: await count('yard') };
    // receive is stored, then shipment is refused for its file name: both are lost with the request.
    const res = await post([
      { name: 'flavour', value: 'final' },
      { name: 'receive', filename: 'r.csv', content: good },
      { name: 'shipment', filename: 'a/s.csv', content: good },
    ]);
    expect(res.statusCode).toBe(400);
    expect({ receive: await count('receive'), shipment: await count('shipment'), yard: await count('yard') }).toEqual({
      receive: before.receive + 1,
      shipment: before.shipment + 1,
      yard: before.yard,
    });
  });

  it('GET /metrics exposes the ingest and refresher metrics', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/ingest_rows_total\{csv_type="receive"\} \d+/);
    expect(res.body).toContain('ingest_duration_seconds_bucket');
    expect(res.body).toContain('ingest_rejected_files_total');
    expect(res.body).toContain('mv_refresh_duration_seconds');
  });

  it('GET /healthz, /readyz and an unknown route', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', migrations: { upToDate: true } });
    expect((await t.app.inject({ method: 'GET', url: '/nope', headers: auth })).statusCode).toBe(404);
    // With API_TOKEN set, reads need it too (the console asks for it once per tab).
    expect((await t.app.inject({ method: 'GET', url: '/mv' })).statusCode).toBe(401);
  });
});

describe('an unmigrated or unreachable database', () => {
  let empty: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    empty = await createTestDatabase(inject('pgAdminUrl'), { prefix: 'api_empty' });
    pool = new pg.Pool({ connectionString: empty.url });
    pool.on('error', () => {}); // its test database is dropped WITH (FORCE) while a connection may still be closing
  });
  afterAll(async () => {
    await pool.end();
    await empty.drop();
  });

  it('/readyz is 503 naming the pending migrations; a 500 hides its details and gives the request id', async () => {
    const app = await build({
      pool,
      databaseUrl: empty.url,
      config: loadConfig({}, { logLevel: 'silent', auth: false }), // about the database, not sign-in
      logger: silent,
    });
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().migrations.pending.length).toBeGreaterThan(0);
      const res = await app.inject({ method: 'GET', url: '/uploads/1' });
      expect(res.statusCode).toBe(500);
      expect(res.json().requestId).toMatch(/^req-/);
      expect(res.json().error).toMatch(/internal error/);
      expect(res.body).not.toMatch(/relation|upload_file|does not exist/);
    } finally {
      await app.close();
    }
  });

  it('/readyz is 503 when the database cannot be reached', async () => {
    const dead = new pg.Pool({
      connectionString: 'postgres://nobody:x@127.0.0.1:1/none',
      connectionTimeoutMillis: 2000,
    });
    const app = await build({
      pool: dead,
      databaseUrl: 'postgres://nobody:x@127.0.0.1:1/none',
      config: loadConfig({}, { logLevel: 'silent', auth: false }), // about the database, not sign-in
      logger: silent,
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ database: 'unreachable' });
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await dead.end();
    }
  });
});
