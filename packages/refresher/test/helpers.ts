import { Writable } from 'node:stream';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { inject } from 'vitest';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';

export interface Fixture {
  db: TestDatabase;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** A fresh database cloned from the migrated template (log.mv_refresh_log and the mart MVs exist). */
export async function freshDatabase(options: { poolSize?: number } = {}): Promise<Fixture> {
  const adminUrl = inject('pgAdminUrl');
  const template = await createMigratedTemplate(adminUrl);
  const db = await createTestDatabase(adminUrl, { template, prefix: 'refresher' });
  const pool = new pg.Pool({ connectionString: db.url, max: options.poolSize ?? 4 });
  pool.on('error', () => {});
  return {
    db,
    pool,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

/**
 * A small MV graph in schema t:
 *   t.src → mv_base (unique) → v_mid (view) → mv_top (unique)
 *                            → mv_side (no unique index)
 *   t.src → mv_other (unique)                       independent branch
 *   t.src → mv_empty (unique, WITH NO DATA)
 *   t.gate(k): blocks while the test holds advisory lock k; mv_gated_a / mv_gated_b use it.
 */
export const GRAPH_SQL = `
create schema t;
create table t.src (id int primary key, v int not null, grp int not null);
insert into t.src select g, g, g % 3 from generate_series(1, 100) g;
create function t.gate(k int) returns boolean language plpgsql volatile as $$
begin perform pg_advisory_xact_lock_shared(k); return true; end $$;
create materialized view t.mv_base as select grp, sum(v) as s, count(*) as n from t.src group by grp;
create unique index ux_mv_base on t.mv_base (grp);
create view t.v_mid as select grp, s * 2 as s2 from t.mv_base;
create materialized view t.mv_top as select grp, s2 from t.v_mid;
create unique index ux_mv_top on t.mv_top (grp);
create materialized view t.mv_side as select count(*) as c from t.mv_base;
create materialized view t.mv_other as select id, v from t.src;
create unique index ux_mv_other on t.mv_other (id);
create materialized view t.mv_empty as select id from t.src with no data;
create unique index ux_mv_empty on t.mv_empty (id);
create materialized view t.mv_gated_a as select id, v from t.src where t.gate(1);
create unique index ux_mv_gated_a on t.mv_gated_a (id);
create materialized view t.mv_gated_b as select id, v from t.src where t.gate(2);
create unique index ux_mv_gated_b on t.mv_gated_b (id);
`;

export const quiet: Logger = pino({ level: 'silent' });

/** A pino logger whose lines are collected (parsed) for assertions. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** Poll `fn` until it returns truthy (the tests wait for states, never for durations). */
export async function until<T>(fn: () => Promise<T>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function historyOf(pool: pg.Pool, runId?: string) {
  const { rows } = await pool.query(
    `select id, mv_name, trigger, run_id, started_at, finished_at, mode, mode_reason, outcome, attempts, error, row_count, duration_ms
     from log.mv_refresh_log ${runId ? 'where run_id = $1' : ''} order by id`,
    runId ? [runId] : [],
  );
  return rows;
}

/** An open connection that holds locks for a test. */
export async function session(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  return c;
}
