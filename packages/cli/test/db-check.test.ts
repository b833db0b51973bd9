import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { repoRoot, runScript } from './run-script.ts';

/** A copy of packages/db/prisma in a temp folder, so the real schema is never touched. */
function copyPrisma() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'db-check-'));
  cpSync(path.join(repoRoot, 'packages/db/prisma'), path.join(root, 'prisma'), { recursive: true });
  const schema = path.join(root, 'prisma', 'schema.prisma');
  const dir = path.join(root, 'prisma', 'migrations');
  const views = path.join(root, 'prisma', 'views');
  return { schema, dir, views, args: ['--schema', schema, '--dir', dir, '--views', views] };
}

function addNoteColumn(schema: string) {
  const text = readFileSync(schema, 'utf8');
  if (!/^model MonthlyTarget \{$/m.test(text)) throw new Error('model MonthlyTarget not found; update the test');
  writeFileSync(schema, text.replace(/^model MonthlyTarget \{$/m, 'model MonthlyTarget {\n  note String?'));
}

// Each run starts tsx and the WASM engine and replays every migration in a shadow database.
describe('pnpm db:check and pnpm db:migrate:new', { timeout: 300_000 }, () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'));
    env = { DATABASE_URL_LOCAL_DEV: db.url };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('passes on the repository as it is (the real schema and migrations agree)', async () => {
    const r = await runScript('db-check', [], env);
    expect(r.stderr).toContain('schema.prisma and the migrations agree');
    expect(r.code).toBe(0);
  });

  it('a model gains a column: check fails with the SQL, migrate:new writes it, check passes', async () => {
    const copy = copyPrisma();
    addNoteColumn(copy.schema);
    const before = await runScript('db-check', copy.args, env);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/ALTER TABLE "kpi"\."monthly_targets" ADD COLUMN\s+"note" TEXT;/);
    expect(before.stderr).toContain('pnpm db:migrate:new --name');

    const made = await runScript('db-migrate-new', ['--name', 'add_note', '--create-only', ...copy.args], env);
    expect(made.code).toBe(0);
    const folder = readdirSync(copy.dir).find((f) => /^\d{14}_add_note$/.test(f));
    expect(folder).toBeDefined();
    expect(made.stdout).toContain(path.join(copy.dir, folder!, 'migration.sql'));
    expect(readFileSync(path.join(copy.dir, folder!, 'migration.sql'), 'utf8')).toMatch(
      /ALTER TABLE "kpi"\."monthly_targets" ADD COLUMN\s+"note" TEXT;/,
    );

    const after = await runScript('db-check', copy.args, env);
    expect(after.code).toBe(0);

    const nothing = await runScript('db-migrate-new', ['--name', 'again', '--create-only', ...copy.args], env);
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toContain('No changes');
    expect(readdirSync(copy.dir).some((f) => f.endsWith('_again'))).toBe(false);
  });

  it('a catalog view changes: check names it with the difference, migrate:new writes the rebuild, check passes', async () => {
    const copy = copyPrisma();
    const file = path.join(copy.views, 'mart', 'mv_receive_daily.sql');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'COUNT(DISTINCT w.slip_no) AS slip_count',
        'COUNT(DISTINCT w.slip_no) AS slip_count,\n    COUNT(*) AS line_count',
      ),
    );
    const before = await runScript('db-check', copy.args, env);
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(
      /mart\.mv_receive_daily: the catalog \(.*mv_receive_daily\.sql\) and the migrations' head define it differently/,
    );
    expect(before.stdout).toMatch(/^\+ .*count\(\*\) AS line_count/m);

    const made = await runScript('db-migrate-new', ['--name', 'line_count', '--create-only', ...copy.args], env);
    expect(made.code).toBe(0);
    const folder = readdirSync(copy.dir).find((f) => /^\d{14}_line_count$/.test(f))!;
    const sql = readFileSync(path.join(copy.dir, folder, 'migration.sql'), 'utf8');
    expect(sql).toMatch(
      // mv_receive_daily is an incremental table: its declared query is a view, the table is rebuilt from it —
      // by expand/fill/swap: created empty beside the old one, filled and swapped in by the runner (old dropped readers first).
      /CREATE VIEW mart__swap\.mv_receive_daily__query[\s\S]*CREATE TABLE mart__swap\.mv_receive_daily AS\nSELECT \* FROM mart__swap\.mv_receive_daily__query\nWITH NO DATA;[\s\S]*'drop', 'mart\.v_receive_weekly'[\s\S]*'drop', 'mart\.mv_receive_daily', 'table'[\s\S]*'drop', 'mart\.mv_receive_daily__query'[\s\S]*'move', 'mart\.mv_receive_daily', 'table', 'INSERT INTO mart__swap\.mv_receive_daily SELECT \* FROM mart__swap\.mv_receive_daily__query'/,
    );
    expect(sql.replace(/^--.*$/gm, '')).not.toMatch(/\bDROP\b/);
    expect(readFileSync(path.join(copy.dir, folder, 'down.sql'), 'utf8')).toMatch(
      /CREATE TABLE mart\.mv_receive_daily AS/,
    );
    expect((await runScript('db-check', copy.args, env)).code).toBe(0);
  });

  it('fails when two migrations share a timestamp', async () => {
    const copy = copyPrisma();
    for (const name of ['20991231000000_one', '20991231000000_two']) {
      mkdirSync(path.join(copy.dir, name));
      writeFileSync(path.join(copy.dir, name, 'migration.sql'), 'SELECT 1;\n');
    }
    const r = await runScript('db-check', copy.args, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('20991231000000_one, 20991231000000_two share the timestamp 20991231000000');
  });

  it('fails when a migration folder lacks migration.sql', async () => {
    const copy = copyPrisma();
    mkdirSync(path.join(copy.dir, '20991231000000_forgot'));
    const r = await runScript('db-check', copy.args, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/20991231000000_forgot has no migration\.sql/);
  });

  it('--name is required; applying to a protected environment is refused with exit 2', async () => {
    const noName = await runScript('db-migrate-new', [], env);
    expect(noName.code).toBe(1);
    expect(noName.stderr).toContain('--name is required');
    const prod = await runScript('db-migrate-new', ['--name', 'x', '--env', 'vm_prod'], {
      ...env,
      DATABASE_URL_VM_PROD: db.url,
    });
    expect(prod.code).toBe(2);
    expect(prod.stderr).toContain('--create-only');
  });
});
