import { afterEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { history, migrate, rollback, stamp, status } from '../src/index.ts';
import { DbError } from '@warehouse/db';
import { migrationsDir, relationExists } from './migrator-helpers.ts';

const dbs: TestDatabase[] = [];
async function freshDb(): Promise<TestDatabase> {
  const db = await createTestDatabase(inject('pgAdminUrl'));
  dbs.push(db);
  return db;
}
afterEach(async () => {
  while (dbs.length) await dbs.pop()!.drop();
});

const three = () =>
  migrationsDir({
    '20250101000000_a': { up: 'create table a (id int);', down: 'drop table a;' },
    '20250102000000_b': { up: 'create table b (id int);', down: 'drop table b;' },
    '20250103000000_c': { up: 'create table c (id int);', down: 'drop table c;' },
  });

describe('stamp', () => {
  it('marks migrations up to NAME applied without running them; deploy then applies only later ones', async () => {
    const db = await freshDb();
    const dir = three();
    const r = await stamp({ url: db.url, dir, to: '20250102000000_b' });
    expect(r).toEqual({ stamped: ['20250101000000_a', '20250102000000_b'], skipped: [] });
    expect(await relationExists(db.url, 'a')).toBe(false);
    const rows = await history({ url: db.url });
    for (const row of rows) {
      expect(row).toMatchObject({ state: 'applied', appliedStepsCount: 0, stamped: true });
      expect(row.startedAt.getTime()).toBe(row.finishedAt!.getTime());
    }
    const deployed = await migrate({ url: db.url, dir });
    expect(deployed.applied.map((x) => x.name)).toEqual(['20250103000000_c']);
    expect(deployed.skipped).toEqual(['20250101000000_a', '20250102000000_b']);
    expect(await relationExists(db.url, 'a')).toBe(false);
    expect(await relationExists(db.url, 'c')).toBe(true);
  });

  it('head stamps everything, and an unknown name is refused with the fix', async () => {
    const db = await freshDb();
    const dir = three();
    const err = await stamp({ url: db.url, dir, to: '20250109000000_zzz' }).catch((e) => e);
    expect(err).toBeInstanceOf(DbError);
    expect(err.code).toBe('E_BAD_ARGUMENT');
    expect(err.message).toContain('20250109000000_zzz');
    expect((await stamp({ url: db.url, dir, to: 'head' })).stamped).toHaveLength(3);
    expect((await status({ url: db.url, dir })).upToDate).toBe(true);
    expect((await stamp({ url: db.url, dir, to: 'head' })).skipped).toHaveLength(3);
  });
});

describe('rollback', () => {
  it('runs down.sql of the newest migrations and makes them pending again', async () => {
    const db = await freshDb();
    const dir = three();
    await migrate({ url: db.url, dir });
    const one = await rollback({ url: db.url, dir });
    expect(one.rolledBack.map((x) => x.name)).toEqual(['20250103000000_c']);
    expect(await relationExists(db.url, 'c')).toBe(false);
    expect((await status({ url: db.url, dir })).pending).toEqual(['20250103000000_c']);
    const two = await rollback({ url: db.url, dir, steps: 2 });
    expect(two.rolledBack.map((x) => x.name)).toEqual(['20250102000000_b', '20250101000000_a']);
    expect(await history({ url: db.url })).toEqual([]);
    expect((await migrate({ url: db.url, dir })).applied).toHaveLength(3);
  });

  it('refuses naming the migration without down.sql, and changes nothing', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_a': { up: 'create table a (id int);' },
      '20250102000000_b': { up: 'create table b (id int);', down: 'drop table b;' },
    });
    await migrate({ url: db.url, dir });
    const err = await rollback({ url: db.url, dir, steps: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(DbError);
    expect(err.code).toBe('E_MIGRATION_NO_DOWN');
    expect(err.message).toContain('20250101000000_a');
    expect(err.message).not.toContain('20250102000000_b has no');
    expect(await relationExists(db.url, 'b')).toBe(true);
    expect((await history({ url: db.url })).length).toBe(2);
  });

  it('a failing down.sql is rolled back with its record kept', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_a': { up: 'create table a (id int);', down: 'drop table a; drop table nope;' },
    });
    await migrate({ url: db.url, dir });
    const r = await rollback({ url: db.url, dir });
    expect(r.failed?.name).toBe('20250101000000_a');
    expect(r.failed?.error.message).toContain('table "nope" does not exist');
    expect(await relationExists(db.url, 'a')).toBe(true);
    expect((await status({ url: db.url, dir })).applied).toEqual(['20250101000000_a']);
  });
});
