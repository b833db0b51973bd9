import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { findKeyOwner, listAudit, verifyPassword } from '@warehouse/db/accounts';

import { protectDatabase } from '../src/ops/protect.ts';
import { runScript, writeRegistry } from './run-script.ts';

/** pnpm users:* as the data team runs them, on one database. */
const registryFile = writeRegistry('users-commands-', {
  local_dev: { embedded: { port: 1 } },
  vm_prod: { remote: true, protected: true },
});

let db: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  const admin = inject('pgAdminUrl');
  db = await createTestDatabase(admin, { template: await createMigratedTemplate(admin), prefix: 'cli_users' });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => {});
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const run = (script: string, args: string[], input?: string) =>
  runScript(
    script,
    [...args, '--env', 'local_dev'],
    { WAREHOUSE_ENV_FILE: registryFile, DATABASE_URL_LOCAL_DEV: db.url, FORCE: undefined },
    input,
  );
const passwordOf = async (email: string) =>
  (
    await pool.query<{ password: string }>(
      `SELECT a.password FROM auth.account a JOIN auth."user" u ON u.id = a.user_id WHERE u.email = $1 AND a.provider_id = 'credential'`,
      [email],
    )
  ).rows[0]!.password;

describe('pnpm users:*', () => {
  it('create prints a one-time password once; better-auth’s verifier accepts it; audit names --as', async () => {
    const r = await run('users-create', [
      '--email',
      'Sato@Example.com',
      '--name',
      '佐藤 花子',
      '--role',
      'staff',
      '--as',
      'tanaka',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const pw = /one-time password \(shown once\): (\S+)/.exec(r.stdout)?.[1];
    expect(pw).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(await verifyPassword({ hash: await passwordOf('sato@example.com'), password: pw! })).toBe(true);
    const ev = await listAudit(pool, { action: 'user.created' });
    expect(ev[0]).toMatchObject({
      actorType: 'cli',
      actorName: 'tanaka',
      after: { email: 'sato@example.com', role: 'staff' },
    });
  });

  it('create --password-stdin takes the password from stdin and prints none', async () => {
    const r = await run(
      'users-create',
      ['--email', 'ci@example.com', '--name', 'CI', '--role', 'viewer', '--password-stdin'],
      'piped-password-1\n',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('one-time password');
    expect(await verifyPassword({ hash: await passwordOf('ci@example.com'), password: 'piped-password-1' })).toBe(true);
  });

  it('refuses a second account with the same email, an unknown role and a short password (exit 1)', async () => {
    const dup = await run('users-create', ['--email', 'sato@example.com', '--name', 'X', '--role', 'viewer']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('E_USER_EXISTS');
    const role = await run('users-create', ['--email', 'x@example.com', '--name', 'X', '--role', 'boss']);
    expect(role.code).toBe(1);
    expect(role.stderr).toContain('viewer, staff, admin');
    const short = await run(
      'users-create',
      ['--email', 'y@example.com', '--name', 'Y', '--role', 'viewer', '--password-stdin'],
      'short\n',
    );
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 8');
    const { rows } = await pool.query(`SELECT email FROM auth."user" ORDER BY email`);
    expect(rows.map((x) => x.email)).toEqual(['ci@example.com', 'sato@example.com']);
  });

  it('list --json shows the accounts with role and disabled flag', async () => {
    const r = await run('users-list', ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const users = JSON.parse(r.stdout) as { email: string; role: string; banned: boolean; name: string }[];
    expect(users.map((u) => [u.email, u.role, u.banned])).toEqual([
      ['sato@example.com', 'staff', false],
      ['ci@example.com', 'viewer', false],
    ]);
    expect(users[0]!.name).toBe('佐藤 花子');
  });

  it('key prints a key once that the API looks up to its owner; only its hash is stored', async () => {
    const r = await run('users-key', ['--email', 'sato@example.com', '--name', 'nightly-upload']);
    expect(r.code, r.stderr).toBe(0);
    const key = r.stdout.trim().split('\n').pop()!;
    expect(key).toMatch(/^wh_/);
    expect(await findKeyOwner(pool, key)).toMatchObject({
      email: 'sato@example.com',
      role: 'staff',
      keyName: 'nightly-upload',
      revoked: false,
    });
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM auth.api_key WHERE key_hash = $1 OR prefix = $1`,
      [key],
    );
    expect(rows[0].n).toBe(0);
  });

  it('role changes the role; reset-password replaces the hash and ends sessions; disable bans', async () => {
    expect((await run('users-role', ['--email', 'ci@example.com', '--role', 'admin'])).code).toBe(0);
    const before = await passwordOf('ci@example.com');
    await pool.query(
      `INSERT INTO auth.session (id, expires_at, token, user_id) SELECT 's1', now() + interval '1 hour', 't1', id FROM auth."user" WHERE email = 'ci@example.com'`,
    );
    const reset = await run('users-reset-password', ['--email', 'ci@example.com']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr + reset.stdout).toContain('1 session(s) ended');
    const pw = /one-time password \(shown once\): (\S+)/.exec(reset.stdout)?.[1];
    expect(await passwordOf('ci@example.com')).not.toBe(before);
    expect(await verifyPassword({ hash: await passwordOf('ci@example.com'), password: pw! })).toBe(true);
    expect((await run('users-disable', ['--email', 'ci@example.com'])).code).toBe(0);
    const { rows } = await pool.query(`SELECT role, banned FROM auth."user" WHERE email = 'ci@example.com'`);
    expect(rows[0]).toEqual({ role: 'admin', banned: true });
    const actions = (await listAudit(pool, { action: 'user.' })).map((e) => e.action);
    expect(actions.slice(0, 3)).toEqual(['user.disabled', 'user.password_reset', 'user.role_changed']);
    const missing = await run('users-disable', ['--email', 'nobody@example.com']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no user has the email nobody@example.com');
  });

  it('--help exits 0; a database marked as production is refused under another env name (exit 2, nothing written)', async () => {
    const help = await runScript('users-create', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--password-stdin');
    await protectDatabase(db.url, 'vm_prod');
    const r = await run('users-create', ['--email', 'late@example.com', '--name', 'L', '--role', 'viewer']);
    expect(r.code, r.stderr).toBe(2);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM auth."user" WHERE email = 'late@example.com'`);
    expect(rows[0].n).toBe(0);
  });
});
