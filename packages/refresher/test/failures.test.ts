import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoff, isTransient, refresh, type Clock } from '../src/index.ts';
import { freshDatabase, GRAPH_SQL, historyOf, quiet, session, type Fixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await freshDatabase();
  await f.pool.query(GRAPH_SQL);
  // t.src2 → mv_div (divides by v - 3) → v_div (view) → mv_div_child; fine until a row with v = 3 exists.
  await f.pool.query(`
    create table t.src2 (id int primary key, v int not null);
    insert into t.src2 values (1, 1), (2, 2);
    create materialized view t.mv_div as select id, 100 / (v - 3) as q from t.src2;
    create unique index on t.mv_div (id);
    create view t.v_div as select id, q from t.mv_div;
    create materialized view t.mv_div_child as select id, q from t.v_div;
    create unique index on t.mv_div_child (id);
    insert into t.src2 values (3, 3);`);
});
afterAll(() => f?.close());

describe('failures and retries', () => {
  it('retries a lock timeout with backoff and succeeds once the lock is gone', async () => {
    const locker = await session(f.db.url);
    await locker.query('begin');
    await locker.query('refresh materialized view t.mv_other'); // LOCK TABLE refuses MVs; this holds ACCESS EXCLUSIVE until commit
    const sleeps: number[] = [];
    // The injected clock's sleep is where the backoff waits: the other session lets go there.
    const clock: Clock = {
      now: () => Date.now(),
      sleep: async (ms) => {
        sleeps.push(ms);
        await locker.query('commit');
      },
    };
    const r = await refresh(['t.mv_other'], {
      pool: f.pool,
      logger: quiet,
      clock,
      random: () => 0.5,
      config: { lockTimeoutMs: 100, backoffBaseMs: 200 },
    });
    await locker.end();
    expect(r.results[0]).toMatchObject({ mv: 't.mv_other', status: 'refreshed', attempts: 2, mode: 'concurrent' });
    expect(sleeps).toEqual([150]); // 200 ms base, equal jitter at 0.5
    const rows = await historyOf(f.pool, r.runId);
    expect(rows.map((x) => [x.outcome, x.attempts])).toEqual([
      ['failed', 1],
      ['refreshed', 2],
    ]);
    expect(rows[0].error).toMatch(/lock timeout.*55P03/);
  });

  it('gives up after maxAttempts on a lock that stays', async () => {
    const locker = await session(f.db.url);
    await locker.query('begin');
    await locker.query('refresh materialized view t.mv_other'); // LOCK TABLE refuses MVs; this holds ACCESS EXCLUSIVE until commit
    const clock: Clock = { now: () => Date.now(), sleep: async () => {} };
    const r = await refresh(['t.mv_other'], {
      pool: f.pool,
      logger: quiet,
      clock,
      config: { lockTimeoutMs: 50, maxAttempts: 3 },
    });
    await locker.query('rollback');
    await locker.end();
    expect(r.results[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect(r.outcome).toBe('failed');
  });

  it('a critical failure fails the outcome, skips descendants and lets an independent branch refresh', async () => {
    const r = await refresh(['t.mv_div', 't.mv_other'], { pool: f.pool, logger: quiet });
    const by = Object.fromEntries(r.results.map((x) => [x.mv, x]));
    expect(by['t.mv_div']).toMatchObject({ status: 'failed', attempts: 1, critical: true });
    expect(by['t.mv_div']!.error).toMatch(/division by zero/);
    expect(by['t.mv_div_child']).toMatchObject({ status: 'skipped', reason: 'upstream t.mv_div failed' });
    expect(by['t.mv_other']).toMatchObject({ status: 'refreshed' });
    expect(r.outcome).toBe('failed');
    const rows = await historyOf(f.pool, r.runId);
    expect(rows.find((x) => x.mv_name === 't.mv_div_child')).toMatchObject({
      outcome: 'skipped',
      error: 'upstream t.mv_div failed',
    });
  });

  it('an optional failure makes the outcome degraded', async () => {
    const r = await refresh(['t.mv_div', 't.mv_other'], { pool: f.pool, logger: quiet, critical: false });
    expect(r.outcome).toBe('degraded');
  });

  it('reports an unknown MV as a failed result naming the fix', async () => {
    const r = await refresh(['mart.mv_nope', 't.mv_other'], { pool: f.pool, logger: quiet });
    expect(r.results[0]).toMatchObject({ mv: 'mart.mv_nope', status: 'failed' });
    expect(r.results[0]!.error).toMatch(/mart\.mv_nope is not a materialized view.*pnpm db:migrate/);
    expect(r.results[1]).toMatchObject({ mv: 't.mv_other', status: 'refreshed' });
  });

  it('classifies transient errors and bounds the backoff', () => {
    for (const code of ['55P03', '40P01', '40001', '57P01', '08006', 'ECONNRESET'])
      expect(isTransient({ code })).toBe(true);
    for (const code of ['22012', '57014', '42P01']) expect(isTransient({ code })).toBe(false);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    const cfg = { backoffBaseMs: 100, backoffMaxMs: 1000 };
    expect([1, 2, 3, 4, 5, 10].map((a) => backoff(cfg, a, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff(cfg, 3, () => 0)).toBe(200);
  });
});
