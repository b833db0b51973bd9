import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { history, migrate, plan, rollback, status, type MigratorEvent } from '../src/index.ts';
import { DbError } from '@warehouse/db';
import { loadMigrationList, openSchemaEngine } from '../src/engine/index.ts';
import { addMigration, migrationsDir, query, relationExists } from './migrator-helpers.ts';

const dbs: TestDatabase[] = [];
async function freshDb(): Promise<TestDatabase> {
  const db = await createTestDatabase(inject('pgAdminUrl'));
  dbs.push(db);
  return db;
}
const clients: pg.Client[] = [];
afterEach(async () => {
  while (clients.length)
    await clients
      .pop()!
      .end()
      .catch(() => {});
  while (dbs.length) await dbs.pop()!.drop();
});

/**
 * One database for the 28 tests whose migrations are refused before anything runs, instead of a
 * database each (a CREATE DATABASE and a DROP per test). A refusal leaves exactly what a fresh
 * database has plus the runner's empty `_prisma_migrations` (made before the files are checked):
 * `expectUntouched` asserts that — stricter than each test's own relations — and drops the table,
 * so the next test meets the database as a fresh one. After a failed test, afterEach drops it too.
 */
let shared: TestDatabase | undefined;
async function refusalDb(): Promise<TestDatabase> {
  shared ??= await createTestDatabase(inject('pgAdminUrl'), { prefix: 'refused' });
  return shared;
}
async function expectUntouched(db: TestDatabase): Promise<void> {
  expect(await history({ url: db.url })).toEqual([]);
  const left = await query<{ o: string }>(
    db.url,
    `select n.nspname || '.' || c.relname as o from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
     union all select 'schema ' || nspname from pg_namespace
      where nspname not in ('information_schema', 'public') and nspname !~ '^pg_'
     union all select 'function ' || proname from pg_proc where pronamespace = 'public'::regnamespace
     order by 1`,
  );
  expect(left.map((r) => r.o)).toEqual(['public._prisma_migrations', 'public._prisma_migrations_pkey']);
  await query(db.url, 'drop table public._prisma_migrations');
}
afterEach(async () => {
  if (shared) await query(shared.url, 'drop table if exists public._prisma_migrations');
});
afterAll(async () => {
  await shared?.drop();
});

describe("no-transaction files split by PostgreSQL's parser", () => {
  it('applies BEGIN ATOMIC function bodies and CREATE INDEX CONCURRENTLY statement by statement', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_t':
        'create table t (a int, b text);\ninsert into t select g, g::text from generate_series(1, 100) g;\n',
      '20250102000000_atomic': [
        '-- migrate:no-transaction',
        '-- a function whose body has inner statements ending in ";"',
        'create function t_count() returns bigint language sql',
        'begin atomic',
        '  select count(*) from t;',
        'end;',
        'create procedure t_add(x int) language sql',
        'begin atomic',
        "  insert into t (a, b) values (x, 'one; two');",
        '  insert into t (a, b) values (x + 1, $$three; four$$);',
        'end;',
        'create index concurrently t_a_idx on t (a);',
        'call t_add(1000);',
        '',
      ].join('\n'),
    });
    const r = await migrate({ url: db.url, dir });
    expect(r.failed).toBeUndefined();
    expect(r.applied.map((a) => a.name)).toEqual(['20250101000000_t', '20250102000000_atomic']);
    expect(await query(db.url, 'select t_count()::int as n')).toEqual([{ n: 102 }]);
    expect(await query(db.url, "select indisvalid from pg_index where indexrelid = 't_a_idx'::regclass")).toEqual([
      { indisvalid: true },
    ]);
    expect(await query(db.url, 'select b from t where a >= 1000 order by a')).toEqual([
      { b: 'one; two' },
      { b: 'three; four' },
    ]);
  });
});

describe('transaction control in a transactional file', () => {
  it.each([
    [
      'COMMIT; BEGIN in the middle',
      'create table a1 (id int);\nCOMMIT;\nBEGIN;\ncreate table a2 (id int);\n',
      ['line 2: COMMIT', 'line 3: BEGIN'],
    ],
    ['ROLLBACK at the end', 'create table a1 (id int);\n\nROLLBACK;\n', ['line 3: ROLLBACK']],
    [
      'SAVEPOINT / RELEASE',
      'savepoint s1;\ncreate table a1 (id int);\nrelease savepoint s1;\n',
      ['line 1: SAVEPOINT', 'line 3: RELEASE SAVEPOINT'],
    ],
    [
      'END, ABORT, START TRANSACTION',
      'create table a1 (id int);\nend;\nstart transaction;\nabort;\n',
      ['line 2: END (COMMIT)', 'line 3: START TRANSACTION', 'line 4: ABORT (ROLLBACK)'],
    ],
    ['PREPARE TRANSACTION', "create table a1 (id int);\nprepare transaction 'x';\n", ['line 2: PREPARE TRANSACTION']],
  ])('%s: refused before anything runs, naming file and line; nothing recorded', async (_label, sql, lines) => {
    const db = await refusalDb();
    const dir = migrationsDir({ '20250101000000_first': 'create table first_one (id int);', '20250102000000_tc': sql });
    const err = await migrate({ url: db.url, dir }).catch((e) => e);
    expect(err).toBeInstanceOf(DbError);
    expect(err.code).toBe('E_MIGRATION_TRANSACTION_CONTROL');
    for (const l of lines) expect(err.message).toContain(`20250102000000_tc/migration.sql ${l}`);
    // before anything runs: not even the earlier, innocent migration
    expect(await relationExists(db.url, 'first_one')).toBe(false);
    expect(await relationExists(db.url, 'a1')).toBe(false);
    expect(await history({ url: db.url })).toEqual([]);
    await expectUntouched(db);
  });

  it("Prisma's schema engine path refuses the same files with the same error, before anything runs", async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_first': 'create table first_one (id int);',
      '20250102000000_tc': 'create table a1 (id int);\ncommit;\ncreate table a2 (id int);\n',
    });
    const runner = await migrate({ url: db.url, dir }).catch((e) => e);
    const engine = await openSchemaEngine({ url: db.url, engine: 'wasm' });
    const filters = { externalTables: [], externalEnums: [] };
    try {
      const list = await loadMigrationList(dir);
      const applied = await engine.applyMigrations({ migrationsList: list, filters }).catch((e) => e);
      expect(applied).toBeInstanceOf(DbError);
      expect(applied.code).toBe('E_MIGRATION_TRANSACTION_CONTROL');
      expect(applied.message).toBe(runner.message);
      expect(applied.message).toContain('20250102000000_tc/migration.sql line 2: COMMIT (`commit`)');
      expect(applied.message).toMatch(/make it `-- migrate:no-transaction`\. Nothing was run\.$/);
      // The shadow-database replay (dev diagnostics) is refused too; reading the history is not.
      const dev = await engine.devDiagnostic({ migrationsList: list, filters }).catch((e) => e);
      expect(dev.code).toBe('E_MIGRATION_TRANSACTION_CONTROL');
      const diag = await engine.diagnoseMigrationHistory({
        migrationsList: list,
        optInToShadowDatabase: false,
        filters,
      });
      expect(diag.history).toMatchObject({ diagnostic: 'databaseIsBehind' });
    } finally {
      await engine.close();
    }
    // before anything runs: not even the earlier, innocent migration; no _prisma_migrations rows
    expect(await relationExists(db.url, 'first_one')).toBe(false);
    expect(await relationExists(db.url, 'a1')).toBe(false);
    expect(await history({ url: db.url })).toEqual([]);
    // The same file marked no-transaction is the author's choice, and the engine applies it.
    const ok = migrationsDir({ '20250102000000_tc': '-- migrate:no-transaction\ncreate table a1 (id int);\n' });
    const engine2 = await openSchemaEngine({ url: db.url, engine: 'wasm' });
    try {
      const r = await engine2.applyMigrations({ migrationsList: await loadMigrationList(ok), filters });
      expect(r.appliedMigrationNames).toEqual(['20250102000000_tc']);
    } finally {
      await engine2.close();
    }
  });

  it('COMMIT inside a DO body or a string is not transaction control', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_ok':
        "create table c1 (note text);\ninsert into c1 values ('COMMIT; ROLLBACK;');\ndo $$ begin raise notice 'BEGIN; COMMIT;'; end $$;\n",
    });
    const r = await migrate({ url: db.url, dir });
    expect(r.failed).toBeUndefined();
    expect(await query(db.url, 'select note from c1')).toEqual([{ note: 'COMMIT; ROLLBACK;' }]);
  });

  it('unparsable SQL is refused with file, line and column before anything runs', async () => {
    const db = await refusalDb();
    const dir = migrationsDir({
      '20250101000000_a': 'create table a (id int);',
      '20250102000000_b': 'select 1;\ncreate tabel b (id int);\n',
    });
    const err = await migrate({ url: db.url, dir }).catch((e) => e);
    expect(err.code).toBe('E_SQL_PARSE');
    expect(err.message).toContain('20250102000000_b/migration.sql line 2, column 8');
    expect(await relationExists(db.url, 'a')).toBe(false);
    await expectUntouched(db);
  });
});

describe('--plan, --plan-hash, --to, --steps', () => {
  const files = {
    '20250101000000_a': 'create table pa (id int, code text);\n',
    '20250102000000_b': 'create index pa_code_idx on pa (code);\nalter table pa add column n int;\n',
    '20250103000000_c': '-- requires: pa\ncreate view pv as select code from pa;\n',
  };

  it('plan applies nothing, names statements, locks and lint findings; its hash changes when a file changes', async () => {
    const db = await freshDb();
    const dir = migrationsDir(files);
    const p = await plan({ url: db.url, dir });
    expect(p.migrations.map((m) => m.name)).toEqual(Object.keys(files));
    const b = p.migrations[1]!;
    expect(b.statements.map((s) => [s.line, s.kind, s.locks.map((l) => `${l.mode} ${l.relation}`)])).toEqual([
      [1, 'IndexStmt', ['SHARE pa']],
      [2, 'AlterTableStmt', ['ACCESS EXCLUSIVE pa']],
    ]);
    expect(b.findings.map((f) => `${f.rule}@${f.line}`)).toEqual(
      ['index-without-concurrently@1', 'missing-down-sql@1'].sort(
        (x, y) => Number(x.split('@')[1]) - Number(y.split('@')[1]) || x.localeCompare(y),
      ),
    );
    expect(p.migrations[2]!.statements[0]!.locks).toEqual([
      { relation: 'pa', mode: 'ACCESS SHARE', blocks: expect.any(String) },
    ]);
    expect(p.migrations.map((m) => m.recreates)).toEqual([[], [], []]);
    expect(p.hash).toMatch(/^[0-9a-f]{16}$/);
    // nothing applied, nothing recorded
    expect(await relationExists(db.url, 'pa')).toBe(false);
    expect(await history({ url: db.url })).toEqual([]);
    // same files, same hash; one byte changed, another hash
    expect((await plan({ url: db.url, dir })).hash).toBe(p.hash);
    writeFileSync(
      path.join(dir, '20250103000000_c', 'migration.sql'),
      '-- requires: pa\ncreate view pv as select code, id from pa;\n',
    );
    const p2 = await plan({ url: db.url, dir });
    expect(p2.hash).not.toBe(p.hash);
    // --plan-hash: the reviewed plan is refused once it changed, and nothing runs
    const err = await migrate({ url: db.url, dir, planHash: p.hash }).catch((e) => e);
    expect(err.code).toBe('E_PLAN_CHANGED');
    expect(err.message).toContain(p2.hash);
    expect(await history({ url: db.url })).toEqual([]);
    const r = await migrate({ url: db.url, dir, planHash: p2.hash });
    expect(r.applied.map((a) => a.name)).toEqual(Object.keys(files));
    expect(r.planHash).toBe(p2.hash);
  });

  it("plan names the views a migration drops and creates again (a generated view migration's dependants)", async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_a':
        'create table ra (id int);\ncreate view rv1 as select id from ra;\ncreate view rv2 as select id from rv1;\n',
      '20250102000000_b':
        '-- requires: rv1, rv2\ndrop view rv2;\ndrop view rv1;\ncreate view rv1 as select id, 1 as one from ra;\ncreate view rv2 as select id from rv1;\n',
    });
    await migrate({ url: db.url, dir, steps: 1 });
    const p = await plan({ url: db.url, dir });
    expect(p.migrations.map((m) => [m.name, m.recreates])).toEqual([['20250102000000_b', ['rv1', 'rv2']]]);
    expect(p.migrations[0]!.statements.slice(0, 2).map((s) => s.locks.map((l) => `${l.mode} ${l.relation}`))).toEqual([
      ['ACCESS EXCLUSIVE rv2'],
      ['ACCESS EXCLUSIVE rv1'],
    ]);
  });

  it('--steps N and --to NAME apply part of what is pending; status shows what is left', async () => {
    const db = await freshDb();
    const dir = migrationsDir(files);
    const events: MigratorEvent[] = [];
    const one = await migrate({ url: db.url, dir, steps: 1, log: (e) => events.push(e) });
    expect(one.applied.map((a) => a.name)).toEqual(['20250101000000_a']);
    expect(one.pending).toEqual(['20250102000000_b', '20250103000000_c']);
    expect(
      events.filter((e) => e.type === 'applied').map((e) => e.type === 'applied' && `${e.index}/${e.total}`),
    ).toEqual(['1/1']);
    expect((await status({ url: db.url, dir })).pending).toEqual(['20250102000000_b', '20250103000000_c']);

    const planTo = await plan({ url: db.url, dir, to: '20250102000000_b' });
    expect(planTo.migrations.map((m) => m.name)).toEqual(['20250102000000_b']);
    expect(planTo.later).toEqual(['20250103000000_c']);
    const to = await migrate({ url: db.url, dir, to: '20250102000000_b' });
    expect(to.applied.map((a) => a.name)).toEqual(['20250102000000_b']);
    expect(to.pending).toEqual(['20250103000000_c']);
    expect(await relationExists(db.url, 'pv')).toBe(false);
    // --to an applied one: nothing to do
    expect((await migrate({ url: db.url, dir, to: '20250101000000_a' })).applied).toEqual([]);

    const bad = await migrate({ url: db.url, dir, to: '20250109000000_nope' }).catch((e) => e);
    expect(bad.code).toBe('E_BAD_ARGUMENT');
    expect((await migrate({ url: db.url, dir, to: 'x', steps: 1 }).catch((e) => e)).code).toBe('E_BAD_ARGUMENT');
    const rest = await migrate({ url: db.url, dir });
    expect(rest.applied.map((a) => a.name)).toEqual(['20250103000000_c']);
    expect((await status({ url: db.url, dir })).upToDate).toBe(true);
  });
});

describe('lock_timeout on migration statements, retried with backoff', () => {
  async function holdLock(url: string, sql: string): Promise<pg.Client & { pid: number }> {
    const c = new pg.Client({ connectionString: url, application_name: 'test-blocker' }) as pg.Client & { pid: number };
    clients.push(c);
    await c.connect();
    c.pid = (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    await c.query('begin');
    await c.query(sql);
    return c;
  }

  it('retries while another session holds the lock, and succeeds once it lets go', async () => {
    const db = await freshDb();
    await query(db.url, 'create table busy (id int)');
    const dir = migrationsDir({ '20250101000000_alter': 'alter table busy add column note text;\n' });
    const blocker = await holdLock(db.url, 'lock table busy in access share mode');
    const events: MigratorEvent[] = [];
    const run = migrate({
      url: db.url,
      dir,
      ddlLockTimeoutMs: 300,
      ddlLockRetries: 3,
      retryDelayMs: 100,
      log: (e) => {
        events.push(e);
        // let go after the first timeout
        if (e.type === 'retrying' && e.attempt === 1) void blocker.query('commit');
      },
    });
    const r = await run;
    expect(r.failed).toBeUndefined();
    expect(r.applied.map((a) => a.name)).toEqual(['20250101000000_alter']);
    const retries = events.filter((e) => e.type === 'retrying');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toMatchObject({ type: 'retrying', attempt: 1, retries: 3, delayMs: 100 });
    // the printed budget: 4 × 300 ms waits + 100 + 200 + 400 ms backoff
    expect(retries[0]!.type === 'retrying' && retries[0]!.budgetMs).toBe(1900);
    expect(
      await query(
        db.url,
        "select count(*)::int as n from information_schema.columns where table_name = 'busy' and column_name = 'note'",
      ),
    ).toEqual([{ n: 1 }]);
  });

  it('fails after the retries naming the blocking pid, its query and how long it has held on; nothing applied or recorded', async () => {
    const db = await freshDb();
    await query(db.url, 'create table busy (id int)');
    const dir = migrationsDir({
      '20250101000000_alter': 'alter table busy add column note text;\n',
      '20250102000000_next': 'create table after_busy (id int);\n',
    });
    const blocker = await holdLock(db.url, 'lock table busy in access share mode');
    const pid = blocker.pid;
    const events: MigratorEvent[] = [];
    const r = await migrate({
      url: db.url,
      dir,
      ddlLockTimeoutMs: 400,
      ddlLockRetries: 2,
      retryDelayMs: 50,
      log: (e) => events.push(e),
    });
    expect(r.failed?.name).toBe('20250101000000_alter');
    const err = r.failed!.error as DbError;
    expect(err.code).toBe('E_MIGRATION_LOCK_TIMEOUT');
    expect(err.message).toContain(`pid ${pid}`);
    expect(err.message).toContain('application_name "test-blocker"');
    expect(err.message).toContain('lock table busy in access share mode');
    expect(err.message).toMatch(/its transaction open for \d+\.\d s/);
    expect(err.message).toContain('AccessExclusiveLock on busy');
    expect(err.message).toContain('3 times');
    expect(events.filter((e) => e.type === 'retrying').length).toBe(2);
    expect(r.pending).toEqual(['20250101000000_alter', '20250102000000_next']);
    expect(await relationExists(db.url, 'after_busy')).toBe(false);
    // rolled back and not recorded: a later run simply tries again
    expect(await history({ url: db.url })).toEqual([]);
    await blocker.query('commit');
    const again = await migrate({ url: db.url, dir, ddlLockTimeoutMs: 400 });
    expect(again.applied.map((a) => a.name)).toEqual(['20250101000000_alter', '20250102000000_next']);
  });

  it('a no-transaction file retries the blocked statement only', async () => {
    const db = await freshDb();
    await query(db.url, 'create table busy (id int)');
    const dir = migrationsDir({
      '20250101000000_nt':
        '-- migrate:no-transaction\ncreate table nt_first (id int);\nalter table busy add column note text;\ncreate index concurrently busy_id_idx on busy (id);\n',
    });
    const blocker = await holdLock(db.url, 'select * from busy');
    const r = await migrate({
      url: db.url,
      dir,
      ddlLockTimeoutMs: 300,
      retryDelayMs: 50,
      log: (e) => e.type === 'retrying' && e.attempt === 1 && void blocker.query('commit'),
    });
    expect(r.failed).toBeUndefined();
    expect(await relationExists(db.url, 'busy_id_idx')).toBe(true);
    expect((await history({ url: db.url }))[0]).toMatchObject({ state: 'applied' });
  });

  it("keeps the runner's lock_timeout when the file changes it where the parse cannot see", async () => {
    const db = await freshDb();
    await query(db.url, 'create table busy (id int)');
    const dir = migrationsDir({
      '20250101000000_sneaky_timeout':
        "do $$ begin execute format('SET LOCAL %s = %L', 'lock_timeout', '0'); end $$;\nalter table busy add column note text;\n",
    });
    const blocker = await holdLock(db.url, 'lock table busy in access share mode');
    try {
      const r = await migrate({ url: db.url, dir, ddlLockTimeoutMs: 300, ddlLockRetries: 1, retryDelayMs: 50 });
      expect(r.failed?.name).toBe('20250101000000_sneaky_timeout');
      const err = r.failed!.error as DbError;
      expect(err.code).toBe('E_MIGRATION_LOCK_TIMEOUT');
      expect(err.message).toContain(`pid ${blocker.pid}`);
      expect((err.cause as Error).message).toContain('outlasted its lock_timeout 300 ms');
      expect(await history({ url: db.url })).toEqual([]);
    } finally {
      await blocker.query('commit');
    }
  });

  it('a header sets the lock_timeout of one file', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_h':
        "-- migrate:ddl-lock-timeout 1234ms\n-- migrate:statement-timeout 5s\ncreate table h as select current_setting('lock_timeout') as lt, current_setting('statement_timeout') as st;\n",
    });
    await migrate({ url: db.url, dir });
    expect(await query(db.url, 'select lt, st from h')).toEqual([{ lt: '1234ms', st: '5s' }]);
    const p = await plan({
      url: db.url,
      dir: migrationsDir({ '20250101000000_x': '-- migrate:ddl-lock-timeout 30s\nselect 1;\n' }),
    });
    expect(p.migrations[0]!.ddlLockTimeoutMs).toBe(30_000);
  });
});

describe('a migration cannot leave session state behind', () => {
  const roles: string[] = [];
  afterEach(async () => {
    // roles are cluster-wide: dropped after the databases that hold their objects (outer afterEach runs later)
    while (dbs.length) await dbs.pop()!.drop();
    while (roles.length) await query(inject('pgAdminUrl'), `drop role if exists "${roles.pop()}"`);
  });
  async function role(): Promise<string> {
    const name = `Mig Role ${Math.random().toString(36).slice(2, 8)}`;
    await query(inject('pgAdminUrl'), `create role "${name}" nologin`);
    roles.push(name);
    return name;
  }

  // One class per row, spelt differently from the lint fixtures: case, comments, quoted names,
  // several statements on a line, DO bodies.
  it.each([
    [
      'session SET',
      'create table s1 (id int); Set  session_replication_role TO replica ; select 1;\n',
      'line 1: SET session_replication_role',
    ],
    [
      'SET with a quoted name and SESSION',
      '/* setup */\nSET SESSION "search_path" = public, pg_catalog;\n',
      'line 2: SET search_path',
    ],
    ['RESET ALL', 'create table s1 (id int);\n-- start clean\nreset   ALL;\n', 'line 3: RESET ALL'],
    ['RESET of one setting', 'RESET work_mem;', 'line 1: RESET work_mem'],
    ['SET ROLE', 'create table s1 (id int);\nSET ROLE "Some Owner";\n', 'line 2: SET ROLE'],
    ['RESET ROLE', 'reset role;', 'line 1: RESET ROLE'],
    ['SET SESSION AUTHORIZATION', 'set session authorization default;', 'line 1: SET SESSION AUTHORIZATION'],
    [
      'SET SESSION CHARACTERISTICS',
      'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY;',
      'line 1: SET SESSION CHARACTERISTICS',
    ],
    ['DISCARD', 'create table s1 (id int);\n\tdiscard PLANS;\n', 'line 2: DISCARD PLANS'],
    [
      'set_config(…, false), schema-qualified',
      "select 1 as one,\n  PG_CATALOG.set_config('session_replication_role', 'replica', false) as two;\n",
      "line 1: set_config('session_replication_role'",
    ],
    ['set_config with a computed is_local', "select set_config('app.x', 'y', 1 > 2);", "line 1: set_config('app.x'"],
    [
      'PERFORM set_config inside DO',
      "DO $body$\nBEGIN\n  PERFORM set_config('session_replication_role', 'replica', false);\nEND\n$body$;\n",
      'inside DO',
    ],
    [
      'EXECUTE of constant SQL inside DO',
      "do $$ begin execute 'SET ROLE ' || '\"Some Owner\"'; end $$;",
      'SET ROLE (`SET ROLE "Some Owner"` inside DO (EXECUTE))',
    ],
    [
      'temporary table without ON COMMIT DROP',
      'CREATE TEMPORARY TABLE customers (id int);',
      'temporary table customers without ON COMMIT DROP',
    ],
    ['LISTEN, PREPARE, LOAD', "listen jobs; prepare p as select 1;\nload 'auto_explain';\n", 'line 2: LOAD'],
    ['session advisory lock', 'select pg_try_advisory_lock(7);', 'pg_try_advisory_lock()'],
    [
      'SET LOCAL lock_timeout (the runner owns it)',
      'SET LOCAL lock_timeout = 0;\ncreate table s1 (id int);\n',
      'line 1: lock_timeout',
    ],
    ['RESET ALL in a no-transaction file', '-- migrate:no-transaction\nRESET ALL;\n', 'line 2: RESET ALL'],
    [
      'SET lock_timeout in a no-transaction file',
      '-- migrate:no-transaction\nset lock_timeout = 0;\n',
      'line 2: lock_timeout',
    ],
  ])(
    '%s: refused before anything runs, naming file and line; nothing applied or recorded',
    async (_label, sql, expected) => {
      const db = await refusalDb();
      const dir = migrationsDir({
        '20250101000000_first': 'create table first_one (id int);',
        '20250102000000_s': sql,
      });
      const err = await migrate({ url: db.url, dir }).catch((e) => e);
      expect(err).toBeInstanceOf(DbError);
      expect(err.code).toBe('E_MIGRATION_SESSION_STATE');
      expect(err.message).toContain('20250102000000_s/migration.sql line ');
      expect(err.message).toContain(expected);
      expect(err.message).toMatch(/Fix: .*Nothing was run\.$/);
      expect(await relationExists(db.url, 'first_one')).toBe(false);
      expect(await relationExists(db.url, 's1')).toBe(false);
      expect(await history({ url: db.url })).toEqual([]);
      await expectUntouched(db);
    },
  );

  it.each([
    ['BEGIN without COMMIT', '-- migrate:no-transaction\nBEGIN;\ncreate table nt (id int);\n', 'line 2: BEGIN'],
    [
      'a committed block',
      '-- migrate:no-transaction\nstart transaction; create table nt (id int); commit;\n',
      'line 2: COMMIT',
    ],
    [
      'SAVEPOINT and ABORT',
      '-- migrate:no-transaction\ncreate table nt (id int);\nsavepoint a;\nAbort;\n',
      'line 4: ABORT (ROLLBACK)',
    ],
  ])(
    'a no-transaction file with transaction control (%s) is refused before anything runs',
    async (_label, sql, expected) => {
      const db = await refusalDb();
      const dir = migrationsDir({
        '20250101000000_first': 'create table first_one (id int);',
        '20250102000000_nt': sql,
      });
      const err = await migrate({ url: db.url, dir }).catch((e) => e);
      expect(err.code).toBe('E_MIGRATION_TRANSACTION_CONTROL');
      expect(err.message).toContain(`transaction control in a no-transaction migration`);
      expect(err.message).toContain(`20250102000000_nt/migration.sql ${expected}`);
      expect(await relationExists(db.url, 'first_one')).toBe(false);
      expect(await relationExists(db.url, 'nt')).toBe(false);
      expect(await history({ url: db.url })).toEqual([]);
      await expectUntouched(db);
    },
  );

  it('SET LOCAL, set_config(…, true), SET TRANSACTION and ON COMMIT DROP pass and end with their migration', async () => {
    const db = await freshDb();
    const owner = await role();
    await query(db.url, `grant create on schema public to "${owner}"`);
    const dir = migrationsDir({
      '20250101000000_local': [
        'SET TRANSACTION ISOLATION LEVEL READ COMMITTED;',
        'SET LOCAL session_replication_role = replica;',
        "set local work_mem = '7MB'; SELECT set_config('app.batch', '42', true);",
        `SET LOCAL ROLE "${owner}";`,
        'create table owned_by_role (id int);',
        'create temp table scratch on commit drop as select 1 as one;',
        'create table seen as select current_setting($$session_replication_role$$) as srr, current_setting($$app.batch$$) as batch from scratch;',
        '',
      ].join('\n'),
      '20250102000000_after':
        "create table after_local as select current_user::text as usr, current_setting('session_replication_role') as srr,\n" +
        "  current_setting('work_mem') as wm, current_setting('app.batch', true) as batch, to_regclass('pg_temp.scratch')::text as scratch;\n",
    });
    const r = await migrate({ url: db.url, dir });
    expect(r.failed).toBeUndefined();
    expect(await query(db.url, 'select srr, batch from seen')).toEqual([{ srr: 'replica', batch: '42' }]);
    expect(await query(db.url, "select tableowner from pg_tables where tablename = 'owned_by_role'")).toEqual([
      { tableowner: owner },
    ]);
    const [after] = await query<{ usr: string; srr: string; wm: string; batch: string | null; scratch: string | null }>(
      db.url,
      'select * from after_local',
    );
    expect(after).toMatchObject({ srr: 'origin', scratch: null });
    expect(after!.usr).not.toBe(owner);
    expect(after!.wm).not.toBe('7MB');
    expect(after!.batch ?? '').toBe('');
  });

  // The parse cannot see into a function defined by an earlier migration, nor into EXECUTE of SQL
  // built at run time: the runner puts the session back after every migration.
  const sneaky = [
    'create table parent (id int primary key);',
    'create table child (id int, parent_id int references parent (id));',
    'create table customers (id int);',
    'create function sneaky(r text) returns void language plpgsql as $$',
    'begin',
    "  perform set_config('session_replication_role', 'replica', false);",
    "  execute format('SET %s = %L', 'default_transaction_read_only', 'on');",
    "  execute 'create temp table customers (id int, shadow bool)';",
    "  if r is not null then execute format('SET ROLE %I', r); end if;",
    'end $$;',
    '',
  ].join('\n');

  it('what the parse cannot see is reset after the migration: FK checks on, not read-only, no temp table shadows a real one', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_schema': sneaky,
      '20250102000000_sneaky': 'select sneaky(null);\n',
      '20250103000000_later': 'insert into customers values (1);\n',
    });
    const r = await migrate({ url: db.url, dir });
    expect(r.failed).toBeUndefined();
    expect(r.applied.map((a) => a.name)).toEqual([
      '20250101000000_schema',
      '20250102000000_sneaky',
      '20250103000000_later',
    ]);
    // the insert went to the real table, not to a temporary one left by the previous migration
    expect(await query(db.url, 'select count(*)::int as n from public.customers')).toEqual([{ n: 1 }]);
    // session_replication_role is back to origin: an orphan row is refused by the foreign key
    addMigration(dir, '20250104000000_orphan', 'insert into child values (1, 999);\n');
    const orphan = await migrate({ url: db.url, dir });
    expect(orphan.failed?.name).toBe('20250104000000_orphan');
    expect(orphan.failed?.error.message).toContain('violates foreign key constraint');
    expect(await query(db.url, 'select count(*)::int as n from child')).toEqual([{ n: 0 }]);
  });

  it('a SET ROLE run by EXECUTE of SQL built at run time does not make later tables owned by that role', async () => {
    const db = await freshDb();
    const other = await role();
    const dir = migrationsDir({
      '20250101000000_schema': sneaky,
      '20250102000000_sneaky': `select sneaky('${other}');\n`,
      '20250103000000_later': 'create table later (id int);\n',
    });
    const r = await migrate({ url: db.url, dir });
    expect(r.failed).toBeUndefined();
    const [owner] = await query<{ tableowner: string }>(
      db.url,
      "select tableowner from pg_tables where tablename = 'later'",
    );
    const [me] = await query<{ u: string }>(db.url, 'select current_user::text as u');
    expect(owner!.tableowner).toBe(me!.u);
  });

  it('a no-transaction file may SET for its own statements; the session is reset after it', async () => {
    const db = await freshDb();
    const other = await role();
    const dir = migrationsDir({
      '20250101000000_nt': [
        '-- migrate:no-transaction',
        "SET maintenance_work_mem = '77MB';",
        'create table nt_t (id int);',
        `SET ROLE "${other}";`,
        'create temp table customers (id int);',
        "create table nt_seen as select current_setting('maintenance_work_mem') as mwm;",
        '',
      ].join('\n'),
      '20250102000000_after':
        "create table nt_after as select current_user::text as usr, current_setting('maintenance_work_mem') as mwm, to_regclass('pg_temp.customers')::text as temp;\n",
    });
    await query(db.url, `grant create on schema public to "${other}"`);
    const r = await migrate({ url: db.url, dir });
    expect(r.failed).toBeUndefined();
    expect(await query(db.url, 'select mwm from nt_seen')).toEqual([{ mwm: '77MB' }]);
    const [after] = await query<{ usr: string; mwm: string; temp: string | null }>(db.url, 'select * from nt_after');
    expect(after!.usr).not.toBe(other);
    expect(after!.mwm).not.toBe('77MB');
    expect(after!.temp).toBeNull();
  });

  it('down.sql is held to the same rules: refused before anything is rolled back', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_a': { up: 'create table da (id int);', down: 'drop table da;' },
      '20250102000000_b': {
        up: 'create table db_ (id int);',
        down: "select set_config('session_replication_role', 'replica', false);\ndrop table db_;\n",
      },
    });
    await migrate({ url: db.url, dir });
    const err = await rollback({ url: db.url, dir, steps: 2 }).catch((e) => e);
    expect(err.code).toBe('E_MIGRATION_SESSION_STATE');
    expect(err.message).toContain("20250102000000_b/down.sql line 1: set_config('session_replication_role'");
    expect(await relationExists(db.url, 'da')).toBe(true);
    expect(await relationExists(db.url, 'db_')).toBe(true);
    expect((await status({ url: db.url, dir })).applied).toEqual(['20250101000000_a', '20250102000000_b']);
  });

  it("Prisma's schema engine path refuses a session change with the runner's error", async () => {
    const db = await freshDb();
    const dir = migrationsDir({ '20250101000000_s': 'create table e1 (id int);\nset role postgres;\n' });
    const runner = await migrate({ url: db.url, dir }).catch((e) => e);
    expect(runner.code).toBe('E_MIGRATION_SESSION_STATE');
    const engine = await openSchemaEngine({ url: db.url, engine: 'wasm' });
    try {
      const filters = { externalTables: [], externalEnums: [] };
      const err = await engine
        .applyMigrations({ migrationsList: await loadMigrationList(dir), filters })
        .catch((e) => e);
      expect(err.code).toBe('E_MIGRATION_SESSION_STATE');
      expect(err.message).toBe(runner.message);
    } finally {
      await engine.close();
    }
    expect(await relationExists(db.url, 'e1')).toBe(false);
  });
});
