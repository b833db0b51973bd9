// The refresher while a view migration's expand/fill/swap is under way (packages/db migrator/swap.ts),
// on the real catalog: a change of mart.mv_receive_daily's query (an incremental table with MV and
// view dependants) is generated, applied, and its fill held half-way (the new query calls a function
// that waits on an advisory lock the test holds). During that window the unpopulated new versions in
// mart__swap exist: every reader of the catalog (refresh runs, staleness, mv:status, populate, the
// verification) must neither list, refresh nor fail on them. Then the swap replaces an MV a refresh
// run has already read from the graph and is waiting to refresh; and an upload refreshed into the
// old version during the fill window reaches the new one, so the nightly verification is clean.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_CATALOG_DIR } from '@warehouse/db/views';
import { DEFAULT_SCHEMA_PATH, newMigration } from '@warehouse/migrate/engine';
import { DEFAULT_MIGRATIONS_DIR, migrate, type MigrateResult, type MigratorEvent } from '@warehouse/migrate';
import {
  loadGraph,
  loadIncrementalTables,
  mvStaleness,
  mvStatus,
  nightlyVerify,
  populateMvs,
  refresh,
  refreshAll,
  refreshForCsvType,
  unpopulatedMvs,
  verifyTables,
} from '../src/index.ts';
import { freshDatabase, quiet, session, until, type Fixture } from './helpers.ts';

const GATE = 424242;
const inSwap = (names: Iterable<string>) => [...names].filter((n) => n.split('.')[0]!.endsWith('__swap'));

describe('refresher during a pending expand/fill/swap', () => {
  let fx: Fixture;
  let work: string;
  let dir: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'refresher-swap-'));
    dir = path.join(work, 'migrations');
    const views = path.join(work, 'views');
    const schema = path.join(work, 'schema.prisma');
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await cp(DEFAULT_CATALOG_DIR, views, { recursive: true });
    await cp(DEFAULT_SCHEMA_PATH, schema);
    // The new query calls fx_gate: it waits while the test holds the advisory lock GATE exclusively.
    await mkdir(path.join(dir, '20291231000000_fx_gate'));
    await writeFile(
      path.join(dir, '20291231000000_fx_gate', 'migration.sql'),
      `CREATE FUNCTION public.fx_gate(x numeric) RETURNS numeric LANGUAGE plpgsql VOLATILE AS $$
BEGIN PERFORM pg_advisory_xact_lock_shared(${GATE}); RETURN x; END $$;
`,
    );
    const file = path.join(views, 'mart', 'mv_receive_daily.sql');
    const text = await readFile(file, 'utf8');
    const changed = text.replace(
      'COALESCE(SUM(w.net_weight_kg), 0) / 1000',
      'COALESCE(SUM(public.fx_gate(w.net_weight_kg)), 0) / 1000',
    );
    expect(changed).not.toBe(text);
    await writeFile(file, changed);
    const gen = await newMigration({
      url: inject('pgAdminUrl'),
      dir,
      schema,
      catalogDir: views,
      name: 'receive daily gated',
      now: new Date(Date.UTC(2030, 0, 1)),
    });
    expect(gen.plan!.up.mode).toBe('swap');
    fx = await freshDatabase();
    await fx.pool
      .query(`insert into stg.shogun_final_receive (slip_date, slip_no, line_no, net_weight_kg, upload_file_id, source_line)
      select date '2024-01-01' + (g % 90), 'S' || (g / 3), 1, g, 1, g from generate_series(1, 3000) g`);
    expect((await refreshAll({ pool: fx.pool, logger: quiet })).outcome).toBe('ok');
  }, 300_000);

  afterAll(async () => {
    await fx?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('the fill window: no refresh, listing, staleness, populate or verification sees or fails on mart__swap; the swap replaces an MV a run is waiting on; the nightly verification is clean after it', async () => {
    const gate = await session(fx.db.url);
    const reader = await session(fx.db.url);
    let deploy: Promise<MigrateResult> | undefined;
    const events: MigratorEvent[] = [];
    try {
      await gate.query(`select pg_advisory_lock(${GATE})`);
      deploy = migrate({ url: fx.db.url, dir, ddlLockTimeoutMs: 120_000, log: (e) => events.push(e) });
      // The fill of the new mv_receive_daily is under way and waits on the gate.
      await until(
        async () =>
          (
            await fx.pool.query(
              `select 1 from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'advisory' and query ilike '%mart__swap.mv_receive_daily%'`,
            )
          ).rowCount,
        'the fill to wait on the gate',
        120_000,
      );
      const shadows = await fx.pool.query<{ name: string; populated: boolean }>(
        `select n.nspname || '.' || c.relname as name, c.relispopulated as populated from pg_class c
           join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'mart__swap' and c.relkind = 'm' order by 1`,
      );
      // The window this test is about: unpopulated new versions exist beside the old ones.
      expect(shadows.rows.length).toBeGreaterThan(0);
      expect(shadows.rows.every((r) => !r.populated)).toBe(true);

      const graph = await loadGraph(fx.pool);
      expect(inSwap(graph.nodes.keys())).toEqual([]);
      expect(inSwap([...graph.downstream.values()].flat())).toEqual([]);
      expect(graph.nodes.has('mart.mv_receive_daily')).toBe(true);
      expect(inSwap((await loadIncrementalTables(fx.pool)).keys())).toEqual([]);
      expect(inSwap(await unpopulatedMvs(fx.pool))).toEqual([]);
      expect(inSwap((await mvStaleness(fx.pool)).keys())).toEqual([]);
      expect(inSwap((await mvStatus(fx.pool)).map((r) => r.mv))).toEqual([]);
      expect(await populateMvs({ pool: fx.pool, logger: quiet })).toBeNull();

      // An upload during the window: the refresh reaches the old version (the new one's fill began before it).
      await fx.pool
        .query(`insert into stg.shogun_final_receive (slip_date, slip_no, line_no, net_weight_kg, upload_file_id, source_line)
        select date '2024-06-01', 'U' || g, 1, 1000, 2, g from generate_series(1, 5) g`);
      const upload = await refreshForCsvType('receive', { pool: fx.pool, logger: quiet });
      expect(upload.outcome).toBe('ok');
      expect(inSwap(upload.results.map((r) => r.mv))).toEqual([]);
      const all = await refreshAll({ pool: fx.pool, logger: quiet });
      expect(all.outcome).toBe('ok');
      expect(inSwap(all.results.map((r) => r.mv))).toEqual([]);
      const verify = await verifyTables('all', { pool: fx.pool });
      expect(verify.ok).toBe(true);
      expect(inSwap(verify.results.map((r) => r.name))).toEqual([]);
      const history = await fx.pool.query(
        `select count(*)::int as n from log.mv_refresh_log where mv_name like '%\\_\\_swap.%'`,
      );
      expect(history.rows[0].n).toBe(0);

      // A run that read the graph in the window and reaches its REFRESH only after the swap
      // (its pool lends it a client once the test says so): it refreshes the new MV under the name.
      let letGo = () => {};
      const held = new Promise<void>((r) => (letGo = r));
      let asked = false;
      class HeldPool extends pg.Pool {
        override connect(...args: unknown[]): never {
          if (args.length) return (super.connect as (...a: unknown[]) => never)(...args);
          asked = true;
          return held.then(() => super.connect()) as never;
        }
      }
      const heldPool = new HeldPool({ connectionString: fx.db.url, max: 2 });
      heldPool.on('error', () => {});
      const oldOid = (await fx.pool.query(`select 'mart.mv_inb_avg5y_day_biz'::regclass::oid::int as o`)).rows[0].o;
      const late = refresh(['mart.mv_inb_avg5y_day_biz'], { pool: heldPool, logger: quiet, includeDownstream: false });
      await until(async () => asked, 'the held run to ask for its client');

      // The swap waits for a reader of an old MV; a refresh run waits behind the swap's locks (its
      // log row says it started after the fill: the swap rolls back, lets it refresh the old
      // version, fills again and swaps); the reader ends; both finish.
      await reader.query('begin');
      await reader.query('select count(*) from mart.mv_inb_avg5y_day_biz');
      await gate.query(`select pg_advisory_unlock(${GATE})`);
      const waiting = (app: string) =>
        until(
          async () =>
            (
              await fx.pool.query(
                `select 1 from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'relation' and application_name = $1`,
                [app],
              )
            ).rowCount,
          `${app} to wait for a relation lock`,
          120_000,
        );
      await waiting('warehouse-migrate');
      const run = refresh(['mart.mv_inb_avg5y_day_biz'], {
        url: fx.db.url,
        logger: quiet,
        includeDownstream: false,
        config: { lockTimeoutMs: 120_000 },
      });
      await waiting('warehouse-refresher');
      await reader.query('commit');
      const [deployed, refreshed] = await Promise.all([deploy, run]);
      deploy = undefined;
      expect(deployed.failed?.error).toBeUndefined();
      expect(deployed.swaps).toHaveLength(1);
      // The catch-up: the root filled again after the window's refreshes (twice in all); the MV
      // also after the run that queued behind the swap's locks (the swap rolled back for it).
      const fills = events.filter(
        (e) => e.type === 'filled' && (e as { relation?: string }).relation === 'mart.mv_receive_daily',
      );
      expect(fills).toHaveLength(2);
      expect(
        events.filter(
          (e) => e.type === 'filled' && (e as { relation?: string }).relation === 'mart.mv_inb_avg5y_day_biz',
        ),
      ).toHaveLength(3);
      expect(refreshed.outcome).toBe('ok');
      expect(refreshed.results.map((r) => [r.mv, r.status])).toEqual([['mart.mv_inb_avg5y_day_biz', 'refreshed']]);
      const newOid = (await fx.pool.query(`select 'mart.mv_inb_avg5y_day_biz'::regclass::oid::int as o`)).rows[0].o;
      expect(newOid).not.toBe(oldOid);
      letGo();
      const lateRun = await late;
      await heldPool.end();
      expect(lateRun.outcome).toBe('ok');
      expect(lateRun.results.map((r) => [r.mv, r.status])).toEqual([['mart.mv_inb_avg5y_day_biz', 'refreshed']]);
    } finally {
      await reader.end();
      await gate.end();
      await deploy?.catch(() => undefined);
    }
    expect((await fx.pool.query(`select to_regnamespace('mart__swap') as s`)).rows[0].s).toBeNull();

    // After the swap, before any refresh: the new table holds the upload of the window, and the
    // nightly verification (the full refresh, then every incremental table against its query) is clean.
    const day = await fx.pool.query(
      `select slip_count::int as n from mart.mv_receive_daily where ddate = date '2024-06-01'`,
    );
    expect(day.rows).toEqual([{ n: 5 }]);
    expect((await verifyTables('all', { pool: fx.pool })).ok).toBe(true);
    const nightly = await refreshAll({ pool: fx.pool, logger: quiet, trigger: 'schedule' });
    expect(nightly.outcome).toBe('ok');
    const report = await nightlyVerify(fx.pool, nightly, { logger: quiet });
    expect(report.ok).toBe(true);
    expect(report.repair).toBeUndefined();
    const drift = await fx.pool.query(`select count(*)::int as n from log.alert_incident where kind = 'mv_drift'`);
    expect(drift.rows[0].n).toBe(0);
  }, 600_000);
});
