import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { history, migrate, MIGRATION_LOCK_ID, type MigratorEvent } from '../src/index.ts';
import { DbError } from '@warehouse/db';
import { migrationsDir, query } from './migrator-helpers.ts';

describe('concurrent deployers', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('apply each migration exactly once; the second waits for the lock', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 5; i++) {
      // a counter table proves each file ran once; pg_sleep widens the window for a double apply
      files[`2025010100000${i}_m${i}`] =
        `create table if not exists runs (name text); insert into runs values ('m${i}'); select pg_sleep(0.1);`;
    }
    const dir = migrationsDir(files);
    const events: MigratorEvent[][] = [[], []];
    // Hold the lock first, so both deployers are seen waiting whatever the scheduling.
    const holder = new pg.Client({ connectionString: db.url, application_name: 'first-deployer' });
    await holder.connect();
    await holder.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_ID]);
    const runs = [0, 1].map((i) =>
      migrate({ url: db.url, dir, log: (e) => events[i]!.push(e), applicationName: `deployer-${i}` }),
    );
    while (!events.every((list) => list.some((e) => e.type === 'waiting-for-lock')))
      await new Promise((r) => setTimeout(r, 10));
    for (const list of events) {
      const wait = list.find((e) => e.type === 'waiting-for-lock');
      expect(wait!.type === 'waiting-for-lock' && wait!.message).toContain('first-deployer');
    }
    await holder.end();
    const [a, b] = await Promise.all(runs);
    expect(a!.failed).toBeUndefined();
    expect(b!.failed).toBeUndefined();
    const applied = [...a!.applied, ...b!.applied].map((x) => x.name).sort();
    expect(applied).toEqual(Object.keys(files).sort());
    // whoever took the lock did all the work; the other then found everything applied
    expect([a!.applied.length, b!.applied.length].sort()).toEqual([0, 5]);
    expect([...a!.skipped, ...b!.skipped]).toHaveLength(5);
    expect(await query(db.url, 'select name, count(*)::int as n from runs group by name order by name')).toEqual(
      [1, 2, 3, 4, 5].map((i) => ({ name: `m${i}`, n: 1 })),
    );
    expect((await history({ url: db.url })).length).toBe(5);
  });

  it('gives up after lockTimeoutMs with E_LOCK_TIMEOUT naming the holder', async () => {
    const holder = new pg.Client({ connectionString: db.url, application_name: 'stuck-deployer' });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_ID]);
      const pid = (await holder.query('select pg_backend_pid() as pid')).rows[0].pid;
      const dir = migrationsDir({ '20250201000000_x': 'create table x (id int);' });
      const err = await migrate({ url: db.url, dir, lockTimeoutMs: 300 }).catch((e) => e);
      expect(err).toBeInstanceOf(DbError);
      expect(err.code).toBe('E_LOCK_TIMEOUT');
      expect(err.message).toContain(`pid ${pid}`);
      expect(err.message).toContain('stuck-deployer');
      expect(err.message).toContain('300 ms');
      expect(await query(db.url, "select to_regclass('x') as r")).toEqual([{ r: null }]);
      // released by the holder: the same call now succeeds, and releases the lock itself
      await holder.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_ID]);
      const ok = await migrate({ url: db.url, dir, lockTimeoutMs: 300 });
      expect(ok.applied.map((x) => x.name)).toEqual(['20250201000000_x']);
      expect(
        (await holder.query('select pg_try_advisory_lock($1::bigint) as ok', [MIGRATION_LOCK_ID])).rows[0].ok,
      ).toBe(true);
    } finally {
      await holder.end();
    }
  });
});
