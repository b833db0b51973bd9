import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '@warehouse/migrate/testing';
import { runScript } from './run-script.ts';

describe('command conventions (db:url)', () => {
  it('--help prints usage and exits 0', async () => {
    const r = await runScript('db-url', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: pnpm db:url [options]');
    expect(r.stdout).toContain('--env NAME');
  });

  it('an unknown flag exits 1 and points at --help', async () => {
    const r = await runScript('db-url', ['--bogus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Unknown option '--bogus'");
    expect(r.stderr).toContain('pnpm db:url --help');
  });

  it('an env name that differs only by case or spaces is unknown, exit 1', async () => {
    for (const name of ['VM_PROD', 'vm_prod ']) {
      const r = await runScript('db-url', ['--env', name]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('E_ENV_UNKNOWN');
      expect(r.stderr).toContain('known environments: local_dev, local_demo, vm_stg, vm_prod');
    }
  });

  it('DATABASE_URL_<ENV> wins and the password is never printed', async () => {
    const db = await createTestDatabase(inject('pgAdminUrl'));
    try {
      const r = await runScript('db-url', ['--env', 'vm_stg'], { DATABASE_URL_VM_STG: db.url });
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(db.url.replace(':postgres@', ':****@'));
      expect(r.stdout + r.stderr).not.toContain(':postgres@');
    } finally {
      await db.drop();
    }
  });
});
