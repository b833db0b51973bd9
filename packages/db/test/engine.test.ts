import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { migrate } from '../src/migrator/index.ts';
import { checkSchema, diffMigrationsToSchema, isNativeEngine, loadMigrationList, newMigration, nextTimestamp, openSchemaEngine } from '../src/engine/index.ts';
import { addFieldToModel, copyPrismaDir, countDatabases, packageDir } from './helpers/prisma-copy.ts';

const adminUrl = inject('pgAdminUrl');
/** A prefix of our own, so parallel test files never make our counts wrong. */
const prefix = `shadow_${randomBytes(3).toString('hex')}_`;
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase(adminUrl);
});
afterAll(async () => {
  await db?.drop();
});

describe('schema.prisma ↔ migrations through the WASM engine', () => {
  it('the real migrations produce exactly the tables of the real schema.prisma', async () => {
    const result = await checkSchema({ url: db.url, shadowDatabasePrefix: prefix });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(await countDatabases(adminUrl, prefix)).toBe(0);
  });

  it('a model gains a column: check fails with the ALTER TABLE, migrate:new writes it, check passes', async () => {
    const copy = copyPrismaDir();
    addFieldToModel(copy.schema, 'MonthlyTarget', 'note String?');
    const opts = { url: db.url, dir: copy.dir, schema: copy.schema, shadowDatabasePrefix: prefix };

    const before = await checkSchema(opts);
    expect(before.ok).toBe(false);
    expect(before.problems.map((p) => p.kind)).toEqual(['schema-drift']);
    expect(before.problems[0]!.sql).toMatch(/ALTER TABLE "kpi"\."monthly_targets" ADD COLUMN\s+"note" TEXT;/);

    const created = await newMigration({ ...opts, name: 'Add note to monthly targets', now: new Date('2030-01-02T03:04:05Z') });
    expect(created.created).toBe('20300102030405_add_note_to_monthly_targets');
    const sql = readFileSync(path.join(copy.dir, created.created!, 'migration.sql'), 'utf8');
    expect(sql).toMatch(/^-- AlterTable\nALTER TABLE "kpi"\."monthly_targets" ADD COLUMN\s+"note" TEXT;\n$/);

    const after = await checkSchema(opts);
    expect(after.problems).toEqual([]);
    expect(after.ok).toBe(true);

    const again = await newMigration({ ...opts, name: 'nothing' });
    expect(again.created).toBeNull();
    expect(readdirSync(copy.dir).filter((f) => f.endsWith('_nothing'))).toEqual([]);
    expect(await countDatabases(adminUrl, prefix)).toBe(0);
  });

  it('--empty writes an empty migration for hand-written SQL even when nothing changed', async () => {
    const copy = copyPrismaDir();
    const r = await newMigration({ url: db.url, dir: copy.dir, schema: copy.schema, name: 'create_mv_yard_daily', empty: true, shadowDatabasePrefix: prefix });
    expect(r.created).toMatch(/^\d{14}_create_mv_yard_daily$/);
    expect(readFileSync(r.path!, 'utf8')).not.toMatch(/^\s*[^-\s]/m); // comments only
  });

  it('drops the shadow database when a migration fails to replay', async () => {
    const copy = copyPrismaDir();
    mkdirSync(path.join(copy.dir, '20991231000000_broken'));
    writeFileSync(path.join(copy.dir, '20991231000000_broken', 'migration.sql'), 'CREATE TABLE ref.broken_ok (id int);\nSELECT * FROM ref.no_such_table;\n');
    const error = await diffMigrationsToSchema({ url: db.url, dir: copy.dir, schema: copy.schema, shadowDatabasePrefix: prefix }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/20991231000000_broken/);
    expect((error as Error).message).toMatch(/no_such_table/);
    expect(await countDatabases(adminUrl, prefix)).toBe(0);
  });

  it('refuses a folder without migration.sql and two migrations sharing a timestamp', async () => {
    const copy = copyPrismaDir();
    mkdirSync(path.join(copy.dir, '20991231000000_forgot_the_file'));
    mkdirSync(path.join(copy.dir, '20991231000001_one'));
    writeFileSync(path.join(copy.dir, '20991231000001_one', 'migration.sql'), 'SELECT 1;\n');
    mkdirSync(path.join(copy.dir, '20991231000001_two'));
    writeFileSync(path.join(copy.dir, '20991231000001_two', 'migration.sql'), 'SELECT 2;\n');
    const result = await checkSchema({ url: db.url, dir: copy.dir, schema: copy.schema, shadowDatabasePrefix: prefix });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.kind).sort()).toEqual(['duplicate-timestamp', 'missing-migration-sql']);
    expect(result.problems.find((p) => p.kind === 'duplicate-timestamp')!.message).toContain('20991231000001_one, 20991231000001_two');
    await expect(newMigration({ url: db.url, dir: copy.dir, schema: copy.schema, name: 'x', empty: true })).rejects.toThrow(/has no migration\.sql/);
  });

  it('reports an applied migration that was edited since (checksum in _prisma_migrations)', async () => {
    const copy = copyPrismaDir();
    const target = await createTestDatabase(adminUrl);
    try {
      const run = await migrate({ url: target.url, dir: copy.dir });
      expect(run.failed).toBeUndefined();
      const first = readdirSync(copy.dir).filter((f) => /^\d{14}_/.test(f)).sort()[1]!;
      const file = path.join(copy.dir, first, 'migration.sql');
      writeFileSync(file, readFileSync(file, 'utf8') + '\n-- edited after it was applied\n');
      const result = await checkSchema({ url: db.url, dir: copy.dir, schema: copy.schema, appliedUrl: target.url, shadowDatabasePrefix: prefix });
      expect(result.problems.map((p) => [p.kind, p.message.split(' ')[1]])).toEqual([['edited-migration', first]]);
    } finally {
      await target.drop();
    }
  });

  it('new folders never share or precede the newest timestamp, even with a clock behind', () => {
    expect(nextTimestamp(['20300101000000_a'], new Date('2029-01-01T00:00:00Z'))).toBe('20300101000001');
    expect(nextTimestamp(['20300101000059_a'], new Date('2030-01-01T00:00:59Z'))).toBe('20300101000100');
    expect(nextTimestamp(['20200101000000_a'], new Date('2030-01-01T00:00:00Z'))).toBe('20300101000000');
  });
});

describe('adapter fixes (each test fails with the stock @prisma/adapter-pg 7.10)', () => {
  it('applyMigrations runs a migration as one script: a failure leaves nothing half-applied, $$ bodies survive', async () => {
    const copy = copyPrismaDir();
    rmSync(copy.dir, { recursive: true });
    mkdirSync(path.join(copy.dir, '20300101000000_fn'), { recursive: true });
    writeFileSync(path.join(copy.dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    writeFileSync(
      path.join(copy.dir, '20300101000000_fn', 'migration.sql'),
      `CREATE FUNCTION public.two() RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; RETURN 2; END $$;\n`,
    );
    mkdirSync(path.join(copy.dir, '20300101000001_half'));
    writeFileSync(path.join(copy.dir, '20300101000001_half', 'migration.sql'), 'CREATE TABLE public.half_done (id int);\nSELECT * FROM public.no_such_table;\n');
    const target = await createTestDatabase(adminUrl);
    const engine = await openSchemaEngine({ url: target.url, engine: 'wasm' });
    try {
      const error = await engine.applyMigrations({ migrationsList: await loadMigrationList(copy.dir), filters: { externalTables: [], externalEnums: [] } }).catch((e: Error) => e);
      expect(String((error as Error).message)).toMatch(/no_such_table/);
    } finally {
      await engine.close();
    }
    await withClient(target.url, async (c) => {
      expect((await c.query('select public.two() as v')).rows[0].v).toBe(2);
      expect((await c.query(`select to_regclass('public.half_done')::text as t`)).rows[0].t).toBeNull();
    });
    await target.drop(); // fails while the engine's pool (holding the advisory lock) is still open
  });

  it('recognises only a real native engine in PRISMA_SCHEMA_ENGINE_BINARY', () => {
    expect(isNativeEngine(path.join(packageDir, 'bin', 'schema-engine'))).toBe(false);
    expect(isNativeEngine(process.execPath)).toBe(false);
    expect(isNativeEngine('/nonexistent/schema-engine')).toBe(false);
    expect(existsSync(path.join(packageDir, 'bin', 'schema-engine'))).toBe(true);
  });
});
