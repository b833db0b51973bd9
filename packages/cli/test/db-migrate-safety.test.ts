import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { runScript } from './run-script.ts';

function migrationsDir(files: Record<string, { up: string; down?: string }>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-migrations-'));
  for (const [name, { up, down }] of Object.entries(files)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'migration.sql'), up);
    if (down !== undefined) writeFileSync(path.join(dir, name, 'down.sql'), down);
  }
  return dir;
}

describe('pnpm db:lint', () => {
  it("exits 0 on the project's migrations (warnings only) and prints file:line, rule, why and fix", async () => {
    const r = await runScript('db-lint', []);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\d+ migrations: 0 errors, \d+ warnings/);
    expect(r.stdout).toMatch(/^\d{14}_\w+\/migration\.sql:\d+ {2}warning {2}[a-z-]+ /m);
    // Every migration has its down.sql (init's included), so db:rollback can undo any of them.
    expect(r.stdout).not.toContain('missing-down-sql');
    expect(r.stdout).toContain('    why: ');
    expect(r.stdout).toContain('    fix: ');
  });

  it('exits 1 on an error, with --json; --help lists the rules', async () => {
    const dir = migrationsDir({
      '20250101000000_a': { up: 'create table s.a (id int);\nCOMMIT;\n', down: 'drop table s.a;' },
      '20250102000000_b': {
        up: "-- DROP VIEW v CASCADE in a comment\nselect 'REFRESH MATERIALIZED VIEW m';\n",
        down: 'select 1;',
      },
    });
    const r = await runScript('db-lint', ['--dir', dir, '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ files: 2, errors: 1, warnings: 0 });
    expect(json.findings).toEqual([
      expect.objectContaining({
        file: '20250101000000_a/migration.sql',
        line: 2,
        rule: 'transaction-control',
        severity: 'error',
      }),
    ]);
    const help = await runScript('db-lint', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('index-without-concurrently');
    expect(help.stdout).toContain('-- lint:ignore');
  });
});

describe('pnpm db:migrate --plan / --steps / --to', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'));
    env = { DATABASE_URL_LOCAL_DEV: db.url };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('plans without applying, applies the reviewed hash step by step, and refuses a stale hash', async () => {
    const dir = migrationsDir({
      '20250101000000_a': { up: 'create table pa (id int);\n', down: 'drop table pa;' },
      '20250102000000_b': { up: 'create index pa_id_idx on pa (id);\n', down: 'drop index pa_id_idx;' },
    });
    const p = await runScript('db-migrate', ['--dir', dir, '--plan'], env);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('20250102000000_b (one transaction)');
    expect(p.stdout).toContain('SHARE on pa — blocks writes');
    expect(p.stdout).toContain('lint warning line 1 index-without-concurrently');
    const hash = /plan ([0-9a-f]{16})/.exec(p.stdout)![1]!;
    expect(p.stdout).toContain(`--plan-hash ${hash}`);
    const status = await runScript('db-status', ['--dir', dir, '--json'], env);
    expect(JSON.parse(status.stdout).pending).toHaveLength(2);

    const wrong = await runScript('db-migrate', ['--dir', dir, '--plan-hash', '0000000000000000'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('E_PLAN_CHANGED');

    const step = await runScript('db-migrate', ['--dir', dir, '--steps', '1'], env);
    expect(step.code, step.stderr).toBe(0);
    expect(step.stderr).toContain('[1/1] ✓ 20250101000000_a');
    expect(step.stderr).toContain('1 still pending');
    const rest = await runScript(
      'db-migrate',
      ['--dir', dir, '--to', '20250102000000_b', '--ddl-lock-timeout', '2s'],
      env,
    );
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stderr).toContain('[1/1] ✓ 20250102000000_b');
    const bad = await runScript('db-migrate', ['--dir', dir, '--ddl-lock-timeout', 'soon'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--ddl-lock-timeout must be a duration');
  });
});
