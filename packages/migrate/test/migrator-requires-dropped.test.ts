// The `-- requires:` failure whose creator IS applied: the object was dropped by hand after the
// migration that creates it ran. The run must stop naming the object, the applied creator and the
// fix, record nothing, and go through once the object is back — for a transactional file (the
// regclass cast in the file's own message) and a no-transaction file (to_regclass asked first).
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { DEFAULT_MIGRATIONS_DIR, history, migrate, readMigrations } from '../src/index.ts';
import { DbError } from '@warehouse/db';
import { addMigration, migrationsDir, query, relationExists } from './migrator-helpers.ts';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dbs: TestDatabase[] = [];
afterEach(async () => {
  while (dbs.length) await dbs.pop()!.drop();
});

const DROPPED =
  /mart\.mv_daily does not exist although migration 20250102000000_create_mv, which creates it, is applied \(was it dropped by hand or by a later migration\?\); recreate it, or `pnpm db:rollback` and reapply 20250102000000_create_mv/;

describe('requires header after an object was dropped by hand', () => {
  for (const mode of ['transactional', 'no-transaction'] as const) {
    it(`${mode}: names the applied creator and the fix, records nothing, passes once the object is back`, async () => {
      const db = await createTestDatabase(inject('pgAdminUrl'));
      dbs.push(db);
      const createMv = 'CREATE MATERIALIZED VIEW mart.mv_daily AS SELECT 1 AS ddate;';
      const dir = migrationsDir({
        '20250101000000_schema': 'create schema mart;',
        '20250102000000_create_mv': createMv,
      });
      expect((await migrate({ url: db.url, dir })).failed).toBeUndefined();

      await query(db.url, 'drop materialized view mart.mv_daily');
      const header = mode === 'no-transaction' ? '-- migrate:no-transaction\n' : '';
      addMigration(
        dir,
        '20250103000000_use_mv',
        `${header}-- requires: mart.mv_daily\ncreate view mart.v_use as select * from mart.mv_daily;`,
      );
      const r = await migrate({ url: db.url, dir });
      expect(r.applied).toEqual([]);
      expect(r.failed?.name).toBe('20250103000000_use_mv');
      expect(r.failed?.error).toBeInstanceOf(DbError);
      expect(r.failed?.error).toMatchObject({ code: 'E_MIGRATION_REQUIRES' });
      expect(r.failed!.error.message).toContain('migration 20250103000000_use_mv requires mart.mv_daily');
      expect(r.failed!.error.message).toMatch(DROPPED);
      expect(await relationExists(db.url, 'mart.v_use')).toBe(false);
      // Nothing recorded: the next run is not blocked by a failed row.
      expect((await history({ url: db.url })).map((h) => [h.name, h.state])).toEqual([
        ['20250101000000_schema', 'applied'],
        ['20250102000000_create_mv', 'applied'],
      ]);

      // The message's first fix: recreate the object; the same migration then applies.
      await query(db.url, createMv);
      const again = await migrate({ url: db.url, dir });
      expect(again.failed).toBeUndefined();
      expect(again.applied.map((a) => a.name)).toEqual(['20250103000000_use_mv']);
      expect(await relationExists(db.url, 'mart.v_use')).toBe(true);
    });
  }

  it('on the real history: mart.v_receive_weekly dropped by hand names its applied creator', async () => {
    const adminUrl = inject('pgAdminUrl');
    const db = await createTestDatabase(adminUrl, { template: await createMigratedTemplate(adminUrl) });
    dbs.push(db);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-real-'));
    cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    // The first migration that creates it (later ones drop and recreate it).
    const creator = '20251202000000_ref_views';
    expect((await readMigrations(dir)).find((f) => f.name === creator)?.sql).toContain(
      'CREATE VIEW mart.v_receive_weekly AS',
    );
    await query(db.url, 'drop view mart.v_receive_weekly');
    addMigration(dir, '29991231235959_reads_weekly', '-- requires: mart.v_receive_weekly\nselect 1;');
    const r = await migrate({ url: db.url, dir });
    expect(r.failed?.error).toMatchObject({ code: 'E_MIGRATION_REQUIRES' });
    expect(r.failed!.error.message).toContain(
      `mart.v_receive_weekly does not exist although migration ${creator}, which creates it, is applied (was it dropped by hand`,
    );
    expect((await history({ url: db.url })).some((h) => h.name === '29991231235959_reads_weekly')).toBe(false);
  });
});
