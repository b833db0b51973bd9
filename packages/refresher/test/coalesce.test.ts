import pg from 'pg';
import type { Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@warehouse/db';
import {
  enqueueRefresh,
  installWorkerSchema,
  runRefreshWorker,
  RefresherError,
  type RefreshRequest,
  type RefreshResult,
} from '../src/index.ts';
import { freshDatabase, GRAPH_SQL, quiet, session, until, type Fixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await freshDatabase({ poolSize: 30 });
  await f.pool.query(GRAPH_SQL);
});
afterAll(() => f?.close());

async function enqueue(request: RefreshRequest) {
  const client = await f.pool.connect();
  try {
    return await withTransaction(client, () => enqueueRefresh(client, request, { debounceMs: 0 }));
  } finally {
    client.release();
  }
}

describe('coalescing through graphile-worker', () => {
  it('names the fix when graphile-worker is not installed, and leaves the caller transaction to roll back', async () => {
    const err = await enqueue({ mvs: ['t.mv_other'], trigger: 'test' }).catch((e) => e);
    expect(err).toBeInstanceOf(RefresherError);
    expect(err.message).toMatch(/graphile_worker"\.add_job does not exist.*installWorkerSchema/);
  });

  it('20 concurrent requests during a run, two worker instances: at most 2 runs per MV, the follow-up carries every trigger', async () => {
    await installWorkerSchema({ connectionString: f.db.url });
    const gate = await session(f.db.url);
    const pools = [
      new pg.Pool({ connectionString: f.db.url, max: 2 }),
      new pg.Pool({ connectionString: f.db.url, max: 2 }),
    ];
    const results: RefreshResult[] = [];
    const runners: Runner[] = [];
    try {
      await gate.query('select pg_advisory_lock(1)');
      for (const pool of pools) {
        runners.push(
          await runRefreshWorker({
            connectionString: f.db.url,
            pool,
            logger: quiet,
            pollInterval: 100,
            config: { lockTimeoutMs: 120_000 },
            onResult: (r) => void results.push(r),
          }),
        );
      }
      await enqueue({ mvs: ['t.mv_gated_a'], trigger: 'req:0' });
      await until(
        () =>
          f.pool
            .query(`select 1 from log.mv_refresh_log where mv_name = 't.mv_gated_a' and outcome = 'running'`)
            .then((r) => r.rowCount === 1),
        'first run blocked in t.mv_gated_a',
      );
      // 20 requests for overlapping MV sets arrive while the first run is in progress.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          enqueue({ mvs: i % 2 ? ['t.mv_gated_a'] : ['t.mv_gated_a', 't.mv_other'], trigger: `req:${i + 1}` }),
        ),
      );
      await gate.query('select pg_advisory_unlock(1)');
      await until(
        async () => results.length >= 2 && (await f.pool.query(`select 1 from graphile_worker.jobs`)).rowCount === 0,
        'queue drained',
      );
      const { rows } = await f.pool.query(
        `select mv_name, count(distinct run_id)::int as runs from log.mv_refresh_log where outcome = 'refreshed' group by 1 order by 1`,
      );
      const runs = Object.fromEntries(rows.map((r) => [r.mv_name, r.runs]));
      expect(runs['t.mv_gated_a']).toBe(2);
      expect(runs['t.mv_other']).toBe(1);
      expect(results).toHaveLength(2);
      expect(results[0]!.trigger).toBe('req:0');
      expect(results[1]!.trigger.split(',').sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `req:${i + 1}`).sort(),
      );
      expect(results.every((r) => r.outcome === 'ok')).toBe(true);
    } finally {
      await gate.end();
      for (const r of runners) await r.stop();
      for (const p of pools) await p.end();
    }
  });

  it('a request rolled back with its transaction is never run', async () => {
    const client = await f.pool.connect();
    try {
      await client.query('begin');
      await enqueueRefresh(client, { csvType: 'receive', trigger: 'upload:99' }, { debounceMs: 0 });
      await client.query('rollback');
    } finally {
      client.release();
    }
    expect(
      (await f.pool.query(`select 1 from graphile_worker.jobs where task_identifier = 'mv_refresh'`)).rowCount,
    ).toBe(0);
  });
});
