import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { DEFAULT_MIGRATIONS_DIR, history, migrate, readMigrations, status } from '../src/index.ts';
import { DOMAIN_OBJECTS, RELKIND } from '@warehouse/db/schema';
import { query } from './migrator-helpers.ts';

describe('migrate with the real migration history', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('deploys from empty to head and every domain object exists with its kind', async () => {
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);
    const seen: string[] = [];
    const result = await migrate({ url: db.url, log: (e) => e.type === 'applied' && seen.push(e.name) });
    expect(result.failed).toBeUndefined();
    expect(result.applied.map((a) => a.name)).toEqual(files.map((f) => f.name));
    expect(seen).toEqual(files.map((f) => f.name));
    expect(result.pending).toEqual([]);
    const rows = await query<{ name: string; relkind: string }>(
      db.url,
      `select n.nspname || '.' || c.relname as name, c.relkind::text as relkind
         from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r','v','m')`,
    );
    const catalog = new Map(rows.map((r) => [r.name, r.relkind]));
    for (const object of DOMAIN_OBJECTS) {
      expect(catalog.get(object.name), object.name).toBe(RELKIND[object.kind]);
    }
    const st = await status({ url: db.url });
    expect(st).toMatchObject({ upToDate: true, pending: [], failed: [], edited: [], missing: [] });
  });

  it('a second deploy is a no-op', async () => {
    const before = await query(db.url, 'select id, finished_at from _prisma_migrations order by id');
    const result = await migrate({ url: db.url });
    expect(result.applied).toEqual([]);
    expect(result.failed).toBeUndefined();
    expect(result.skipped).toEqual((await readMigrations()).map((f) => f.name));
    expect(await query(db.url, 'select id, finished_at from _prisma_migrations order by id')).toEqual(before);
  });

  it("writes _prisma_migrations exactly in Prisma's format", async () => {
    const columns = await query<{
      column_name: string;
      data_type: string;
      character_maximum_length: number | null;
      is_nullable: string;
      column_default: string | null;
    }>(
      db.url,
      `select column_name, data_type, character_maximum_length, is_nullable, column_default
         from information_schema.columns where table_name = '_prisma_migrations' order by ordinal_position`,
    );
    expect(columns).toEqual([
      {
        column_name: 'id',
        data_type: 'character varying',
        character_maximum_length: 36,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'checksum',
        data_type: 'character varying',
        character_maximum_length: 64,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        character_maximum_length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        character_maximum_length: 255,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'logs',
        data_type: 'text',
        character_maximum_length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        character_maximum_length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        character_maximum_length: null,
        is_nullable: 'NO',
        column_default: 'now()',
      },
      {
        column_name: 'applied_steps_count',
        data_type: 'integer',
        character_maximum_length: null,
        is_nullable: 'NO',
        column_default: '0',
      },
    ]);
    const pk = await query<{ column_name: string }>(
      db.url,
      `select k.column_name from information_schema.table_constraints t
         join information_schema.key_column_usage k using (constraint_name, table_name)
        where t.table_name = '_prisma_migrations' and t.constraint_type = 'PRIMARY KEY'`,
    );
    expect(pk).toEqual([{ column_name: 'id' }]);

    const rows = await history({ url: db.url });
    const files = await readMigrations();
    expect(rows.map((r) => r.name)).toEqual(files.map((f) => f.name));
    for (const row of rows) {
      const bytes = readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, row.name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.appliedStepsCount).toBe(1);
      expect(row.finishedAt).toBeInstanceOf(Date);
      expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.startedAt.getTime());
      expect(row.rolledBackAt).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.state).toBe('applied');
    }
  });

  it('createMigratedTemplate builds one template at head, shared by concurrent callers', async () => {
    const admin = inject('pgAdminUrl');
    const names = await Promise.all([
      createMigratedTemplate(admin),
      createMigratedTemplate(admin),
      createMigratedTemplate(admin),
    ]);
    expect(new Set(names).size).toBe(1);
    const clone = await createTestDatabase(admin, { template: names[0] });
    try {
      const st = await status({ url: clone.url });
      expect(st.upToDate).toBe(true);
      expect(st.applied).toEqual((await readMigrations()).map((f) => f.name));
      for (const object of DOMAIN_OBJECTS) {
        const [r] = await query<{ r: string | null }>(clone.url, 'select to_regclass($1)::text as r', [object.name]);
        expect(r!.r, object.name).not.toBeNull();
      }
    } finally {
      await clone.drop();
    }
  });
});
