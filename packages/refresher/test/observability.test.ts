import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refresh, type Clock } from '../src/index.ts';
import { captureLogger, freshDatabase, GRAPH_SQL, quiet, session, until, type Fixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await freshDatabase();
  await f.pool.query(GRAPH_SQL);
  await f.pool.query(`create table t.bad (v int); insert into t.bad values (0);
    create materialized view t.mv_bad as select 1 / v as q from t.bad with no data`);
});
afterAll(() => f?.close());

describe('metrics and logs', () => {
  it('exposes duration, failures and last success with mv/mode/outcome labels', async () => {
    const registry = new Registry();
    const clock: Clock = { now: () => Date.now(), sleep: async () => {} };
    await refresh(['t.mv_other', 't.mv_side'], { pool: f.pool, logger: quiet, registry, clock });
    await refresh(['t.mv_bad'], { pool: f.pool, logger: quiet, registry, clock });
    const text = await registry.metrics();
    expect(text).toContain(
      'mv_refresh_duration_seconds_bucket{le="600",mv="t.mv_other",mode="concurrent",strategy="full",outcome="refreshed"} 1',
    );
    expect(text).toContain(
      'mv_refresh_duration_seconds_bucket{le="+Inf",mv="t.mv_side",mode="plain",strategy="full",outcome="refreshed"} 1',
    );
    expect(text).toContain(
      'mv_refresh_duration_seconds_count{mv="t.mv_bad",mode="plain",strategy="full",outcome="failed"} 1',
    );
    expect(text).toContain('mv_refresh_failures_total{mv="t.mv_bad",mode="plain"} 1');
    const last = /mv_last_success_timestamp_seconds\{mv="t.mv_other"\} ([\d.]+)/.exec(text);
    expect(Number(last?.[1])).toBeGreaterThan(Date.now() / 1000 - 3600);
    expect(text).not.toMatch(/mv_last_success_timestamp_seconds\{mv="t.mv_bad"\}/);
  });

  it('warns when a refresh exceeds the threshold', async () => {
    const { logger, lines } = captureLogger();
    let t = 0;
    const clock: Clock = { now: () => (t += 1000), sleep: async () => {} }; // every reading 1 s later
    await refresh(['t.mv_other'], { pool: f.pool, logger, clock, config: { slowThresholdMs: 1500 } });
    const warn = lines.find((l) => l.msg === 'mv refresh slower than threshold');
    expect(warn).toMatchObject({ level: 40, mv: 't.mv_other', thresholdMs: 1500 });
    lines.length = 0;
    await refresh(['t.mv_other'], { pool: f.pool, logger, config: { slowThresholdMs: 3_600_000 } });
    expect(lines.some((l) => l.msg === 'mv refresh slower than threshold')).toBe(false);
    expect(lines.some((l) => l.msg === 'mv refreshed' && l.mv === 't.mv_other')).toBe(true);
  });
});

describe('readers during a refresh', () => {
  it('readers are not blocked by a concurrent refresh, and are by a plain one', async () => {
    const gate = await session(f.db.url);
    const reader = await session(f.db.url);
    try {
      await gate.query('select pg_advisory_lock(1)');
      const running = () =>
        f.pool
          .query(`select 1 from log.mv_refresh_log where mv_name = 't.mv_gated_a' and outcome = 'running'`)
          .then((r) => r.rowCount === 1);

      const concurrent = refresh(['t.mv_gated_a'], { pool: f.pool, logger: quiet, config: { lockTimeoutMs: 120_000 } });
      await until(running, 'concurrent refresh in progress');
      // The refresh cannot finish while the gate is held, yet the reader gets its rows.
      const { rows } = await reader.query('select count(*)::int as n from t.mv_gated_a');
      expect(rows[0].n).toBe(100);
      expect(await running()).toBe(true);
      await gate.query('select pg_advisory_unlock(1)');
      expect((await concurrent).results[0]).toMatchObject({ mode: 'concurrent', status: 'refreshed' });

      await gate.query('select pg_advisory_lock(1)');
      const plain = refresh(['t.mv_gated_a'], {
        pool: f.pool,
        logger: quiet,
        mode: 'plain',
        config: { lockTimeoutMs: 120_000 },
      });
      await until(running, 'plain refresh in progress');
      const pid = (await reader.query('select pg_backend_pid() as pid')).rows[0].pid;
      const read = reader.query('select count(*)::int as n from t.mv_gated_a');
      // The reader waits on the refresh's ACCESS EXCLUSIVE lock.
      await until(
        () =>
          f.pool
            .query(`select wait_event_type from pg_stat_activity where pid = $1`, [pid])
            .then((r) => r.rows[0]?.wait_event_type === 'Lock'),
        'reader blocked by the plain refresh',
      );
      await gate.query('select pg_advisory_unlock(1)');
      expect((await read).rows[0].n).toBe(100);
      expect((await plain).results[0]).toMatchObject({
        mode: 'plain',
        status: 'refreshed',
        reason: 'plain mode requested',
      });
    } finally {
      await gate.end();
      await reader.end();
    }
  });
});
