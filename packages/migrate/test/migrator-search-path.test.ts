import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { migrate, status } from '../src/index.ts';
import { migrationsDir, query } from './migrator-helpers.ts';

// pg_dump output starts with `SELECT pg_catalog.set_config('search_path', '', false)`: session-level,
// so refused in a migration (it would empty search_path for every migration after it). Made local
// (`true`, as db:baseline writes it), the migration's row is written in the same transaction, so the
// bookkeeping must not depend on search_path.
describe('a migration that empties search_path', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('is refused when it does so for the session, as pg_dump writes it; nothing runs', async () => {
    const dir = migrationsDir({
      '20250101000000_dump_like':
        "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.a (id int);",
    });
    const err = await migrate({ url: db.url, dir }).catch((e) => e);
    expect(err.code).toBe('E_MIGRATION_SESSION_STATE');
    expect(err.message).toContain("20250101000000_dump_like/migration.sql line 1: set_config('search_path'");
    expect(err.message).toContain('set_config(…, true)');
    expect(await status({ url: db.url, dir })).toMatchObject({ applied: [], pending: ['20250101000000_dump_like'] });
  });

  it('is recorded in public._prisma_migrations and later migrations still run', async () => {
    const dir = migrationsDir({
      '20250101000000_dump_like':
        "SELECT pg_catalog.set_config('search_path', '', true);\nCREATE TABLE public.a (id int);",
      '20250102000000_next': 'CREATE TABLE public.b (id int);',
    });
    const result = await migrate({ url: db.url, dir });
    expect(result.failed).toBeUndefined();
    expect(result.applied.map((a) => a.name)).toEqual(['20250101000000_dump_like', '20250102000000_next']);
    const rows = await query<{ migration_name: string }>(
      db.url,
      'select migration_name from public._prisma_migrations order by migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(['20250101000000_dump_like', '20250102000000_next']);
    expect(await status({ url: db.url, dir })).toMatchObject({ upToDate: true, pending: [] });
  });
});
