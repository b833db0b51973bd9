// Prisma's own schema engine (WASM) reads what this runner writes, and vice versa.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.ts';
import { history, migrate, stamp, status } from '../src/index.ts';
import { openSchemaEngine, loadMigrationList } from '../src/engine/index.ts';
import { addMigration, migrationsDir } from './migrator-helpers.ts';

const dbs: TestDatabase[] = [];
afterEach(async () => {
  while (dbs.length) await dbs.pop()!.drop();
});
async function freshDb() {
  const db = await createTestDatabase(inject('pgAdminUrl'));
  dbs.push(db);
  return db;
}

async function withEngine<T>(
  url: string,
  fn: (engine: Awaited<ReturnType<typeof openSchemaEngine>>) => Promise<T>,
): Promise<T> {
  const engine = await openSchemaEngine({ url, engine: 'wasm' });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

const filters = { externalTables: [], externalEnums: [] };

describe("agreement with Prisma's schema engine", () => {
  it("Prisma sees the runner's applied, stamped and pending migrations as the runner does, and applies only the rest", async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_a': 'create table a (id int);',
      '20250102000000_b': 'create table b (id int);',
    });
    await stamp({ url: db.url, dir, to: '20250101000000_a' });
    await migrate({ url: db.url, dir });
    addMigration(dir, '20250103000000_c', 'create table c (id int);');

    await withEngine(db.url, async (engine) => {
      const diag = await engine.diagnoseMigrationHistory({
        migrationsList: await loadMigrationList(dir),
        optInToShadowDatabase: false,
        filters,
      });
      expect(diag).toMatchObject({
        hasMigrationsTable: true,
        failedMigrationNames: [],
        editedMigrationNames: [],
        history: { diagnostic: 'databaseIsBehind', unappliedMigrationNames: ['20250103000000_c'] },
      });
      const applied = await engine.applyMigrations({ migrationsList: await loadMigrationList(dir), filters });
      expect(applied.appliedMigrationNames).toEqual(['20250103000000_c']);
    });

    // the row Prisma wrote has the shape of the runner's rows
    const rows = await history({ url: db.url });
    expect(rows.map((r) => [r.name, r.appliedStepsCount, r.state])).toEqual([
      ['20250101000000_a', 0, 'applied'],
      ['20250102000000_b', 1, 'applied'],
      ['20250103000000_c', 1, 'applied'],
    ]);
    expect(await status({ url: db.url, dir })).toMatchObject({ upToDate: true, edited: [] });
  });

  it('Prisma sees a failure recorded by the runner as failed, and an edited file as edited', async () => {
    const db = await freshDb();
    const dir = migrationsDir({
      '20250101000000_a': 'create table a (id int);',
      '20250102000000_bad': 'select * from nope;',
    });
    expect((await migrate({ url: db.url, dir })).failed?.name).toBe('20250102000000_bad');
    addMigration(dir, '20250101000000_a', 'create table a (id int, edited int);');
    await withEngine(db.url, async (engine) => {
      const diag = await engine.diagnoseMigrationHistory({
        migrationsList: await loadMigrationList(dir),
        optInToShadowDatabase: false,
        filters,
      });
      expect(diag.failedMigrationNames).toEqual(['20250102000000_bad']);
      expect(diag.editedMigrationNames).toEqual(['20250101000000_a']);
    });
  });

  it('the runner reads migrations Prisma applied as applied and unchanged', async () => {
    const db = await freshDb();
    const dir = migrationsDir({ '20250101000000_a': 'create table a (id int);' });
    await withEngine(db.url, async (engine) => {
      await engine.applyMigrations({ migrationsList: await loadMigrationList(dir), filters });
    });
    addMigration(dir, '20250102000000_b', 'create table b (id int);');
    const r = await migrate({ url: db.url, dir });
    expect(r.skipped).toEqual(['20250101000000_a']);
    expect(r.applied.map((x) => x.name)).toEqual(['20250102000000_b']);
  });
});
