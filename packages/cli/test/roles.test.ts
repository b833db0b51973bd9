import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '@warehouse/db';
import { createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { bootstrapRoles, readonlyPrivileges } from '../src/ops/roles.ts';
import { runScript } from './run-script.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(inject('pgAdminUrl'), { prefix: 'roles' });
  await withClient(db.url, (c) =>
    c.query(`
      create schema stg; create schema mart;
      create table stg.shogun_final_receive (id int, slip_date date);
      insert into stg.shogun_final_receive values (1, '2025-01-01');
      create view mart.v_probe as select id from stg.shogun_final_receive;
      create materialized view mart.mv_probe as select count(*) as n from stg.shogun_final_receive;
      create schema ref;
      create table ref.calendar (ddate date); insert into ref.calendar values ('2026-01-05');
      create view ref.v_calendar_classified as select ddate::text from ref.calendar;
      create table public.not_granted (id int);
    `),
  );
});
afterAll(async () => {
  await db?.drop();
});

/** Run `sql` as app_readonly (SET ROLE inside a transaction that is rolled back). */
async function asReadonly(sql: string): Promise<{ rows?: unknown[]; error?: string }> {
  return withClient(db.url, async (c) => {
    await c.query('begin');
    try {
      await c.query('set local role app_readonly');
      return { rows: (await c.query(sql)).rows };
    } catch (e) {
      return { error: (e as { code?: string }).code };
    } finally {
      await c.query('rollback');
    }
  });
}

describe('db:bootstrap-roles', () => {
  it('creates app_readonly that can SELECT mart/stg/ref tables, views and MVs and cannot write', async () => {
    const r = await runScript('db-bootstrap-roles', ['--env', 'local_dev', '--json'], {
      DATABASE_URL_LOCAL_DEV: db.url,
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.schemas).toEqual([
      { schema: 'mart', status: 'granted' },
      { schema: 'stg', status: 'granted' },
      { schema: 'ref', status: 'granted' },
    ]);

    expect(await asReadonly('select id from stg.shogun_final_receive')).toEqual({ rows: [{ id: 1 }] });
    expect(await asReadonly('select id from mart.v_probe')).toEqual({ rows: [{ id: 1 }] });
    expect(await asReadonly('select n from mart.mv_probe')).toEqual({ rows: [{ n: '1' }] });
    expect(await asReadonly('select ddate from ref.v_calendar_classified')).toEqual({
      rows: [{ ddate: '2026-01-05' }],
    });
    expect(await asReadonly('delete from ref.calendar')).toEqual({ error: '42501' });
    // 42501 = insufficient_privilege
    expect(await asReadonly("insert into stg.shogun_final_receive values (2, '2025-01-02')")).toEqual({
      error: '42501',
    });
    expect(await asReadonly('delete from stg.shogun_final_receive')).toEqual({ error: '42501' });
    expect(await asReadonly('create table mart.x (id int)')).toEqual({ error: '42501' });
    expect(await asReadonly('select * from public.not_granted')).toEqual({ error: '42501' });
    const login = await withClient(
      db.url,
      async (c) =>
        (await c.query("select rolcanlogin from pg_roles where rolname = 'app_readonly'")).rows[0].rolcanlogin,
    );
    expect(login).toBe(false);
  });

  it('covers objects created later (default privileges)', async () => {
    await withClient(db.url, (c) =>
      c.query('create table stg.created_later (id int); insert into stg.created_later values (7)'),
    );
    expect(await asReadonly('select id from stg.created_later')).toEqual({ rows: [{ id: 7 }] });
  });

  it('is idempotent: a second run changes no privilege', async () => {
    const before = await readonlyPrivileges(db.url);
    expect(before.some((p) => p.startsWith('default '))).toBe(true);
    const second = await bootstrapRoles(db.url);
    expect(second.created).toBe(false);
    expect(await readonlyPrivileges(db.url)).toEqual(before);
    const third = await runScript('db-bootstrap-roles', ['--env', 'local_dev'], { DATABASE_URL_LOCAL_DEV: db.url });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain('role exists: app_readonly');
    expect(await readonlyPrivileges(db.url)).toEqual(before);
  });
});
