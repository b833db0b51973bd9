// The runner records the views and MVs each migration creates (log.migration_rebuild), in the
// migration's transaction, from the run that creates the table on.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { DEFAULT_MIGRATIONS_DIR, migrate } from '../src/index.ts';
import { migrationsDir, query } from './migrator-helpers.ts';

const dbs: TestDatabase[] = [];
afterEach(async () => {
  while (dbs.length) await dbs.pop()!.drop();
});

const createTable = readFileSync(
  path.join(DEFAULT_MIGRATIONS_DIR, '20261130134424_create_migration_rebuild', 'migration.sql'),
  'utf8',
);

describe('log.migration_rebuild', () => {
  it('records views and MVs (with or without data) from the migration that creates the table on, in the same run', async () => {
    const db = await createTestDatabase(inject('pgAdminUrl'));
    dbs.push(db);
    const dir = migrationsDir({
      '20250101000000_base': 'create schema log;\ncreate table t (id int);\ncreate view v0 as select id from t;\n',
      '20250102000000_rebuild_log': createTable,
      '20250103000000_views': [
        'create or replace view public.v1 as select id from t;',
        'create materialized view "public"."m1" as select id from v1 with no data;',
        'create materialized view m2 as select count(*) as n from t;',
        'create view gone as select 1 as x;\ndrop view gone;',
        "do $$ begin execute 'create view hidden as select 1'; end $$;",
      ].join('\n'),
      '20250104000000_no_transaction': '-- migrate:no-transaction\ncreate view v2 as select id from t;\n',
      '20250105000000_failing': 'create view v3 as select id from t;\nselect * from nope;\n',
    });
    const r = await migrate({ url: db.url, dir });
    expect(r.failed?.name).toBe('20250105000000_failing');
    const rows = await query(
      db.url,
      `select migration_name, relation, kind, with_data from log.migration_rebuild order by id`,
    );
    // Nothing before the table existed (v0); a relation dropped again in the file, or made by
    // dynamic SQL, is not seen; the failed migration rolled its record back with it.
    expect(rows).toEqual([
      { migration_name: '20250103000000_views', relation: 'public.v1', kind: 'view', with_data: null },
      { migration_name: '20250103000000_views', relation: 'public.m1', kind: 'mv', with_data: false },
      { migration_name: '20250103000000_views', relation: 'public.m2', kind: 'mv', with_data: true },
      { migration_name: '20250104000000_no_transaction', relation: 'public.v2', kind: 'view', with_data: null },
    ]);
  });
});
