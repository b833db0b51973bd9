import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from '@warehouse/migrate';
import { runScript } from './run-script.ts';

function migrationsDir(files: Record<string, { up: string; down?: string }>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-migrations-'));
  for (const [name, { up, down }] of Object.entries(files)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'migration.sql'), up);
    if (down !== undefined) writeFileSync(path.join(dir, name, 'down.sql'), down);
  }
  return dir;
}

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Object.values((await client.query(sql)).rows[0] ?? {})[0];
  } finally {
    await client.end();
  }
}

const noPassword = (text: string) => expect(text).not.toMatch(/:postgres@/);

describe('db:migrate populates what the migrations left unpopulated', () => {
  it('an MV created WITH NO DATA (and the MV built on it) is refreshed in graph order after the migrations', async () => {
    const db = await createTestDatabase(inject('pgAdminUrl'));
    try {
      // The real history (the refresher logs to log.mv_refresh_log) plus two MVs created WITH NO DATA.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-populate-'));
      cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      mkdirSync(path.join(dir, '20991231000000_nodata'));
      writeFileSync(
        path.join(dir, '20991231000000_nodata', 'migration.sql'),
        "CREATE TABLE public.fx_t (d date PRIMARY KEY);\nINSERT INTO public.fx_t VALUES (DATE '2030-01-01'), (DATE '2030-01-02');\n" +
          'CREATE MATERIALIZED VIEW public.fx_mv1 AS SELECT d FROM public.fx_t WITH NO DATA;\nCREATE UNIQUE INDEX ux_fx_mv1 ON public.fx_mv1 (d);\n' +
          'CREATE MATERIALIZED VIEW public.fx_mv2 AS SELECT count(*) AS n FROM public.fx_mv1 WITH NO DATA;\n',
      );
      const r = await runScript('db-migrate', ['--dir', dir], { DATABASE_URL_LOCAL_DEV: db.url });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/populated 2 of 2 materialized view\(s\) \(unpopulated: public\.fx_mv1, public\.fx_mv2/);
      expect(await scalar(db.url, 'SELECT n FROM public.fx_mv2')).toBe('2');
      const again = await runScript('db-migrate', ['--dir', dir], { DATABASE_URL_LOCAL_DEV: db.url });
      expect(again.stderr).not.toContain('populated');
    } finally {
      await db.drop();
    }
  });
});

describe('db:migrate and db:status with the real migrations', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'));
    env = { DATABASE_URL_LOCAL_DEV: db.url };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('status exits 1 with pending migrations, migrate applies them, status then exits 0', async () => {
    const names = (await readMigrations()).map((m) => m.name);
    const before = await runScript('db-status', ['--json'], env);
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout)).toMatchObject({ pending: names, upToDate: false });

    const r = await runScript('db-migrate', [], env);
    expect(r.code).toBe(0);
    for (const n of names) expect(r.stderr).toContain(`✓ ${n}`);
    expect(r.stderr).toContain(`${names.length} migration`);
    expect(r.stderr).toContain('local_dev → postgres://');
    noPassword(r.stdout + r.stderr);

    const again = await runScript('db-migrate', [], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already at head');

    const after = await runScript('db-status', [], env);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`${names.length} applied, 0 pending, 0 failed`);
    expect(after.stdout).toContain('database is at head');

    const hist = await runScript('db-history', ['--json'], env);
    expect(hist.code).toBe(0);
    expect(JSON.parse(hist.stdout).map((r: { name: string; state: string }) => `${r.name}:${r.state}`)).toEqual(
      names.map((n) => `${n}:applied`),
    );
  });
});

describe('failures, resolve, stamp and rollback through the CLI', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'));
    env = { DATABASE_URL_LOCAL_DEV: db.url, WAREHOUSE_COUNTDOWN_SECONDS: '0' };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('a failing migration exits 1 naming it; the next run is blocked until db:resolve', async () => {
    const dir = migrationsDir({
      '20250101000000_ok': { up: 'create table ok (id int);', down: 'drop table ok;' },
      '20250102000000_bad': { up: 'create table half (id int);\nselect nope from half;' },
    });
    const r = await runScript('db-migrate', ['--dir', dir], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('✓ 20250101000000_ok');
    expect(r.stderr).toContain('✗ 20250102000000_bad');
    expect(r.stderr).toContain('column "nope" does not exist');
    expect(r.stderr).toContain('line 2');
    expect(await scalar(db.url, "select to_regclass('half')")).toBeNull();

    const blocked = await runScript('db-migrate', ['--dir', dir], env);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('E_MIGRATION_BLOCKED');
    expect(blocked.stderr).toContain('pnpm db:resolve --rolled-back 20250102000000_bad');

    const st = await runScript('db-status', ['--dir', dir], env);
    expect(st.code).toBe(1);
    expect(st.stdout).toContain('failed   20250102000000_bad');

    const hist = await runScript('db-history', [], env);
    expect(hist.code).toBe(0);
    expect(hist.stdout).toMatch(/20250102000000_bad\s+failed/);

    const usage = await runScript('db-resolve', [], env);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('exactly one of --rolled-back NAME or --applied NAME');

    const resolved = await runScript('db-resolve', ['--dir', dir, '--rolled-back', '20250102000000_bad'], env);
    expect(resolved.code).toBe(0);
    expect(resolved.stderr).toContain('marked rolled back 20250102000000_bad');
    writeFileSync(path.join(dir, '20250102000000_bad', 'migration.sql'), 'create table half (id int);');
    const retried = await runScript('db-migrate', ['--dir', dir], env);
    expect(retried.code).toBe(0);
    expect(retried.stderr).toContain('✓ 20250102000000_bad');

    // rollback: the newest has no down.sql → refused, exit 1, nothing changed
    const refused = await runScript('db-rollback', ['--dir', dir], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('E_MIGRATION_NO_DOWN');
    expect(refused.stderr).toContain('20250102000000_bad');
    expect(await scalar(db.url, "select to_regclass('half')::text")).toBe('half');
  });

  it('db:stamp marks migrations applied without running them; db:rollback runs down.sql', async () => {
    const other = await createTestDatabase(inject('pgAdminUrl'));
    const e = { ...env, DATABASE_URL_LOCAL_DEV: other.url };
    try {
      const dir = migrationsDir({
        '20250101000000_a': { up: 'create table a (id int);', down: 'drop table a;' },
        '20250102000000_b': { up: 'create table b (id int);', down: 'drop table b;' },
      });
      const missingTo = await runScript('db-stamp', ['--dir', dir], e);
      expect(missingTo.code).toBe(1);
      expect(missingTo.stderr).toContain('--to NAME|head is required');

      const stamped = await runScript('db-stamp', ['--dir', dir, '--to', '20250101000000_a'], e);
      expect(stamped.code).toBe(0);
      expect(stamped.stderr).toContain('stamped 20250101000000_a');
      expect(await scalar(other.url, "select to_regclass('a')")).toBeNull();

      const m = await runScript('db-migrate', ['--dir', dir, '--json'], e);
      expect(m.code).toBe(0);
      expect(JSON.parse(m.stdout)).toMatchObject({
        applied: [{ name: '20250102000000_b' }],
        skipped: ['20250101000000_a'],
      });

      const rb = await runScript('db-rollback', ['--dir', dir, '--steps', '1'], e);
      expect(rb.code).toBe(0);
      expect(rb.stderr).toContain('1 rolled back: 20250102000000_b');
      expect(await scalar(other.url, "select to_regclass('b')")).toBeNull();

      const badSteps = await runScript('db-rollback', ['--dir', dir, '--steps', 'zero'], e);
      expect(badSteps.code).toBe(1);
      expect(badSteps.stderr).toContain('--steps must be a whole number ≥ 1, got "zero"');
    } finally {
      await other.drop();
    }
  });

  it('--help exits 0 for every command', async () => {
    for (const name of ['db-migrate', 'db-status', 'db-history', 'db-stamp', 'db-resolve', 'db-rollback']) {
      const r = await runScript(name, ['--help']);
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toContain(`Usage: pnpm ${name.replace('-', ':')}`);
    }
  });
});
