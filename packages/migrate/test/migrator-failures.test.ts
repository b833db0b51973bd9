import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { history, migrate, readMigrations, rebuildLogOf, resolve, status } from '../src/index.ts';
import { applyMigration } from '../src/apply.ts';
import { BlockerWatcher } from '../src/blockers.ts';
import { connect } from '../src/migrate.ts';
import { ensureTable } from '../src/table.ts';
import { parseSql } from '../src/sql/parse.ts';
import { DbError } from '@warehouse/db';
import { addMigration, migrationsDir, query, relationExists } from './migrator-helpers.ts';

const dbs: TestDatabase[] = [];
async function freshDb(): Promise<TestDatabase> {
  const db = await createTestDatabase(inject('pgAdminUrl'));
  dbs.push(db);
  return db;
}
afterEach(async () => {
  while (dbs.length) await dbs.pop()!.drop();
});

describe('a failing migration', () => {
  it('leaves nothing behind, is recorded with its error, and blocks until resolved', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_ok': 'create table t_ok (id int);',
      '20250102000000_bad':
        'create table t_partial (id int);\ninsert into t_partial values (1);\nselect * from no_such_table;\n',
      '20250103000000_after': 'create table t_after (id int);',
    });
    const first = await migrate({ url: db.url, dir });
    expect(first.applied.map((a) => a.name)).toEqual(['20250101000000_ok']);
    expect(first.failed?.name).toBe('20250102000000_bad');
    expect(first.failed?.error).toBeInstanceOf(DbError);
    expect(first.failed?.error.message).toContain('no_such_table');
    expect(first.pending).toEqual(['20250102000000_bad', '20250103000000_after']);
    // the table the failed file created first was rolled back with it
    expect(await relationExists(db.url, 't_partial')).toBe(false);
    expect(await relationExists(db.url, 't_after')).toBe(false);

    const rows = await history({ url: db.url });
    const failed = rows.find((r) => r.name === '20250102000000_bad')!;
    expect(failed).toMatchObject({ state: 'failed', finishedAt: null, rolledBackAt: null, appliedStepsCount: 0 });
    expect(failed.logs).toContain('relation "no_such_table" does not exist');
    expect(failed.logs).toContain('SQLSTATE: 42P01');
    expect(failed.logs).toContain('line 3, column 15');

    const st = await status({ url: db.url, dir });
    expect(st.failed.map((f) => f.name)).toEqual(['20250102000000_bad']);
    expect(st.upToDate).toBe(false);

    // blocked (like P3009) until resolved, and the message names the fix
    const blocked = await migrate({ url: db.url, dir }).catch((e) => e);
    expect(blocked).toBeInstanceOf(DbError);
    expect(blocked.code).toBe('E_MIGRATION_BLOCKED');
    expect(blocked.message).toContain('20250102000000_bad');
    expect(blocked.message).toContain('pnpm db:resolve --rolled-back 20250102000000_bad');

    // fix the file, mark the failure rolled back, deploy again
    writeFileSync(path.join(dir, '20250102000000_bad', 'migration.sql'), 'create table t_partial (id int);');
    expect(await resolve({ url: db.url, dir, rolledBack: '20250102000000_bad' })).toEqual({
      name: '20250102000000_bad',
      action: 'rolled-back',
    });
    const second = await migrate({ url: db.url, dir });
    expect(second.failed).toBeUndefined();
    expect(second.applied.map((a) => a.name)).toEqual(['20250102000000_bad', '20250103000000_after']);
    expect(await relationExists(db.url, 't_partial')).toBe(true);
    const states = (await history({ url: db.url })).filter((r) => r.name === '20250102000000_bad').map((r) => r.state);
    expect(states).toEqual(['rolled-back', 'applied']);
  });

  it('resolve --rolled-back refuses a migration that did not fail', async () => {
    const db = await freshDb();
    const dir = migrationsDir({ '20250101000000_ok': 'create table t_ok (id int);' });
    await migrate({ url: db.url, dir });
    const err = await resolve({ url: db.url, dir, rolledBack: '20250101000000_ok' }).catch((e) => e);
    expect(err.code).toBe('E_BAD_ARGUMENT');
    expect(err.message).toContain('20250101000000_ok');
  });

  it('resolve --applied marks a failed migration applied without running it', async () => {
    const db = await freshDb();
    const dir = migrationsDir({ '20250101000000_bad': 'select 1/0;' });
    expect((await migrate({ url: db.url, dir })).failed?.error.message).toContain('division by zero');
    await resolve({ url: db.url, dir, applied: '20250101000000_bad' });
    const rows = await history({ url: db.url });
    expect(rows.map((r) => r.state)).toEqual(['rolled-back', 'applied']);
    expect(rows[1]).toMatchObject({ appliedStepsCount: 0, stamped: true });
    expect(rows[1]!.startedAt.getTime()).toBe(rows[1]!.finishedAt!.getTime());
    expect((await status({ url: db.url, dir })).upToDate).toBe(true);
  });
});

describe('edited migrations', () => {
  it('are refused by name, and allowed with allowEdited', async () => {
    const db = await freshDb();
    const dir = migrationsDir({ '20250101000000_a': 'create table a (id int);' });
    await migrate({ url: db.url, dir });
    writeFileSync(path.join(dir, '20250101000000_a', 'migration.sql'), 'create table a (id int, x text);');
    addMigration(dir, '20250102000000_b', 'create table b (id int);');
    expect((await status({ url: db.url, dir })).edited).toEqual(['20250101000000_a']);
    const err = await migrate({ url: db.url, dir }).catch((e) => e);
    expect(err).toBeInstanceOf(DbError);
    expect(err.code).toBe('E_MIGRATION_EDITED');
    expect(err.message).toContain('20250101000000_a');
    expect(await relationExists(db.url, 'b')).toBe(false);
    const warnings: string[] = [];
    const ok = await migrate({
      url: db.url,
      dir,
      allowEdited: true,
      log: (e) => e.type === 'warning' && warnings.push(e.message),
    });
    expect(ok.applied.map((a) => a.name)).toEqual(['20250102000000_b']);
    expect(warnings.join('\n')).toContain('20250101000000_a');
  });

  it('accepts CRLF line endings of an unchanged file, as Prisma does', async () => {
    const db = await freshDb();
    const dir = migrationsDir({ '20250101000000_a': 'create table a (id int);\nselect 1;\n' });
    await migrate({ url: db.url, dir });
    writeFileSync(path.join(dir, '20250101000000_a', 'migration.sql'), 'create table a (id int);\r\nselect 1;\r\n');
    expect((await status({ url: db.url, dir })).edited).toEqual([]);
  });
});

describe('migrations missing on disk', () => {
  it('are reported by status and as a warning, not fatal for deploy', async () => {
    const db = await freshDb();
    const dir = migrationsDir({ '20250101000000_a': 'create table a (id int);' });
    await migrate({ url: db.url, dir });
    const other = migrationsDir({ '20250102000000_b': 'create table b (id int);' });
    const st = await status({ url: db.url, dir: other });
    expect(st.missing).toEqual(['20250101000000_a']);
    expect(st.pending).toEqual(['20250102000000_b']);
    const result = await migrate({ url: db.url, dir: other });
    expect(result.applied.map((a) => a.name)).toEqual(['20250102000000_b']);
    expect(result.warnings.join()).toContain('20250101000000_a');
  });
});

describe('requires header', () => {
  it('stops the run naming the missing object and the migration that creates it', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_schema': 'create schema mart;',
      '20250102000000_use':
        '-- requires: mart.mv_receive_daily, pg_catalog.pg_class\ncreate view mart.v_weekly as select * from mart.mv_receive_daily;',
      '20250103000000_create_mv': 'CREATE MATERIALIZED VIEW "mart"."mv_receive_daily" AS select 1 as x;',
    });
    const result = await migrate({ url: db.url, dir });
    expect(result.applied.map((a) => a.name)).toEqual(['20250101000000_schema']);
    expect(result.failed?.name).toBe('20250102000000_use');
    const error = result.failed!.error as DbError;
    expect(error.code).toBe('E_MIGRATION_REQUIRES');
    expect(error.message).toContain('mart.mv_receive_daily');
    expect(error.message).not.toContain('pg_catalog.pg_class,');
    expect(error.message).toContain('20250102000000_use');
    expect(error.message).toContain('created by migration 20250103000000_create_mv');
    // nothing recorded: the guard ran before the file, so the next run is not blocked
    expect((await history({ url: db.url })).map((r) => r.name)).toEqual(['20250101000000_schema']);
  });

  it('passes when an earlier migration of the same run created the object', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_calendar': 'create schema ref; create table ref.calendar (ddate date primary key);',
      '20250102000000_use':
        '-- a comment\n-- requires: ref.calendar\n\ncreate view ref.v_cal as select * from ref.calendar;',
    });
    const result = await migrate({ url: db.url, dir });
    expect(result.failed).toBeUndefined();
    expect(await relationExists(db.url, 'ref.v_cal')).toBe(true);
  });

  it('checks spellings of the requires header it was not written for: quoted mixed case, a missing schema, a quote in the name, too many dots', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_quoted': 'create schema "Ref"; create table "Ref"."Cal" (ddate date);',
      '20250102000000_use_quoted': '-- requires: "Ref"."Cal"\ncreate view "Ref".v_cal as select * from "Ref"."Cal";',
    });
    expect((await migrate({ url: db.url, dir })).failed).toBeUndefined();
    for (const [name, missing] of [
      ['nowhere_schema.t', /nowhere_schema\.t does not exist/],
      ["ref.o'brien", /ref\.o'brien does not exist/],
    ] as const) {
      const d = migrationsDir({ '20250103000000_x': `-- requires: ${name}\nselect 1;` });
      const r = await migrate({ url: db.url, dir: d });
      expect(r.failed?.error).toMatchObject({ code: 'E_MIGRATION_REQUIRES' });
      expect(r.failed?.error.message).toMatch(missing);
    }
    // nothing recorded for any of them: the next run is not blocked
    expect((await history({ url: db.url })).map((r) => r.name)).toEqual([
      '20250101000000_quoted',
      '20250102000000_use_quoted',
    ]);
    // a name PostgreSQL cannot parse fails the migration with its own message, and nothing is applied
    const bad = migrationsDir({ '20250104000000_y': '-- requires: a.b.c.d\ncreate table t_y (id int);' });
    const r = await migrate({ url: db.url, dir: bad }).catch((e: Error) => ({ failed: { error: e } }));
    expect(r.failed?.error.message).toMatch(/improper (relation|qualified) name/);
    expect(await relationExists(db.url, 't_y')).toBe(false);
  });

  it('says when no migration creates the object', async () => {
    const db = await freshDb();
    const dir = migrationsDir({ '20250101000000_use': '-- requires: ref.nowhere\nselect 1;' });
    const result = await migrate({ url: db.url, dir });
    expect(result.failed?.error.message).toMatch(
      /ref\.nowhere does not exist and no migration in the history creates it/,
    );
  });
});

describe('SQL features', () => {
  it('runs $$ function bodies and many statements as one file', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_fn': `create table t (n int);
create function add_one(x int) returns int language plpgsql as $$
begin
  -- a ; inside the body
  return x + 1;
end;
$$;
create function tag_fn() returns text language sql as $body$ select 'a;b'::text $body$;
insert into t values (add_one(41));
do $$ begin perform 1; end $$;`,
    });
    const result = await migrate({ url: db.url, dir });
    expect(result.failed).toBeUndefined();
    expect(await query(db.url, 'select n, tag_fn() as s from t')).toEqual([{ n: 42, s: 'a;b' }]);
  });

  it('records a file whose last statement has no semicolon and ends in a -- comment (it travels in one message with the history row)', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_tail': 'create table t_tail (id int);\ninsert into t_tail values (7) -- no semicolon, no newline',
      '20250102000000_next': '/* a block comment first */ create table t_next (id int)',
    });
    const result = await migrate({ url: db.url, dir });
    expect(result.failed).toBeUndefined();
    expect(result.applied.map((a) => a.name)).toEqual(['20250101000000_tail', '20250102000000_next']);
    expect(await query(db.url, 'select id from t_tail')).toEqual([{ id: 7 }]);
    const rows = await history({ url: db.url });
    expect(rows.map((r) => [r.name, r.state, r.appliedStepsCount])).toEqual([
      ['20250101000000_tail', 'applied', 1],
      ['20250102000000_next', 'applied', 1],
    ]);
  });

  it('points an error at its line and column in the file, counting characters (not bytes) after multibyte text', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_jp':
        '-- 受入の集計（テスト）\ncreate table t_jp (名前 text);\ninsert into t_jp select 名前x from t_jp;\n',
    });
    const result = await migrate({ url: db.url, dir });
    expect(result.failed?.name).toBe('20250101000000_jp');
    const failed = (await history({ url: db.url })).find((r) => r.name === '20250101000000_jp')!;
    expect(failed.logs).toContain('column "名前x" does not exist');
    expect(failed.logs).toContain('line 3, column 25:\n  insert into t_jp select 名前x from t_jp;');
    expect(await relationExists(db.url, 't_jp')).toBe(false);
  });

  it("does not blame the file for an error in the runner's own history row, and rolls the file back", async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_ok': 'create table t_ok (id int);',
      // renames a column of _prisma_migrations: the runner's INSERT after the file then fails with a position
      '20250102000000_breaks_history':
        'create table t_gone (id int);\nalter table public._prisma_migrations rename column checksum to checksum_x;\n',
    });
    const result = await migrate({ url: db.url, dir });
    expect(result.applied.map((a) => a.name)).toEqual(['20250101000000_ok']);
    expect(result.failed?.name).toBe('20250102000000_breaks_history');
    expect(result.failed?.error.message).toContain('column "checksum" of relation "_prisma_migrations" does not exist');
    expect(result.failed?.error.message).not.toMatch(/line \d+, column/);
    expect(await relationExists(db.url, 't_gone')).toBe(false);
    expect(
      await query(db.url, "select count(*)::int as n from information_schema.columns where column_name = 'checksum_x'"),
    ).toEqual([{ n: 0 }]);
  });

  it('runs -- migrate:no-transaction files statement by statement (CREATE INDEX CONCURRENTLY)', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_t': 'create table t (id int, note text);',
      '20250102000000_ix': `-- migrate:no-transaction
create index concurrently ix_t_id on t (id);
-- a comment; with a semicolon
create index concurrently ix_t_note on t (note) where note <> 'x;y';
`,
    });
    const result = await migrate({ url: db.url, dir });
    expect(result.failed).toBeUndefined();
    const idx = await query<{ indexname: string }>(
      db.url,
      "select indexname from pg_indexes where tablename = 't' order by 1",
    );
    expect(idx.map((r) => r.indexname)).toEqual(['ix_t_id', 'ix_t_note']);
    const rows = await history({ url: db.url });
    expect(rows[1]).toMatchObject({ name: '20250102000000_ix', state: 'applied', appliedStepsCount: 1 });
  });

  it('CREATE INDEX CONCURRENTLY without the header fails with the server error and is rolled back', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_ix': 'create table t (id int);\ncreate index concurrently ix_t on t (id);',
    });
    const result = await migrate({ url: db.url, dir });
    expect(result.failed?.error.message).toContain('cannot run inside a transaction block');
    expect(await relationExists(db.url, 't')).toBe(false);
  });

  it('records a failed no-transaction file as failed (it may be partly applied)', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_t': 'create table t (id int);',
      '20250102000000_ix':
        '-- migrate:no-transaction\ncreate index concurrently ix_a on t (id);\ncreate index concurrently ix_b on t (nope);\n',
    });
    const result = await migrate({ url: db.url, dir });
    expect(result.failed?.name).toBe('20250102000000_ix');
    expect(result.failed?.error.message).toContain('partly applied');
    const failed = (await history({ url: db.url })).find((r) => r.name === '20250102000000_ix')!;
    expect(failed.state).toBe('failed');
    expect(failed.logs).toContain('column "nope" does not exist');
    expect(failed.logs).toContain('line 3');
  });
});

// The parse refuses BEGIN in a no-transaction file (migrator-safety.test.ts); behind it, the runner
// asks the connection itself (the transaction status of the server's ReadyForQuery) after the file.
describe('a connection left inside a transaction', () => {
  it('after a no-transaction file: rolled back, recorded as failed, the run stops; nothing of the open transaction is kept', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_open':
        '-- migrate:no-transaction\ncreate table nt_before (id int);\nBEGIN;\ncreate table nt_inside (id int);\n',
    });
    const [file] = await readMigrations(dir);
    const client = await connect({ url: db.url });
    try {
      await ensureTable(client);
      const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const watcher = new BlockerWatcher(db.url, pid);
      // prepared by hand, past prepareMigrations' refusal: what the runner does when the parse misses one
      const statements = await parseSql(file!.sql);
      const error = await applyMigration(
        client,
        { file: file!, statements },
        {
          watcher,
          ddlLockTimeoutMs: 5000,
          statementTimeoutMs: 0,
          retries: 0,
          retryDelayMs: 10,
          rebuildLog: await rebuildLogOf(client),
        },
      );
      await watcher.close();
      expect(error).toBeInstanceOf(DbError);
      expect((error as DbError).code).toBe('E_MIGRATION_SESSION_LEFT_OPEN');
      expect(error!.message).toContain(
        'migration 20250101000000_open left the runner\'s connection inside a transaction (transaction status "T"',
      );
      expect(client.getTransactionStatus()).toBe('I');
    } finally {
      await client.end();
    }
    expect(await relationExists(db.url, 'nt_before')).toBe(true);
    expect(await relationExists(db.url, 'nt_inside')).toBe(false);
    const rows = await history({ url: db.url });
    expect(rows).toMatchObject([{ name: '20250101000000_open', state: 'failed' }]);
    expect(rows[0]!.logs).toContain('left the runner');
    // and it blocks the next run until resolved, as any partly applied no-transaction file does
    expect((await migrate({ url: db.url, dir }).catch((e) => e)).code).toBe('E_MIGRATION_BLOCKED');
  });
});
