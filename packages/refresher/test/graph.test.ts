import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadGraph,
  parsePayload,
  refresh,
  refreshAll,
  refreshForCsvType,
  REASON_NO_UNIQUE_INDEX,
  REASON_NOT_POPULATED,
} from '../src/index.ts';
import { freshDatabase, GRAPH_SQL, historyOf, quiet, session, until, type Fixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await freshDatabase();
  await f.pool.query(GRAPH_SQL);
});
afterAll(() => f?.close());

const mapping = { receive: [{ mv: 't.mv_base', critical: true }], yard: [] };

describe('MV graph from the catalog', () => {
  it('follows dependencies through plain views', async () => {
    const g = await loadGraph(f.pool);
    expect(g.nodes.get('t.mv_top')!.upstream).toEqual(['t.mv_base']);
    expect(g.nodes.get('t.mv_side')!.upstream).toEqual(['t.mv_base']);
    expect(g.downstream.get('t.mv_base')!.sort()).toEqual(['t.mv_side', 't.mv_top']);
    expect(g.nodes.get('t.mv_other')!.upstream).toEqual([]);
    expect(g.nodes.get('t.mv_side')!.uniqueIndex).toBeNull();
    expect(g.nodes.get('t.mv_base')!.uniqueIndex).toBe('ux_mv_base');
  });

  it('refreshes unmapped MVs downstream of a mapped one, upstream first', async () => {
    await f.pool.query('update t.src set v = v + 1');
    const r = await refreshForCsvType('receive', {
      pool: f.pool,
      logger: quiet,
      mapping,
      trigger: 'upload:1',
      config: { concurrency: 1 },
    });
    expect(r.outcome).toBe('ok');
    expect(r.results.map((x) => x.mv)).toEqual(['t.mv_base', 't.mv_side', 't.mv_top']);
    const rows = await historyOf(f.pool, r.runId);
    expect(rows.map((x) => x.mv_name)).toEqual(['t.mv_base', 't.mv_side', 't.mv_top']);
    expect(rows.every((x) => x.outcome === 'refreshed' && x.trigger === 'upload:1')).toBe(true);
    // The chain MV → view → MV really carried the new data.
    const { rows: top } = await f.pool.query('select sum(s2)::int as s from t.mv_top');
    const { rows: src } = await f.pool.query('select (2 * sum(v))::int as s from t.src');
    expect(top[0].s).toBe(src[0].s);
  });

  it('starts a ready critical MV before optional ones (a dashboard does not wait behind slow optional MVs)', async () => {
    const r = await refresh(['t.mv_base'], {
      pool: f.pool,
      logger: quiet,
      config: { concurrency: 1 },
      settings: { 't.mv_top': { critical: true }, 't.mv_side': { critical: false } },
    });
    const rows = await historyOf(f.pool, r.runId);
    expect(rows.map((x) => x.mv_name)).toEqual(['t.mv_base', 't.mv_top', 't.mv_side']); // by name alone t.mv_side would go first
  });

  it('starts a dependant only after its upstream finished, even with parallelism', async () => {
    const r = await refresh(['t.mv_base'], { pool: f.pool, logger: quiet, config: { concurrency: 4 } });
    const rows = await historyOf(f.pool, r.runId);
    const base = rows.find((x) => x.mv_name === 't.mv_base')!;
    for (const dep of rows.filter((x) => x.mv_name !== 't.mv_base')) {
      expect(dep.started_at.getTime()).toBeGreaterThanOrEqual(base.finished_at.getTime());
    }
  });

  it('chooses plain with a reason for an unpopulated MV, then concurrent once populated', async () => {
    const first = await refresh(['t.mv_empty'], { pool: f.pool, logger: quiet });
    expect(first.results[0]).toMatchObject({
      mv: 't.mv_empty',
      mode: 'plain',
      status: 'refreshed',
      reason: REASON_NOT_POPULATED,
    });
    const second = await refresh(['t.mv_empty'], { pool: f.pool, logger: quiet });
    expect(second.results[0]).toMatchObject({ mode: 'concurrent', status: 'refreshed' });
    expect(second.results[0]!.reason).toBeUndefined();
    const rows = await historyOf(f.pool, second.runId);
    expect(rows[0]).toMatchObject({ mode: 'concurrent', mode_reason: null, row_count: '100' });
  });

  it('chooses plain for an MV without a usable unique index', async () => {
    const r = await refresh(['t.mv_side'], { pool: f.pool, logger: quiet });
    expect(r.results[0]).toMatchObject({ mode: 'plain', reason: REASON_NO_UNIQUE_INDEX, status: 'refreshed' });
    // A partial or expression unique index does not count either.
    await f.pool.query(`create materialized view t.mv_partial as select id, v from t.src;
      create unique index on t.mv_partial (id) where v > 0; create unique index on t.mv_partial ((id + 0))`);
    const p = await refresh(['t.mv_partial'], { pool: f.pool, logger: quiet });
    expect(p.results[0]).toMatchObject({ mode: 'plain', reason: REASON_NO_UNIQUE_INDEX });
  });

  it('runs independent branches in parallel up to the limit', async () => {
    const holder = await session(f.db.url);
    try {
      await holder.query('select pg_advisory_lock(1), pg_advisory_lock(2)');
      const running = () =>
        f.pool
          .query(
            `select mv_name from log.mv_refresh_log where outcome = 'running' and mv_name like 't.mv_gated_%' order by 1`,
          )
          .then((r) => r.rows.map((x) => x.mv_name));
      const p = refresh(['t.mv_gated_a', 't.mv_gated_b'], {
        pool: f.pool,
        logger: quiet,
        config: { concurrency: 2, lockTimeoutMs: 120_000 },
      });
      // Both are blocked on the gate at the same time: they run side by side.
      expect(
        await until(async () => ((await running()).length === 2 ? await running() : null), 'both gated MVs running'),
      ).toEqual(['t.mv_gated_a', 't.mv_gated_b']);
      await holder.query('select pg_advisory_unlock(1), pg_advisory_unlock(2)');
      expect((await p).outcome).toBe('ok');

      await holder.query('select pg_advisory_lock(1), pg_advisory_lock(2)');
      const q = refresh(['t.mv_gated_a', 't.mv_gated_b'], {
        pool: f.pool,
        logger: quiet,
        config: { concurrency: 1, lockTimeoutMs: 120_000 },
      });
      await until(async () => (await running()).length === 1, 'first gated MV running');
      await holder.query('select pg_advisory_unlock(1)');
      // a finishes only once its gate opens; b cannot have started before that with a limit of 1.
      await until(async () => (await running()).includes('t.mv_gated_b'), 'second gated MV running');
      const { rows } = await f.pool.query(
        `select mv_name, started_at, finished_at from log.mv_refresh_log where mv_name like 't.mv_gated_%' order by id desc limit 2`,
      );
      const a = rows.find((x) => x.mv_name === 't.mv_gated_a')!;
      const b = rows.find((x) => x.mv_name === 't.mv_gated_b')!;
      expect(b.started_at.getTime()).toBeGreaterThanOrEqual(a.finished_at.getTime());
      await holder.query('select pg_advisory_unlock(2)');
      expect((await q).outcome).toBe('ok');
    } finally {
      await holder.end();
    }
  });

  it('refreshAll covers every MV in the database, mapped or not', async () => {
    const r = await refreshAll({ pool: f.pool, logger: quiet });
    const names = r.results.map((x) => x.mv);
    expect(names).toContain('t.mv_other');
    expect(names).toContain('mart.mv_receive_daily');
    expect(names.indexOf('mart.mv_receive_daily')).toBeLessThan(names.indexOf('mart.mv_inb_avg5y_day_biz'));
    expect(r.outcome).toBe('ok');
  });

  it('an empty mapping (yard) refreshes nothing and is ok; an unknown csv_type is refused', async () => {
    const r = await refreshForCsvType('yard', { pool: f.pool, logger: quiet, mapping });
    expect(r).toMatchObject({ results: [], outcome: 'ok' });
    // A kind the mapping leaves out refreshes nothing.
    expect(await refreshForCsvType('shipment', { pool: f.pool, logger: quiet, mapping })).toMatchObject({
      results: [],
      outcome: 'ok',
    });
    // The kind is the contract's type: an unknown one is a compile error (`pnpm typecheck` fails
    // if this line compiles) …
    // @ts-expect-error 'nope' is not a CsvType
    void (() => refreshForCsvType('nope', { pool: f.pool, logger: quiet }));
    // … and outside input is refused where it enters (a job's JSON payload), naming the kinds.
    expect(() => parsePayload([{ csvType: 'nope', trigger: 'upload:1' }])).toThrow(
      /csv_type "nope" is not a CSV kind; known: receive, shipment, yard/,
    );
  });
});
