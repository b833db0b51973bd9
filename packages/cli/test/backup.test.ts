import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { withClient } from '@warehouse/db';
import { createTestDatabase } from '@warehouse/migrate/testing';
import { runScript } from './run-script.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'backup-test-'));

describe('db:backup and db:restore', () => {
  it('backs up in custom format and restores the data over later changes', async () => {
    const db = await createTestDatabase(inject('pgAdminUrl'), { prefix: 'backup' });
    try {
      await withClient(db.url, (c) =>
        c.query("create table t (id int, note text); insert into t values (1, 'before')"),
      );
      const b = await runScript('db-backup', ['--env', 'local_dev', '--json'], {
        DATABASE_URL_LOCAL_DEV: db.url,
        WAREHOUSE_BACKUP_DIR: tmp,
      });
      expect(b.code, b.stderr).toBe(0);
      const out = JSON.parse(b.stdout);
      expect(out).toMatchObject({ env: 'local_dev', format: 'custom' });
      expect(path.dirname(out.file)).toBe(path.join(tmp, 'local_dev'));
      expect(path.basename(out.file)).toMatch(/^local_dev_\d{14}\.dump$/);
      expect(statSync(out.file).size).toBe(out.bytes);

      await withClient(db.url, (c) => c.query("update t set note = 'after'; insert into t values (2, 'new')"));
      const r = await runScript('db-restore', ['--env', 'local_dev', '--file', out.file], {
        DATABASE_URL_LOCAL_DEV: db.url,
      });
      expect(r.code, r.stderr).toBe(0);
      const rows = await withClient(db.url, async (c) => (await c.query('select id, note from t order by id')).rows);
      expect(rows).toEqual([{ id: 1, note: 'before' }]);
    } finally {
      await db.drop();
    }
  });

  it('restore refuses a file that is not a backup (exit 1, before any guard) and a missing --file', async () => {
    const bogus = path.join(tmp, 'bogus.dump');
    writeFileSync(bogus, 'not a dump');
    const r = await runScript('db-restore', ['--env', 'vm_prod', '--file', bogus, '--force', '--confirm', 'vm_prod'], {
      DATABASE_URL_VM_PROD: 'postgres://u:secret@127.0.0.1:1/x',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a pg_dump custom-format archive');
    expect(r.stderr).not.toContain('secret');
    const none = await runScript('db-restore', ['--env', 'local_dev']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--file FILE is required');
  });
});

describe('every command has --help (exit 0) and rejects unknown flags (exit 1)', () => {
  const scripts = [
    'db-reset',
    'db-dump',
    'db-diff',
    'db-snapshot',
    'db-bootstrap-roles',
    'db-baseline',
    'db-init-from-snapshot',
    'db-backup',
    'db-restore',
  ];
  it.each(scripts)('%s', async (script) => {
    const help = await runScript(script, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`Usage: pnpm ${script.replace('db-', 'db:')}`);
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 failure, 2 refused by a guard.');
    const bad = await runScript(script, ['--nope']);
    expect(bad.code).toBe(1);
  });
});
