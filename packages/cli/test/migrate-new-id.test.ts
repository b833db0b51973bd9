// pnpm db:migrate:new --id YYYYMMDDHHMMSS: the folder's timestamp chosen by hand (the old team's
// REV_ID=…), for --empty and generated migrations; refused (exit 1, nothing written) when it is not a
// real UTC date and time, not after the newest migration on disk, or already exists.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { repoRoot, runScript } from './run-script.ts';

function copyPrisma() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'migrate-new-id-'));
  cpSync(path.join(repoRoot, 'packages/db/prisma'), path.join(root, 'prisma'), { recursive: true });
  const schema = path.join(root, 'prisma', 'schema.prisma');
  const dir = path.join(root, 'prisma', 'migrations');
  const views = path.join(root, 'prisma', 'views');
  return { schema, dir, views, args: ['--schema', schema, '--dir', dir, '--views', views] };
}

const folders = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /^\d{14}_/.test(f))
    .sort();

describe('pnpm db:migrate:new --id', { timeout: 300_000 }, () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'));
    env = { DATABASE_URL_LOCAL_DEV: db.url };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('refuses an id that is not a timestamp, not after the newest migration, or taken; writes nothing', async () => {
    const copy = copyPrisma();
    const before = folders(copy.dir);
    const newest = before.at(-1)!;
    const newestId = newest.slice(0, 14);
    const oldest = before[0]!.slice(0, 14);
    const cases: [string, RegExp][] = [
      ['2999010100000', /migration id "2999010100000" is not YYYYMMDDHHMMSS/],
      ['2999-01-01T00', /is not YYYYMMDDHHMMSS/],
      ['20270229000000', /migration id 20270229000000 is not a date and time/], // 2027 is not a leap year
      ['20281301000000', /is not a date and time/],
      ['20281231246000', /is not a date and time/],
      [newestId, new RegExp(`migration id ${newestId} already exists: ${newest}`)],
      [oldest, new RegExp(`migration id ${oldest} already exists`)],
      [
        String(Number(newestId) - 1),
        new RegExp(`is not after the newest migration ${newest}: it would sort before it and run out of order`),
      ],
    ];
    for (const [id, message] of cases) {
      const r = await runScript('db-migrate-new', ['--name', 'fix_x', '--empty', '--id', id, ...copy.args], env);
      expect({ id, code: r.code }).toEqual({ id, code: 1 });
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('leave --id out to take the clock');
    }
    expect(folders(copy.dir)).toEqual(before);
  });

  it('--empty --id writes the folder with that timestamp (a leap day), later ids are measured against it', async () => {
    const copy = copyPrisma();
    const r = await runScript(
      'db-migrate-new',
      ['--name', 'Fix data', '--empty', '--id', '20280229235959', ...copy.args],
      env,
    );
    expect(r.code).toBe(0);
    const file = path.join(copy.dir, '20280229235959_fix_data', 'migration.sql');
    expect(r.stdout.trim()).toBe(file);
    expect(readFileSync(file, 'utf8')).toMatch(/^-- fix_data: hand-written SQL/);
    expect(folders(copy.dir).at(-1)).toBe('20280229235959_fix_data');

    const earlier = await runScript(
      'db-migrate-new',
      ['--name', 'y', '--empty', '--id', '20280229235958', ...copy.args],
      env,
    );
    expect(earlier.code).toBe(1);
    expect(earlier.stderr).toContain('is not after the newest migration 20280229235959_fix_data');
    expect(earlier.stderr).toContain('e.g. --id 20280301000000');
    const same = await runScript(
      'db-migrate-new',
      ['--name', 'other', '--empty', '--id', '20280229235959', ...copy.args],
      env,
    );
    expect(same.code).toBe(1);
    expect(same.stderr).toContain('migration id 20280229235959 already exists: 20280229235959_fix_data');
  });

  it('a generated migration (schema.prisma changed) takes the id too, with its down.sql, and db:check passes', async () => {
    const copy = copyPrisma();
    const text = readFileSync(copy.schema, 'utf8');
    if (!/^model MonthlyTarget \{$/m.test(text)) throw new Error('model MonthlyTarget not found; update the test');
    writeFileSync(copy.schema, text.replace(/^model MonthlyTarget \{$/m, 'model MonthlyTarget {\n  note String?'));
    const r = await runScript(
      'db-migrate-new',
      ['--name', 'add_note', '--create-only', '--id', '29991231235959', ...copy.args],
      env,
    );
    expect(r.code).toBe(0);
    const folder = path.join(copy.dir, '29991231235959_add_note');
    expect(readFileSync(path.join(folder, 'migration.sql'), 'utf8')).toMatch(
      /ALTER TABLE "kpi"\."monthly_targets" ADD COLUMN\s+"note" TEXT;/,
    );
    expect(existsSync(path.join(folder, 'down.sql'))).toBe(true);
    const check = await runScript('db-check', copy.args, env);
    expect(check.code).toBe(0);
  });
});
