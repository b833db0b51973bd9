import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '@warehouse/db';
import { parseSql } from '../src/sql/index.ts';
import { migrate, rollback, status } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { DOMAIN_OBJECTS, DOMAIN_SCHEMAS, RELKIND, RETIRED_OBJECTS } from '@warehouse/db/schema';
import { engineDiffSql, schemaPath } from '../scripts/init-sql.ts';
import { applyAllMigrations, listMigrations, missingRelations, runFile } from './helpers/migrations.ts';
import type pg from 'pg';

const migrations = listMigrations();
const schemas = [...DOMAIN_SCHEMAS];

/** Everything in the domain schemas that a migration or its down.sql could change. */
async function catalog(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ item: string }>(
    `SELECT 'schema ' || nspname AS item FROM pg_namespace WHERE nspname = ANY($1)
     UNION ALL
     SELECT 'rel ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text
            || CASE WHEN c.relkind IN ('v', 'm') THEN ' ' || pg_get_viewdef(c.oid) ELSE '' END
            || COALESCE(' comment ' || obj_description(c.oid, 'pg_class'), '')
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'v', 'm', 'S')
     UNION ALL
     SELECT 'col ' || n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
            || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
     UNION ALL
     SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = ANY($1)
     UNION ALL
     SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(co.oid)
     FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace WHERE n.nspname = ANY($1)
     ORDER BY 1`,
    [schemas],
  );
  return rows.map((r) => r.item);
}

/** Relations (outside `self`) that the rewrite rules of the views/MVs `names` read directly. */
async function directDependencies(client: pg.ClientBase, names: string[]): Promise<string[]> {
  const { rows } = await client.query<{ dep: string }>(
    `SELECT DISTINCT rn.nspname || '.' || rc.relname AS dep
     FROM pg_class v
     JOIN pg_namespace vn ON vn.oid = v.relnamespace
     JOIN pg_rewrite rw ON rw.ev_class = v.oid
     JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
     JOIN pg_class rc ON rc.oid = d.refobjid
     JOIN pg_namespace rn ON rn.oid = rc.relnamespace
     WHERE vn.nspname || '.' || v.relname = ANY($1) AND rc.oid <> v.oid
     ORDER BY 1`,
    [names],
  );
  return rows.map((r) => r.dep);
}

async function relationNames(client: pg.ClientBase, kinds: string[]): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ANY($1) AND c.relkind = ANY($2)`,
    [schemas, kinds],
  );
  return new Set(rows.map((r) => r.name));
}

describe('migration history', () => {
  const dbs: TestDatabase[] = [];
  const fresh = async () => {
    const db = await createTestDatabase(inject('pgAdminUrl'), { prefix: 'mig' });
    dbs.push(db);
    return db;
  };
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('starts with the engine-generated init and keeps the folder naming', () => {
    expect(migrations[0]?.name).toBe('20251201000000_init');

    const names = migrations.map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '20251202000000_ref_views',
        '20251211120000_create_mv_receive_daily',
        '20251211130000_drop_v_receive_daily',
        '20251211140000_recreate_v_receive_weekly_monthly',
      ]),
    );
    for (const m of migrations) expect(m.down, `${m.name} has a down.sql`).not.toBeNull();
    for (const m of migrations) {
      const code = (sql: string) => sql.replace(/--.*$/gm, '');
      for (const sql of [m.up, m.down ?? ''])
        expect(code(sql), `${m.name} never drops with CASCADE`).not.toMatch(/\bdrop\b[^;]*\bcascade\b/i);
    }
  });

  // The init migration was the engine's own diff from empty; once the schema evolves (later
  // migrations), what must hold is no drift between the whole history and schema.prisma:
  it('a database at head has no drift from schema.prisma by the engine (views and MVs do not disturb it)', async () => {
    const db = await fresh();
    await withClient(db.url, (client) => applyAllMigrations(client));
    const schema = await readFile(schemaPath, 'utf8');
    const drift = await engineDiffSql(
      // schemaDatasource = the live database the engine's adapter is connected to
      { tag: 'schemaDatasource', files: [{ path: schemaPath, content: schema }], configDir: path.dirname(schemaPath) },
      { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      schema,
      db.url,
    );
    expect(drift.trim()).toBe('-- This is an empty migration.');
  });

  it('deploys from empty to head: every domain object exists with its kind, nothing else, all selectable', async () => {
    const db = await fresh();
    await withClient(db.url, async (client) => {
      await applyAllMigrations(client);
      const present = await relationNames(client, ['r', 'v', 'm']);
      expect([...present].sort()).toEqual(DOMAIN_OBJECTS.map((o) => o.name).sort());
      for (const o of DOMAIN_OBJECTS) {
        const { rows } = await client.query<{ relkind: string }>(
          'SELECT relkind FROM pg_class WHERE oid = to_regclass($1)',
          [o.name],
        );
        expect(rows[0]?.relkind, o.name).toBe(RELKIND[o.kind]);
        await client.query(`SELECT * FROM ${o.name} LIMIT 1`);
      }
      expect(
        await missingRelations(
          client,
          RETIRED_OBJECTS.map((o) => o.name),
        ),
      ).toEqual(RETIRED_OBJECTS.map((o) => o.name));
      // Created WITH DATA and with a unique index: CONCURRENTLY works right after migrate.
      for (const o of DOMAIN_OBJECTS.filter((x) => x.kind === 'matview')) {
        await client.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY ${o.name}`);
      }
    });
  });

  it('names in `-- requires:` every existing relation a new view or MV reads', async () => {
    const db = await fresh();
    await withClient(db.url, async (client) => {
      for (const m of migrations) {
        const before = await relationNames(client, ['r', 'v', 'm']);
        expect(await missingRelations(client, m.requires), `${m.name} requires`).toEqual([]);
        await runFile(client, m.up, m.name, m.noTransaction);
        const created = [...(await relationNames(client, ['v', 'm']))].filter((n) => !before.has(n));
        const deps = (await directDependencies(client, created)).filter((d) => before.has(d));
        expect(m.requires.filter((r) => deps.includes(r)).sort(), `${m.name}: requires covers what it reads`).toEqual(
          deps,
        );
      }
    });
  });

  it('each down.sql restores the catalog to what it was before its migration, which then applies again', async () => {
    const db = await fresh();
    await withClient(db.url, async (client) => {
      for (const m of migrations) {
        const before = await catalog(client);
        await runFile(client, m.up, `${m.name}/migration.sql`, m.noTransaction);
        const after = await catalog(client);
        // A data migration (only INSERT/UPDATE/DELETE/SELECT, e.g. a backfill) leaves the catalog as it was.
        if (!(await dataOnly(m.up))) expect(after, `${m.name} changes something`).not.toEqual(before);
        if (m.down === null) continue;
        await runFile(client, m.down, `${m.name}/down.sql`);
        expect(await catalog(client), `${m.name}/down.sql`).toEqual(before);
        await runFile(client, m.up, `${m.name}/migration.sql (again)`, m.noTransaction);
        expect(await catalog(client), `${m.name} re-applied`).toEqual(after);
      }
      // And the whole chain down, newest first, init's included: nothing of the domain is left.
      for (const m of [...migrations].reverse()) await runFile(client, m.down!, `${m.name}/down.sql`);
      expect(await catalog(client)).toEqual([]);
    });
  });

  it('db:rollback of every migration leaves an empty database, and db:migrate builds head again', async () => {
    const reference = await fresh();
    const db = await fresh();
    const head = await migrate({ url: reference.url });
    expect(head.failed).toBeUndefined();
    const headCatalog = await withClient(reference.url, catalog);
    expect((await migrate({ url: db.url })).failed).toBeUndefined();
    await withClient(db.url, (c) =>
      c.query(
        "INSERT INTO ref.calendar (ddate, iso_year, iso_week, iso_dow, is_holiday, holiday_name, is_business_day, day_type) VALUES ('2026-01-01', 2026, 1, 4, true, '元日', false, 'sun_hol')",
      ),
    );

    // A table made by hand in a domain schema: init's down.sql (no CASCADE) refuses to drop the schema.
    await withClient(db.url, (c) => c.query('CREATE TABLE ref.someones_table (id int)'));
    const blocked = await rollback({ url: db.url, steps: migrations.length });
    expect(blocked.rolledBack.map((r) => r.name)).toEqual(
      migrations
        .slice(1)
        .map((m) => m.name)
        .reverse(),
    );
    expect(blocked.failed?.name).toBe('20251201000000_init');
    expect(blocked.failed?.error.message).toMatch(
      /down\.sql of 20251201000000_init failed[\s\S]*cannot drop schema ref because other objects depend on it/,
    );
    expect((await status({ url: db.url })).applied).toEqual(['20251201000000_init']);
    await withClient(db.url, (c) => c.query('DROP TABLE ref.someones_table'));

    const down = await rollback({ url: db.url, steps: 1 });
    expect(down.failed).toBeUndefined();
    expect(down.rolledBack.map((r) => r.name)).toEqual(['20251201000000_init']);
    expect(await withClient(db.url, catalog)).toEqual([]);
    const st = await status({ url: db.url });
    expect(st.applied).toEqual([]);
    expect(st.pending).toEqual(migrations.map((m) => m.name));

    const up = await migrate({ url: db.url });
    expect(up.failed).toBeUndefined();
    expect(up.applied.map((a) => a.name)).toEqual(migrations.map((m) => m.name));
    expect(await withClient(db.url, catalog)).toEqual(headCatalog);
  });

  it('dropping v_receive_daily fails loudly, changing nothing, when an unknown view depends on it', async () => {
    const db = await fresh();
    const dropIndex = migrations.findIndex((m) => m.name === '20251211130000_drop_v_receive_daily');
    await withClient(db.url, async (client) => {
      await applyAllMigrations(client, migrations.slice(0, dropIndex));
      await client.query('CREATE VIEW mart.v_someone_elses AS SELECT ddate FROM mart.v_receive_daily');
      const before = await catalog(client);
      const drop = migrations[dropIndex]!;
      await expect(runFile(client, drop.up, drop.name)).rejects.toThrow(/other objects depend on it|depends on view/);
      expect(await catalog(client)).toEqual(before);
    });
  });
});

/** Whether a migration only reads and writes rows (PostgreSQL's parser decides, not the text). */
async function dataOnly(sql: string): Promise<boolean> {
  const kinds = (await parseSql(sql)).map((s) => s.kind);
  return kinds.length > 0 && kinds.every((k) => ['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'SelectStmt'].includes(k));
}
