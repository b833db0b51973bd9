// Expand/fill/swap end to end on a real PostgreSQL: a fixture chain view → MV → view → MV plus an
// incremental table reading the root, with indexes, comments, grants and a hand-made index. A root
// change is generated (DDL only), applied while readers query every dependant without pause; a
// failure injected while filling leaves the old versions serving and the migration unfinished; the
// rerun fills and swaps. Readers: no error, every result exactly the old one or the new one, old
// until the swap and new after. Then a second change is abandoned with db:resolve and redone.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { DEFAULT_CATALOG_DIR } from '@warehouse/db/views';
import { DEFAULT_SCHEMA_PATH } from '../src/engine/migrations.ts';
import { checkSchema, newMigration } from '../src/engine/workflow.ts';
import { resolve } from '../src/commands.ts';
import { DEFAULT_MIGRATIONS_DIR } from '../src/files.ts';
import { fill, migrate, plan, type MigratorEvent } from '../src/migrate.ts';
import { withClient } from '@warehouse/db/pg';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';

const FILES: Record<string, string> = {
  'v_fx_root.sql': `-- view mart.v_fx_root
-- comment: fixture root: receive lines

SELECT f.slip_date AS ddate, f.slip_no, f.net_weight_kg
FROM stg.shogun_final_receive f
`,
  'mv_fx_l1.sql': `-- materialized view mart.mv_fx_l1
-- comment: fixture level 1: kg per day
-- unique index ux_mv_fx_l1 (ddate)
-- index ix_mv_fx_l1_n (n_lines)

SELECT r.ddate, SUM(r.net_weight_kg) AS kg, COUNT(*) AS n_lines
FROM mart.v_fx_root r
GROUP BY r.ddate
`,
  'v_fx_l2.sql': `-- view mart.v_fx_l2
-- comment: fixture level 2: lines per day

SELECT l.ddate, l.n_lines FROM mart.mv_fx_l1 l
`,
  'mv_fx_l3.sql': `-- materialized view mart.mv_fx_l3
-- comment: fixture level 3: lines per month
-- unique index ux_mv_fx_l3 (month)

SELECT date_trunc('month', t.ddate)::date AS month, SUM(t.n_lines) AS n_lines
FROM mart.v_fx_l2 t
GROUP BY 1
`,
  'mv_fx_inc.sql': `-- materialized view mart.mv_fx_inc
-- comment: fixture incremental table: slips per day
-- incremental by ddate
-- unique index ux_mv_fx_inc (ddate)

SELECT r.ddate, COUNT(DISTINCT r.slip_no) AS slips, COUNT(*) AS n_lines
FROM mart.v_fx_root r
GROUP BY r.ddate
`,
};

/** What readers query, one cheap aggregate per object (a partly filled object gives another answer). */
const READS: Record<string, string> = {
  'mart.v_fx_root': 'SELECT count(*)::text AS r FROM mart.v_fx_root',
  'mart.mv_fx_l1': "SELECT count(*) || '/' || sum(n_lines) AS r FROM mart.mv_fx_l1",
  'mart.v_fx_l2': "SELECT count(*) || '/' || sum(n_lines) AS r FROM mart.v_fx_l2",
  'mart.mv_fx_l3': "SELECT count(*) || '/' || sum(n_lines) AS r FROM mart.mv_fx_l3",
  'mart.mv_fx_inc': "SELECT count(*) || '/' || sum(n_lines) || '/' || sum(slips) AS r FROM mart.mv_fx_inc",
};

/** Definition, columns, comment, grants, options, populated and indexes of every relation of mart. */
async function dump(client: pg.ClientBase): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; item: string }>(
    `SELECT n.nspname || '.' || c.relname AS name,
            c.relkind::text || E'\\n' || COALESCE(pg_get_viewdef(c.oid, true), '-')
            || E'\\ncolumns ' || (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                                  FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
            || E'\\ncomment ' || COALESCE(obj_description(c.oid, 'pg_class'), '-')
            || E'\\nacl ' || COALESCE((SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(c.relacl) x), '-')
            || E'\\nreloptions ' || COALESCE(array_to_string(c.reloptions, ','), '-')
            || E'\\npopulated ' || c.relispopulated
            || E'\\nindexes ' || COALESCE((SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ' ORDER BY 1)
                                           FROM pg_index i WHERE i.indrelid = c.oid), '-') AS item
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'mart' AND c.relname LIKE '%fx%' AND c.relkind IN ('v', 'm', 'r')`,
  );
  return new Map(rows.map((r) => [r.name, r.item]));
}

function changedKeys(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}

/** Readers that query every object in turn until stopped, recording each answer or error in order. */
function startReaders(url: string, n: number) {
  const seen: { object: string; result: string }[] = [];
  const errors: string[] = [];
  let stop = false;
  let rounds = 0;
  const waiters: { at: number; resolve: () => void }[] = [];
  const loops = Array.from({ length: n }, async () => {
    const c = new pg.Client({ connectionString: url, application_name: 'swap-test-reader' });
    c.on('error', () => {});
    await c.connect();
    try {
      while (!stop) {
        for (const [object, sql] of Object.entries(READS)) {
          try {
            seen.push({ object, result: String((await c.query(sql)).rows[0].r) });
          } catch (e) {
            errors.push(`${object}: ${(e as Error).message}`);
            // The connection itself is gone (the database was dropped after a failure): stop this reader.
            if (/terminat|connection|not queryable/i.test((e as Error).message)) stop = true;
          }
        }
        rounds++;
        for (const w of waiters.filter((x) => rounds >= x.at)) w.resolve();
      }
    } finally {
      await c.end().catch(() => {});
      for (const w of waiters) w.resolve();
    }
  });
  return {
    seen,
    errors,
    /** Resolves once every reader together has finished `k` more rounds. */
    rounds: (k: number) => new Promise<void>((res) => waiters.push({ at: rounds + k, resolve: res })),
    stop: async () => {
      stop = true;
      await Promise.all(loops);
    },
  };
}

async function answers(url: string): Promise<Record<string, string>> {
  return withClient(url, async (c) => {
    const out: Record<string, string> = {};
    for (const [object, sql] of Object.entries(READS)) out[object] = String((await c.query(sql)).rows[0].r);
    return out;
  });
}

describe('view catalog: expand/fill/swap keeps readers answering', () => {
  const admin = () => inject('pgAdminUrl');
  let work: string;
  let dir: string;
  let views: string;
  let schema: string;
  let db: TestDatabase;
  let clock = Date.UTC(2030, 0, 1);
  const now = () => new Date((clock += 60_000));
  const generate = (name: string) => newMigration({ url: admin(), dir, schema, catalogDir: views, name, now: now() });
  const setFail = (on: boolean) =>
    withClient(db.url, (c) =>
      c.query(on ? `ALTER DATABASE ${db.name} SET fx.fail = 'on'` : `ALTER DATABASE ${db.name} RESET fx.fail`),
    );

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'catalog-swap-test-'));
    dir = path.join(work, 'migrations');
    views = path.join(work, 'views');
    schema = path.join(work, 'schema.prisma');
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await cp(DEFAULT_CATALOG_DIR, views, { recursive: true });
    await cp(DEFAULT_SCHEMA_PATH, schema);
    // A function the new root calls: it fails while the database setting fx.fail is on (the
    // injected failure: the fill runs on a new connection, the readers' sessions predate it).
    await mkdir(path.join(dir, '20291231000000_fx_check'));
    await writeFile(
      path.join(dir, '20291231000000_fx_check', 'migration.sql'),
      `CREATE FUNCTION public.fx_check(x numeric) RETURNS numeric LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF current_setting('fx.fail', true) = 'on' THEN RAISE EXCEPTION 'fx_check: failure injected by the test'; END IF;
  RETURN x;
END $$;
`,
    );
    for (const [f, text] of Object.entries(FILES)) await writeFile(path.join(views, 'mart', f), text);
    const first = await generate('fixture chain');
    // New objects go through the swap too (created beside, filled, moved in).
    expect(first.plan!.up.mode).toBe('swap');
    db = await createTestDatabase(admin(), { prefix: 'catswap' });
    const run = await migrate({ url: db.url, dir });
    expect(run.failed?.error).toBeUndefined();
    await withClient(db.url, async (c) => {
      await c.query(`DO $$ BEGIN CREATE ROLE app_readonly NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
      await c.query(`INSERT INTO stg.shogun_final_receive (slip_date, slip_no, line_no, net_weight_kg, upload_file_id, source_line)
                     SELECT DATE '2030-01-01' + (g % 400), 'S' || (g / 3), 1, CASE WHEN g % 5 = 0 THEN NULL ELSE g END, 1, g
                     FROM generate_series(1, 20000) g`);
      await c.query('INSERT INTO mart.mv_fx_inc SELECT * FROM mart.mv_fx_inc__query');
      for (const n of ['mart.mv_fx_l1', 'mart.mv_fx_l3']) await c.query(`REFRESH MATERIALIZED VIEW ${n}`);
      for (const n of Object.keys(READS)) await c.query(`GRANT SELECT ON ${n} TO app_readonly`);
      await c.query('GRANT SELECT, INSERT ON mart.mv_fx_inc TO app_readonly WITH GRANT OPTION');
      // Made by hand in this database, outside the migrations: the swap must keep it too.
      await c.query('CREATE INDEX ix_fx_l3_by_hand ON mart.mv_fx_l3 (n_lines)');
    });
  }, 300_000);

  afterAll(async () => {
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('a root change is DDL only; a failed fill leaves the old serving; the rerun swaps; readers never fail or see a partial result', async () => {
    await writeFile(
      path.join(views, 'mart', 'v_fx_root.sql'),
      FILES['v_fx_root.sql']!.replace(
        'f.net_weight_kg\n',
        'public.fx_check(f.net_weight_kg) AS net_weight_kg\n',
      ).replace(
        'FROM stg.shogun_final_receive f',
        'FROM stg.shogun_final_receive f\nWHERE f.net_weight_kg IS NOT NULL',
      ),
    );
    const gen = await generate('root change');
    const up = gen.plan!.up;
    expect(up.mode).toBe('swap');
    expect(up.creates).toEqual([
      'mart.v_fx_root',
      'mart.mv_fx_inc__query',
      'mart.mv_fx_inc',
      'mart.mv_fx_l1',
      'mart.v_fx_l2',
      'mart.mv_fx_l3',
    ]);
    expect(up.fills).toEqual(['mart.mv_fx_inc', 'mart.mv_fx_l1', 'mart.mv_fx_l3']);
    // DDL only: nothing dropped, nothing filled in the migration; the new versions are empty shadows.
    const [statements, planRows] = gen.sql.replace(/^--.*$/gm, '').split('INSERT INTO log.migration_swap');
    expect(statements).not.toMatch(/\b(DROP|REFRESH|INSERT)\b|WITH DATA/);
    expect(planRows).toMatch(/'move', 'mart\.mv_fx_l1', 'matview', 'REFRESH MATERIALIZED VIEW mart__swap\.mv_fx_l1'/);
    expect(statements).toMatch(/CREATE MATERIALIZED VIEW mart__swap\.mv_fx_l1 AS[\s\S]*FROM mart__swap\.v_fx_root r/);
    expect(statements).toMatch(
      /CREATE TABLE mart__swap\.mv_fx_inc AS\nSELECT \* FROM mart__swap\.mv_fx_inc__query\nWITH NO DATA/,
    );

    const before = await withClient(db.url, dump);
    const old = await answers(db.url);
    // The plan says what will be filled, with the rows of the versions serving now.
    const p = await plan({ url: db.url, dir });
    expect(p.fills.map((f) => [f.relation, f.source])).toEqual([
      ['mart.mv_fx_inc', 'reltuples'],
      ['mart.mv_fx_l1', 'reltuples'],
      ['mart.mv_fx_l3', 'reltuples'],
    ]);
    expect(p.fills[1]!.rows).toBe(400);

    const readers = startReaders(db.url, 3);
    onTestFinished(() => readers.stop());
    await readers.rounds(3);
    await setFail(true);
    const firstEvents: MigratorEvent[] = [];
    const failed = await migrate({ url: db.url, dir, log: (e) => firstEvents.push(e) });
    // The incremental table's query does not use the weight, so fx_check is not called for it: it
    // is filled; mv_fx_l1 sums the weight and fails. Progress is kept per object.
    expect(firstEvents.filter((e) => e.type === 'filled').map((e) => (e as { relation: string }).relation)).toEqual([
      'mart.mv_fx_inc',
    ]);
    expect(failed.failed?.name).toBe(gen.created);
    expect((failed.failed?.error as { code?: string }).code).toBe('E_MIGRATION_FILL_FAILED');
    expect(failed.failed?.error.message).toMatch(/fx_check: failure injected/);
    expect(failed.failed?.error.message).toMatch(
      /old versions still serve.*pnpm db:migrate.*pnpm db:resolve --rolled-back/,
    );
    // Prisma's reading of the row: failed (finished_at NULL), so `prisma migrate deploy` stops there too.
    const row = await withClient(
      db.url,
      async (c) =>
        (await c.query(`SELECT finished_at, logs FROM _prisma_migrations WHERE migration_name = $1`, [gen.created]))
          .rows,
    );
    expect(row).toHaveLength(1);
    expect(row[0].finished_at).toBeNull();
    expect(row[0].logs).toMatch(/fx_check: failure injected/);
    // While it is unfinished the old versions serve, whole.
    await readers.rounds(3);
    expect(await answers(db.url)).toEqual(old);

    await setFail(false);
    const events: MigratorEvent[] = [];
    const done = await migrate({ url: db.url, dir, log: (e) => events.push(e) });
    expect(done.failed?.error).toBeUndefined();
    expect(done.swaps).toHaveLength(1);
    expect(done.swaps[0]!.migrationName).toBe(gen.created);
    expect(done.longestLock?.what).toBe('swap');
    expect(events.filter((e) => e.type === 'filled').map((e) => (e as { relation: string }).relation)).toEqual([
      'mart.mv_fx_l1',
      'mart.mv_fx_l3',
    ]);
    await readers.rounds(3);
    await readers.stop();
    const fresh = await answers(db.url);

    expect(readers.errors).toEqual([]);
    expect(fresh['mart.v_fx_root']).toBe('16000');
    expect(fresh['mart.mv_fx_l1']).not.toBe(old['mart.mv_fx_l1']);
    // Every answer is exactly the old or the new one, and per object the old ones all come first.
    for (const object of Object.keys(READS)) {
      const seq = readers.seen.filter((s) => s.object === object).map((s) => s.result);
      for (const r of seq) expect([old[object], fresh[object]]).toContain(r);
      const firstNew = seq.indexOf(fresh[object]!);
      if (old[object] !== fresh[object]) {
        expect(seq[0]).toBe(old[object]);
        expect(seq.slice(firstNew).every((r) => r === fresh[object])).toBe(true);
      }
    }

    const after = await withClient(db.url, dump);
    // Only the changed root differs; every dependant is back as it was: indexes, comments, grants, the hand-made index.
    expect(changedKeys(before, after)).toEqual(['mart.v_fx_root']);
    expect(after.get('mart.mv_fx_l3')).toMatch(/ix_fx_l3_by_hand/);
    expect(after.get('mart.mv_fx_inc')).toMatch(/app_readonly=a\*r\*\//);
    await withClient(db.url, async (c) => {
      expect((await c.query(`SELECT count(*)::int AS n FROM log.migration_swap`)).rows[0].n).toBe(0);
      expect((await c.query(`SELECT to_regnamespace('mart__swap') AS s`)).rows[0].s).toBeNull();
      const f = await c.query(
        `SELECT finished_at, applied_steps_count FROM _prisma_migrations WHERE migration_name = $1`,
        [gen.created],
      );
      expect(f.rows[0].finished_at).not.toBeNull();
      expect(f.rows[0].applied_steps_count).toBe(1);
      // The refresher counts the rebuilt MVs as changed (log.migration_rebuild), under their real names.
      const rebuilt = await c.query(`SELECT relation FROM log.migration_rebuild WHERE migration_name = $1 ORDER BY 1`, [
        gen.created,
      ]);
      expect(rebuilt.rows.map((r) => r.relation)).toEqual([
        'mart.mv_fx_inc__query',
        'mart.mv_fx_l1',
        'mart.mv_fx_l3',
        'mart.v_fx_l2',
        'mart.v_fx_root',
      ]);
    });

    // db:check's checks: the migrations give exactly schema.prisma and the catalog; nothing applied was edited.
    const check = await checkSchema({
      url: admin(),
      dir,
      schema,
      catalogDir: views,
      appliedUrl: db.url,
      // Its own prefix: engine-prisma-cli counts the shadow databases of Prisma's default one.
      shadowDatabasePrefix: `swap_shadow_${process.pid}_`,
    });
    expect(check.problems).toEqual([]);
    expect((await generate('nothing')).created).toBeNull();
  }, 600_000);

  it('db:resolve --rolled-back abandons an unfinished swap (old versions stay, in-place index/comment changes taken back); db:fill on its own finishes a rerun', async () => {
    const file = path.join(views, 'mart', 'mv_fx_l1.sql');
    await writeFile(file, FILES['mv_fx_l1.sql']!.replace('COUNT(*) AS n_lines', 'COUNT(r.slip_no) AS n_lines'));
    // In the same migration, in place on an object it does not rebuild (the incremental table reads
    // the root, not l1): its comment, an index added, an index changed under the same name.
    await writeFile(
      path.join(views, 'mart', 'mv_fx_inc.sql'),
      FILES['mv_fx_inc.sql']!.replace('slips per day', 'slips per day (v2)').replace(
        '-- unique index ux_mv_fx_inc (ddate)',
        '-- unique index ux_mv_fx_inc (ddate, slips)\n-- index ix_mv_fx_inc_slips (slips)',
      ),
    );
    const gen = await generate('l1 change');
    expect(gen.sql).toMatch(/'undo', 'mart\.mv_fx_inc', 'table', 'DROP INDEX IF EXISTS mart\.ix_mv_fx_inc_slips;'/);
    const before = await withClient(db.url, dump);
    await setFail(true);
    const failed = await migrate({ url: db.url, dir });
    expect((failed.failed?.error as { code?: string }).code).toBe('E_MIGRATION_FILL_FAILED');
    // Not past it: `db:resolve --applied` would leave the old versions for good, and says so.
    await expect(resolve({ url: db.url, dir, applied: gen.created! })).rejects.toThrow(/not filled and swapped in yet/);
    const r = await resolve({ url: db.url, dir, rolledBack: gen.created! });
    expect(r.action).toBe('rolled-back');
    expect(changedKeys(before, await withClient(db.url, dump))).toEqual([]);
    await withClient(db.url, async (c) => {
      expect((await c.query(`SELECT count(*)::int AS n FROM log.migration_swap`)).rows[0].n).toBe(0);
      expect((await c.query(`SELECT to_regnamespace('mart__swap') AS s`)).rows[0].s).toBeNull();
    });
    await setFail(false);
    // The migration runs again from the start and finishes; nothing is left for the fill step.
    const again = await migrate({ url: db.url, dir });
    expect(again.failed?.error).toBeUndefined();
    expect(again.applied.map((a) => a.name)).toEqual([gen.created]);
    expect(await fill({ url: db.url })).toMatchObject({ swaps: [], abandoned: [] });
    const after = await withClient(db.url, dump);
    expect(changedKeys(before, after)).toEqual(['mart.mv_fx_inc', 'mart.mv_fx_l1']);
    expect(after.get('mart.mv_fx_inc')).toMatch(/ix_mv_fx_inc_slips/);
    expect(after.get('mart.mv_fx_inc')).toMatch(/ux_mv_fx_inc ON mart\.mv_fx_inc USING btree \(ddate, slips\)/);
    expect(after.get('mart.mv_fx_inc')).toMatch(/slips per day \(v2\)/);
  }, 600_000);

  it("the swap's lock wait is bounded by the migration's lock_timeout and retried; a blocked swap leaves the old serving and a rerun finishes", async () => {
    const file = path.join(views, 'mart', 'mv_fx_l3.sql');
    await writeFile(
      file,
      FILES['mv_fx_l3.sql']!.replace('SUM(t.n_lines) AS n_lines', 'SUM(t.n_lines)::bigint AS n_lines'),
    );
    const gen = await generate('l3 change');
    const before = await withClient(db.url, dump);
    // A long reader transaction holds the old MV: the swap's DROP cannot get its lock.
    const holder = new pg.Client({ connectionString: db.url, application_name: 'swap-test-holder' });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM mart.mv_fx_l3');
      const retries: MigratorEvent[] = [];
      const blocked = await migrate({
        url: db.url,
        dir,
        ddlLockTimeoutMs: 300,
        ddlLockRetries: 1,
        retryDelayMs: 10,
        log: (e) => e.type === 'retrying' && retries.push(e),
      });
      expect((blocked.failed?.error as { code?: string }).code).toBe('E_MIGRATION_LOCK_TIMEOUT');
      expect(blocked.failed?.error.message).toMatch(
        /the swap could not take its locks: lock_timeout 300 ms expired 2 times/,
      );
      expect(blocked.failed?.error.message).toMatch(/old versions still serve/);
      expect(retries).toHaveLength(1);
      expect(changedKeys(before, await withClient(db.url, dump))).toEqual([]);
    } finally {
      await holder.end();
    }
    const done = await migrate({ url: db.url, dir });
    expect(done.failed?.error).toBeUndefined();
    expect(done.swaps.map((x) => x.migrationName)).toEqual([gen.created]);
    expect(changedKeys(before, await withClient(db.url, dump))).toEqual(['mart.mv_fx_l3']);
  }, 600_000);
});
