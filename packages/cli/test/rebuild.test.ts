// pnpm db:rebuild: backup (protected), reset, snapshot, stamp, roles, populate, verify in one guarded run.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '@warehouse/db';
import { status } from '@warehouse/migrate';
import { createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { SNAPSHOT_FILE } from '../src/ops/baseline.ts';
import { runScript, writeRegistry } from './run-script.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'rebuild-test-'));
const registry = writeRegistry('rebuild-registry-', { local_db: {}, vm_prod: { protected: true, remote: true } });
const base = {
  WAREHOUSE_ENV_FILE: registry,
  WAREHOUSE_COUNTDOWN_SECONDS: '0',
  WAREHOUSE_BACKUP_DIR: path.join(tmp, 'backups'),
};
const dbs: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
});

async function dirtyDatabase(prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase(inject('pgAdminUrl'), { prefix });
  dbs.push(db);
  await withClient(db.url, (c) =>
    c.query('create schema ref; create table ref.someones_table (id int); insert into ref.someones_table values (1)'),
  );
  return db;
}

const scalar = (url: string, sql: string) =>
  withClient(url, async (c) => (await c.query(sql)).rows[0] as Record<string, unknown>);
const scratchLeft = () =>
  withClient(
    inject('pgAdminUrl'),
    async (c) =>
      (await c.query("select count(*)::int as n from pg_database where datname like 'rebuild_head_%'")).rows[0]
        .n as number,
  );

describe('pnpm db:rebuild', { timeout: 300_000 }, () => {
  it('--help lists the steps (exit 0); an unknown flag or method is a usage error (exit 1)', async () => {
    const help = await runScript('db-rebuild', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pnpm db:rebuild');
    expect(help.stdout).toMatch(
      /backup[\s\S]*reset[\s\S]*snapshot[\s\S]*stamp[\s\S]*roles[\s\S]*populate[\s\S]*verify/,
    );
    expect((await runScript('db-rebuild', ['--nope'])).code).toBe(1);
    const method = await runScript('db-rebuild', ['--env', 'local_db', '--method', 'nuke'], base);
    expect(method.code).toBe(1);
    expect(method.stderr).toContain('--method "nuke" is not one of volume, db, embedded');
  });

  it('rebuilds a local env from the snapshot: every step runs, app_readonly reads, MVs populated, verify passes', async () => {
    const db = await dirtyDatabase('rebuild_local');
    const r = await runScript('db-rebuild', ['--env', 'local_db', '--json'], {
      ...base,
      DATABASE_URL_LOCAL_DB: db.url,
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ env: 'local_db', method: 'db', ok: true, diff: '' });
    expect(out.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['backup', 'skipped'],
      ['reset', 'success'],
      ['snapshot', 'success'],
      ['stamp', 'success'],
      ['roles', 'success'],
      ['populate', 'success'],
      ['verify', 'success'],
    ]);
    expect(await scalar(db.url, "select to_regclass('ref.someones_table')::text as t")).toEqual({ t: null });
    const st = await status({ url: db.url });
    expect(st.upToDate).toBe(true);
    expect(st.pending).toEqual([]);
    expect(
      await scalar(db.url, "select count(*)::int as n from pg_class where relkind = 'm' and not relispopulated"),
    ).toEqual({ n: 0 });
    // The roles step: app_readonly can read the catalog's views (the step people forgot).
    const asReadonly = await withClient(db.url, async (c) => {
      await c.query('begin; set local role app_readonly');
      const n = (await c.query('select count(*)::int as n from ref.v_calendar_classified')).rows[0].n as number;
      await c.query('rollback');
      return n;
    });
    expect(asReadonly).toBe(0);
    expect(await scratchLeft()).toBe(0);
  });

  it('a snapshot that is not head fails verify with the diff; the steps before it ran, exit 1', async () => {
    const db = await dirtyDatabase('rebuild_stale');
    const file = path.join(tmp, 'stale.sql');
    writeFileSync(
      file,
      readFileSync(SNAPSHOT_FILE, 'utf8').replace(
        '-- PostgreSQL database dump complete',
        'CREATE TABLE ref.extra_by_hand (id integer);\n\n--\n-- PostgreSQL database dump complete',
      ),
    );
    const r = await runScript('db-rebuild', ['--env', 'local_db', '--file', file], {
      ...base,
      DATABASE_URL_LOCAL_DB: db.url,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('+CREATE TABLE ref.extra_by_hand (');
    expect(r.stderr).toMatch(/✗ verify\s+failed/);
    expect(r.stderr).toContain(
      'rebuild of local_db failed at verify: the rebuilt local_db differs from a fresh migrate of head',
    );
    expect(r.stderr).toMatch(/✓ populate/);
    expect(await scratchLeft()).toBe(0);
  });

  it('a protected env is refused with exit 2 and left as it was; forced and confirmed once, it is backed up, rebuilt and marked', async () => {
    const db = await dirtyDatabase('rebuild_prod');
    const env = { ...base, DATABASE_URL_VM_PROD: db.url };
    const refused = await runScript('db-rebuild', ['--env', 'vm_prod'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(await scalar(db.url, 'select count(*)::int as n from ref.someones_table')).toEqual({ n: 1 });

    const done = await runScript('db-rebuild', ['--env', 'vm_prod', '--force', '--confirm', 'vm_prod', '--json'], env);
    expect(done.code, done.stderr).toBe(0);
    const out = JSON.parse(done.stdout);
    const backup = out.steps.find((s: { name: string }) => s.name === 'backup');
    expect(backup.status).toBe('success');
    expect(existsSync(backup.detail)).toBe(true);
    expect(readdirSync(path.join(tmp, 'backups', 'vm_prod')).length).toBe(1);
    expect(out.steps.every((s: { status: string }) => s.status === 'success')).toBe(true);
    expect(out.steps.find((s: { name: string }) => s.name === 'roles').detail).toContain(
      'protected environment vm_prod',
    );
    expect(await scalar(db.url, 'select env from toolkit.protection')).toEqual({ env: 'vm_prod' });
    expect(await scalar(db.url, "select to_regclass('ref.someones_table')::text as t")).toEqual({ t: null });
  });
});
