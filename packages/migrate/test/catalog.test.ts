// The view catalog end to end on a real PostgreSQL: a fixture chain view → MV → view → MV with
// indexes, comments and an app_readonly grant; change the root, generate, apply on a populated
// database, and compare what the database holds before and after.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_CATALOG_DIR } from '@warehouse/db/views';
import { DEFAULT_SCHEMA_PATH } from '../src/engine/migrations.ts';
import { newMigration } from '../src/engine/workflow.ts';
import { DEFAULT_MIGRATIONS_DIR } from '../src/files.ts';
import { migrate } from '../src/migrate.ts';
import { withClient } from '@warehouse/db/pg';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';

const CHAIN = ['mart.v_fx_root', 'mart.mv_fx_l1', 'mart.v_fx_l2', 'mart.mv_fx_l3'];

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
-- comment: fixture level 2: tons per day

SELECT l.ddate, l.kg / 1000 AS ton FROM mart.mv_fx_l1 l
`,
  'mv_fx_l3.sql': `-- materialized view mart.mv_fx_l3
-- comment: fixture level 3: tons per month
-- unique index ux_mv_fx_l3 (month)

SELECT date_trunc('month', t.ddate)::date AS month, SUM(t.ton) AS ton
FROM mart.v_fx_l2 t
GROUP BY 1
`,
  'v_fx_other.sql': `-- view mart.v_fx_other
-- comment: fixture bystander, reads nothing that changes

SELECT c.ddate FROM ref.calendar c
`,
};

/** What the database holds for the views/MVs of mart: definition, columns, comment, grants, indexes, populated. */
async function dump(client: pg.ClientBase): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; item: string }>(
    `SELECT n.nspname || '.' || c.relname AS name,
            c.relkind::text || E'\\n' || pg_get_viewdef(c.oid, true)
            || E'\\ncolumns ' || (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                                  FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
            || E'\\ncomment ' || COALESCE(obj_description(c.oid, 'pg_class'), '-')
            || E'\\nacl ' || COALESCE((SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest(c.relacl) x), '-')
            || E'\\nreloptions ' || COALESCE(array_to_string(c.reloptions, ','), '-')
            || E'\\npopulated ' || c.relispopulated
            || E'\\nindexes ' || COALESCE((SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ' ORDER BY 1)
                                           FROM pg_index i WHERE i.indrelid = c.oid), '-') AS item
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'mart' AND c.relkind IN ('v', 'm')`,
  );
  return new Map(rows.map((r) => [r.name, r.item]));
}

function changedKeys(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}

describe('view catalog: generated migrations rebuild every dependant', () => {
  const admin = () => inject('pgAdminUrl');
  let work: string;
  let dir: string;
  let views: string;
  let schema: string;
  let db: TestDatabase;
  let clock = Date.UTC(2030, 0, 1);
  const now = () => new Date((clock += 60_000));

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'catalog-test-'));
    dir = path.join(work, 'migrations');
    views = path.join(work, 'views');
    schema = path.join(work, 'schema.prisma');
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await cp(DEFAULT_CATALOG_DIR, views, { recursive: true });
    await cp(DEFAULT_SCHEMA_PATH, schema);
    for (const [f, text] of Object.entries(FILES)) await writeFile(path.join(views, 'mart', f), text);
    const first = await newMigration({
      url: admin(),
      dir,
      schema,
      catalogDir: views,
      name: 'fixture chain',
      now: now(),
    });
    expect(first.plan!.up.changes.map((c) => `${c.change} ${c.name}`).sort()).toEqual(
      [...CHAIN, 'mart.v_fx_other'].map((n) => `new ${n}`).sort(),
    );
    db = await createTestDatabase(admin(), { prefix: 'catalog' });
    const run = await migrate({ url: db.url, dir });
    expect(run.failed).toBeUndefined();
    await withClient(db.url, async (c) => {
      await c.query(`DO $$ BEGIN CREATE ROLE app_readonly NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
      await c.query(`INSERT INTO stg.shogun_final_receive (slip_date, slip_no, line_no, net_weight_kg, upload_file_id, source_line)
                     SELECT DATE '2030-01-01' + (g % 40), 'S' || g, 1, CASE WHEN g % 5 = 0 THEN NULL ELSE g * 10 END, 1, g
                     FROM generate_series(1, 200) g`);
      for (const n of ['mart.mv_fx_l1', 'mart.mv_fx_l3']) await c.query(`REFRESH MATERIALIZED VIEW ${n}`);
      for (const n of CHAIN) await c.query(`GRANT SELECT ON ${n} TO app_readonly`);
      // Made by hand in this database, outside the migrations: the rebuild must keep it too.
      await c.query('CREATE INDEX ix_fx_l3_by_hand ON mart.mv_fx_l3 (ton)');
    });
  }, 240_000);

  afterAll(async () => {
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('a root change drops the chain readers first and recreates it; grants, indexes, comments survive; MVs populated', async () => {
    const before = await withClient(db.url, dump);
    const rows = async () =>
      withClient(
        db.url,
        async (c) => (await c.query('SELECT count(*)::int AS n FROM mart.mv_fx_l3')).rows[0].n as number,
      );
    const rootFile = path.join(views, 'mart', 'v_fx_root.sql');
    await writeFile(
      rootFile,
      FILES['v_fx_root.sql']!.replace(
        'FROM stg.shogun_final_receive f',
        'FROM stg.shogun_final_receive f\nWHERE f.net_weight_kg IS NOT NULL',
      ),
    );
    // Today's in-transaction rebuild (--in-transaction); expand/fill/swap, the default: test/catalog-swap.test.ts.
    const gen = await newMigration({
      url: admin(),
      dir,
      schema,
      catalogDir: views,
      name: 'root change',
      now: now(),
      rebuild: 'in-transaction',
    });
    const up = gen.plan!.up;
    expect(up.changes.filter((c) => c.change === 'changed').map((c) => c.name)).toEqual(['mart.v_fx_root']);
    expect(
      up.changes
        .filter((c) => c.change === 'rebuilt')
        .map((c) => c.name)
        .sort(),
    ).toEqual(['mart.mv_fx_l1', 'mart.mv_fx_l3', 'mart.v_fx_l2']);
    expect(up.drops).toEqual(['mart.mv_fx_l3', 'mart.v_fx_l2', 'mart.mv_fx_l1', 'mart.v_fx_root']);
    expect(up.creates).toEqual(CHAIN);
    expect(gen.sql.replace(/--.*$/gm, '')).not.toMatch(/\bdrop\b[^;]*\bcascade\b/i);
    expect(gen.sql).not.toMatch(/v_fx_other/);
    expect(gen.sql).toMatch(/^-- requires: .*mart\.v_fx_root/m);
    expect(gen.sql).not.toMatch(/no-transaction/);
    expect(up.changes.find((c) => c.name === 'mart.v_fx_root')!.diff).toMatch(/^\+ .*net_weight_kg IS NOT NULL/m);

    const populatedRows = await rows();
    const run = await migrate({ url: db.url, dir });
    expect(run.failed?.error).toBeUndefined();
    expect(run.applied.map((a) => a.name)).toEqual([gen.created]);
    const after = await withClient(db.url, dump);
    // Only the changed object differs; every dependant is back byte for byte, grants and the hand-made index included.
    expect(changedKeys(before, after)).toEqual(['mart.v_fx_root']);
    expect(after.get('mart.mv_fx_l3')).toMatch(/ix_fx_l3_by_hand/);
    expect(after.get('mart.mv_fx_l1')).toMatch(/app_readonly=r\//);
    expect(after.get('mart.mv_fx_l3')).toMatch(/populated true/);
    expect(await rows()).toBe(populatedRows);
    // The lines with NULL weight are gone from the root: the rebuilt MVs were computed on the new root.
    const n = await withClient(
      db.url,
      async (c) => (await c.query('SELECT sum(n_lines)::int AS n FROM mart.mv_fx_l1')).rows[0].n as number,
    );
    expect(n).toBe(160);

    // down.sql takes it back to exactly what it was.
    const down = await readFile(gen.downPath!, 'utf8');
    await withClient(db.url, async (c) => {
      await c.query('BEGIN');
      await c.query(down);
      await c.query('COMMIT');
    });
    const back = await withClient(db.url, dump);
    expect(changedKeys(before, back)).toEqual([]);
    await withClient(db.url, (c) => c.query(gen.sql.replace(/^/, 'BEGIN;\n') + '\nCOMMIT;'));
    expect(changedKeys(after, await withClient(db.url, dump))).toEqual([]);

    // Nothing left to generate: the catalog and the migrations agree.
    const again = await newMigration({ url: admin(), dir, schema, catalogDir: views, name: 'nothing', now: now() });
    expect(again.created).toBeNull();
  });

  it('removing an object that others read fails generation naming them', async () => {
    const file = path.join(views, 'mart', 'mv_fx_l1.sql');
    const text = await readFile(file, 'utf8');
    await rm(file);
    try {
      await expect(
        newMigration({ url: admin(), dir, schema, catalogDir: views, name: 'remove l1', now: now() }),
      ).rejects.toThrow(/mart\.mv_fx_l1 is no longer in the catalog but mart\.v_fx_l2 .* still reads it/);
    } finally {
      await writeFile(file, text);
    }
  });

  it('the generator refuses an incremental object whose query reads an MV, directly or through a view, naming the path', async () => {
    const file = path.join(views, 'mart', 'mv_fx_over_mv.sql');
    const viewFile = path.join(views, 'mart', 'v_fx_card.sql');
    const direct = `-- materialized view mart.mv_fx_over_mv
-- comment: target card tons per day, copied (reads an MV)
-- incremental by ddate
-- unique index ux_mv_fx_over_mv (ddate)

SELECT c.ddate, c.actual_ton FROM mart.mv_target_card_per_day c
`;
    await writeFile(file, direct);
    try {
      await expect(
        newMigration({ url: admin(), dir, schema, catalogDir: views, name: 'over_mv', now: now() }),
      ).rejects.toThrow(
        /mv_fx_over_mv\.sql: incremental by ddate is refused: the query reads the materialized view mart\.mv_target_card_per_day,.*read the tables that MV reads instead/,
      );
      // through a plain view of the catalog: the path is named
      await writeFile(
        viewFile,
        `-- view mart.v_fx_card\n-- comment: the card, as a view\n\nSELECT c.ddate, c.actual_ton FROM mart.mv_target_card_per_day c\n`,
      );
      await writeFile(file, direct.replace('FROM mart.mv_target_card_per_day c', 'FROM mart.v_fx_card c'));
      await expect(
        newMigration({ url: admin(), dir, schema, catalogDir: views, name: 'over_mv', now: now() }),
      ).rejects.toThrow(/reads the materialized view mart\.v_fx_card → mart\.mv_target_card_per_day,/);
    } finally {
      await rm(file, { force: true });
      await rm(viewFile, { force: true });
    }
  });

  it('the generator refuses an incremental object whose query uses a window function, naming the function and why', async () => {
    const file = path.join(views, 'mart', 'mv_fx_running.sql');
    await writeFile(
      file,
      `-- materialized view mart.mv_fx_running
-- comment: running tons per day (not restrictable by day)
-- incremental by ddate
-- unique index ux_mv_fx_running (ddate)

SELECT r.slip_date AS ddate, sum(sum(r.net_weight_kg)) OVER (ORDER BY r.slip_date) AS running_kg
FROM stg.shogun_final_receive r GROUP BY r.slip_date
`,
    );
    try {
      await expect(
        newMigration({ url: admin(), dir, schema, catalogDir: views, name: 'running', now: now() }),
      ).rejects.toThrow(
        /mv_fx_running\.sql: incremental by ddate is refused: the query uses window function sum \(… OVER …\).*keep it a materialized view/,
      );
    } finally {
      await rm(file);
    }
  });

  it('a column type change in schema.prisma under views is generated in the same migration and applies', async () => {
    const original = await readFile(schema, 'utf8');
    const changed = original.replace(
      /(model StgShogunFinalReceive \{[\s\S]*?netWeightKg\s+Decimal\?\s+@map\("net_weight_kg"\) @db\.Decimal)\(14, 3\)/,
      '$1(16, 3)',
    );
    expect(changed).not.toBe(original);
    await writeFile(schema, changed);
    const before = await withClient(db.url, dump);
    const gen = await newMigration({ url: admin(), dir, schema, catalogDir: views, name: 'wider weight', now: now() });
    const sql = gen.sql;
    const alter = sql.search(/ALTER TABLE "stg"\."shogun_final_receive"/);
    expect(alter).toBeGreaterThan(sql.indexOf('DROP VIEW mart.v_fx_root;'));
    expect(alter).toBeGreaterThan(sql.indexOf('DROP MATERIALIZED VIEW mart.mv_receive_daily;'));
    expect(alter).toBeLessThan(sql.indexOf('CREATE VIEW mart.v_fx_root'));
    // Everything that reads the altered table, transitively, is dropped before the ALTER and recreated after.
    expect(gen.plan!.up.drops).toEqual(
      expect.arrayContaining([
        'mart.v_fx_root',
        'mart.mv_fx_l3',
        'mart.mv_receive_daily',
        'mart.v_receive_weekly',
        'mart.mv_target_card_per_day',
      ]),
    );
    expect(gen.plan!.up.drops).not.toContain('mart.v_fx_other');
    const run = await migrate({ url: db.url, dir });
    expect(run.failed?.error).toBeUndefined();
    const after = await withClient(db.url, dump);
    // Views that only pass the column through change their column type with it; nothing else moves.
    for (const k of changedKeys(before, after)) {
      expect(before.get(k)!.replace(/numeric\(14,3\)/g, 'numeric(16,3)'), k).toBe(after.get(k));
    }
    expect(after.get('mart.mv_fx_l1')).toMatch(/app_readonly=r\//);
    const type = await withClient(
      db.url,
      async (c) =>
        (
          await c.query(
            `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'stg.shogun_final_receive'::regclass AND attname = 'net_weight_kg'`,
          )
        ).rows[0].t,
    );
    expect(type).toBe('numeric(16,3)');
  });

  it('populate: after migrate creates the MV (and the MVs built on it) WITH NO DATA and says which ones', async () => {
    const file = path.join(views, 'mart', 'mv_fx_l1.sql');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace('-- index ix_mv_fx_l1_n (n_lines)', '-- index ix_mv_fx_l1_n (n_lines)\n-- populate: after migrate')
        .replace('kg per day', 'kg per day (large)'),
    );
    // A comment change alone is done in place; make the definition change too so it is rebuilt.
    await writeFile(file, (await readFile(file, 'utf8')).replace('COUNT(*) AS n_lines', 'COUNT(r.slip_no) AS n_lines'));
    const gen = await newMigration({
      url: admin(),
      dir,
      schema,
      catalogDir: views,
      name: 'large l1',
      now: now(),
      rebuild: 'in-transaction',
    });
    expect(gen.plan!.up.unpopulated).toEqual(['mart.mv_fx_l1', 'mart.mv_fx_l3']);
    expect(gen.sql).toMatch(
      /^-- Created WITH NO DATA, populated by `pnpm db:migrate` right after; until then these read nothing: mart\.mv_fx_l1, mart\.mv_fx_l3$/m,
    );
    const run = await migrate({ url: db.url, dir });
    expect(run.failed?.error).toBeUndefined();
    const populated = await withClient(
      db.url,
      async (c) =>
        (
          await c.query(
            `SELECT relname, relispopulated FROM pg_class WHERE relname IN ('mv_fx_l1', 'mv_fx_l3') ORDER BY 1`,
          )
        ).rows,
    );
    expect(populated).toEqual([
      { relname: 'mv_fx_l1', relispopulated: false },
      { relname: 'mv_fx_l3', relispopulated: false },
    ]);
  });
});
