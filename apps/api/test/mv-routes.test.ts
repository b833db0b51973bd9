import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, testApp, waitFor, waitForUpload, type TestApp } from './helper.ts';

// Read by the refresher in this process (API routes and the worker's task), like a real deployment:
// the follow-up below must wait this long after the last request, and the blocked refresh must not time out.
process.env.MV_REFRESH_DEBOUNCE_MS = '2000';
process.env.MV_REFRESH_LOCK_TIMEOUT_MS = '120000';

const MV = 'mart.mv_receive_daily';
const good = readFileSync(new URL('./fixtures/good-receive.csv', import.meta.url));
let t: TestApp;

beforeAll(async () => {
  t = await testApp();
  await t.startWorker();
});
afterAll(async () => t?.close());

const refresh = (payload: unknown) => t.app.inject({ method: 'POST', url: '/mv/refresh', payload: payload as object });
async function getMv() {
  const res = await t.app.inject({ method: 'GET', url: '/mv' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('POST /mv/refresh, GET /mv, GET /mv/:name/history', () => {
  it('refuses what it cannot refresh, naming the choices', async () => {
    const none = await refresh({});
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ code: 'E_BAD_REFRESH_REQUEST' });
    expect((await refresh({ csvType: 'receive', all: true })).json().code).toBe('E_BAD_REFRESH_REQUEST');
    const unknown = await refresh({ mvs: ['mart.mv_nope'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('E_UNKNOWN_MV');
    expect(unknown.json().error).toMatch(/mart\.mv_nope is not a materialized view.*known: .*mart\.mv_receive_daily/);
    expect((await refresh({ csvType: 'pallets' })).json()).toMatchObject({ code: 'E_UNKNOWN_CSV_TYPE' });
    expect(
      (await t.pool.query(`select 1 from graphile_worker.jobs where task_identifier = 'mv_refresh'`)).rowCount,
    ).toBe(0);
  });

  it('requests during a running refresh make exactly one follow-up, debounced by MV_REFRESH_DEBOUNCE_MS', async () => {
    const locker = new pg.Client({ connectionString: t.db.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query(`lock table ${MV} in access exclusive mode`); // an incremental table: held until rollback
      const first = await refresh({ csvType: 'receive' });
      expect(first.statusCode).toBe(202);
      expect(first.json()).toMatchObject({ requested: [MV], follow: 'GET /mv' });
      expect(first.json().refreshes).toEqual(expect.arrayContaining([MV, 'mart.mv_target_card_per_day']));
      await waitFor(
        'the first refresh blocked on the lock',
        async () =>
          (await t.pool.query(`select 1 from log.mv_refresh_log where mv_name = $1 and outcome = 'running'`, [MV]))
            .rowCount === 1,
        30_000,
      );
      const during = [
        await refresh({ csvType: 'receive' }),
        await refresh({ mvs: [MV] }),
        await refresh({ all: true }),
      ];
      expect(during.map((r) => r.statusCode)).toEqual([202, 202, 202]);
      expect(new Set(during.map((r) => r.json().jobId)).size).toBe(1);
      expect(during[0]!.json().jobId).not.toBe(first.json().jobId);
      const wait = await t.pool.query(
        `select extract(epoch from run_at - clock_timestamp()) as s from graphile_worker.jobs where task_identifier = 'mv_refresh' and locked_at is null`,
      );
      expect(Number(wait.rows[0].s)).toBeGreaterThan(1); // the API's enqueue used MV_REFRESH_DEBOUNCE_MS=2000
      const { queue } = await getMv();
      expect(queue.map((j: { running: boolean; triggers: unknown[] }) => [j.running, j.triggers.length])).toEqual([
        [true, 1],
        [false, 3],
      ]);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    await waitFor(
      'the queue drained',
      async () =>
        (await t.pool.query(`select 1 from graphile_worker.jobs where task_identifier = 'mv_refresh'`)).rowCount === 0,
      60_000,
    );
    const runs = await t.pool.query(
      `select count(distinct run_id)::int as n from log.mv_refresh_log where mv_name = $1 and outcome = 'refreshed'`,
      [MV],
    );
    expect(runs.rows[0].n).toBe(2);
    const history = await t.app.inject({ method: 'GET', url: `/mv/${MV}/history?limit=5` });
    expect(history.statusCode).toBe(200);
    const rows = history.json().history;
    expect(rows).toHaveLength(2);
    expect(rows.map((r: { trigger: string }) => r.trigger)).toEqual(['api', 'api']); // the follow-up's three requests, one trigger
    expect(rows[0]).toMatchObject({ outcome: 'refreshed', mode: expect.any(String), attempts: 1 });
    expect(rows[0].durationMs).toBeGreaterThanOrEqual(0);
    expect((await t.app.inject({ method: 'GET', url: `/mv/${MV}/history?limit=1` })).json().history).toHaveLength(1);
  });

  it('history of an unknown MV is 404 naming the known ones; a bad name or limit is 400', async () => {
    const nope = await t.app.inject({ method: 'GET', url: '/mv/mart.mv_nope/history' });
    expect(nope.statusCode).toBe(404);
    expect(nope.json().error).toMatch(/mart\.mv_nope is not a materialized view.*known: .*mart\.mv_receive_daily/);
    expect((await t.app.inject({ method: 'GET', url: '/mv/mv_receive_daily/history' })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: `/mv/${MV}/history?limit=0` })).statusCode).toBe(400);
  });

  it('an upload makes its MVs stale until their refresh; GET /mv and /metrics show it', async () => {
    const body = multipart([
      { name: 'flavour', value: 'final' },
      { name: 'receive', filename: 'r.csv', content: good },
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/upload/csv',
      payload: body.payload,
      headers: body.headers,
    });
    const id = res.json().uploads[0].id;
    expect((await waitForUpload(t.pool, id)).status).toBe('success');
    // Stale from the upload's finish until the refresh queued by it (2 s debounce) has run.
    const stale = (await getMv()).mvs.find((m: { mv: string }) => m.mv === MV);
    if (stale.stalenessSeconds > 0)
      expect(stale).toMatchObject({ behind: `upload:${id}`, overTarget: false, freshnessTargetSeconds: 600 });
    await waitFor(
      'the upload refreshed',
      async () =>
        (await t.pool.query(`select refresh_outcome from log.upload_file where id = $1`, [id])).rows[0].refresh_outcome,
    );
    const fresh = (await getMv()).mvs.find((m: { mv: string }) => m.mv === MV);
    expect(fresh).toMatchObject({ stalenessSeconds: 0, behind: null, overTarget: false });
    // The staff-facing name comes from the catalog file's `-- label:` line.
    expect(fresh.label).toBe('日別受入');
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^warehouse_mv_staleness_seconds\{mv="mart\.mv_receive_daily"\} 0$/m);
  });
});
