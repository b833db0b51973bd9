import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ident, withClient } from '@warehouse/db';
import { listAudit, writeAudit } from '@warehouse/db/accounts';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { AUDIT_ROLE, bootstrapRoles } from '../src/ops/roles.ts';

/**
 * log.audit_event under the roles db:bootstrap-roles sets up, on a migrated database: a login role
 * granted app_audit_writer writes and reads audit rows through the application's own functions and
 * is refused UPDATE, DELETE and TRUNCATE by privileges ("permission denied", before the append-only
 * trigger is reached); the table's owner (the role the API runs as) loses them too. Roles are
 * cluster-wide: this file's login roles have random names and are dropped at the end.
 */
let db: TestDatabase;
const suffix = randomBytes(4).toString('hex');
const app = `audit_app_${suffix}`;
const owner = `audit_owner_${suffix}`;
const password = randomBytes(12).toString('hex');

beforeAll(async () => {
  const admin = inject('pgAdminUrl');
  db = await createTestDatabase(admin, { template: await createMigratedTemplate(admin), prefix: 'roles_audit' });
  await withClient(db.url, (c) =>
    c.query(`
      create role ${ident(app)} login password '${password}';
      create role ${ident(owner)} login password '${password}';
      grant usage on schema log to ${ident(owner)};
      alter table log.audit_event owner to ${ident(owner)};
    `),
  );
  await bootstrapRoles(db.url);
  await withClient(db.url, (c) => c.query(`grant ${ident(AUDIT_ROLE)} to ${ident(app)}`));
});
afterAll(async () => {
  await db?.drop();
  await withClient(inject('pgAdminUrl'), (c) =>
    c.query(`drop role if exists ${ident(app)}; drop role if exists ${ident(owner)}`),
  );
});

/** A pool connected as `user` (a real login, not SET ROLE). */
function poolAs(user: string): pg.Pool {
  const url = new URL(db.url);
  url.username = user;
  url.password = password;
  const pool = new pg.Pool({ connectionString: url.href, max: 1 });
  pool.on('error', () => {});
  return pool;
}

async function refusal(pool: pg.Pool, sql: string): Promise<string> {
  try {
    await pool.query(sql);
    return 'allowed';
  } catch (e) {
    return `${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
}

describe('log.audit_event privileges (db:bootstrap-roles)', () => {
  it('a login role granted app_audit_writer inserts and reads audit rows; UPDATE, DELETE, TRUNCATE are denied by privilege', async () => {
    const pool = poolAs(app);
    try {
      await writeAudit(pool, {
        actor: { type: 'cli', id: null, name: 'role-test' },
        action: 'upload.purged',
        objectType: 'upload',
        objectId: 7,
        before: { bytes: 3 },
      });
      const rows = await listAudit(pool, { action: 'upload.purged' });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actorName: 'role-test', objectId: '7', before: { bytes: 3 } });
      // "permission denied for table": the privilege check, which comes before the trigger's own refusal.
      for (const sql of [
        `update log.audit_event set actor_name = 'someone else'`,
        `delete from log.audit_event`,
        `truncate log.audit_event`,
      ])
        expect(await refusal(pool, sql), sql).toBe('42501: permission denied for table audit_event');
      // Exactly INSERT and SELECT: nothing else on the table, nothing on other tables of log.
      const { rows: privs } = await pool.query<{ p: string }>(
        `select p from unnest(array['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) p
          where has_table_privilege(current_user, 'log.audit_event', p) order by p`,
      );
      expect(privs.map((r) => r.p)).toEqual(['INSERT', 'SELECT']);
      expect(await refusal(pool, 'select 1 from log.upload_file limit 1')).toMatch(/^42501: permission denied/);
    } finally {
      await pool.end();
    }
  });

  it("the table's owner (the API's role when one role migrates and serves) is refused UPDATE, DELETE, TRUNCATE by privilege too", async () => {
    const pool = poolAs(owner);
    try {
      await writeAudit(pool, { actor: { type: 'system', id: null, name: 'owner-test' }, action: 'mv.refresh' });
      expect(await listAudit(pool, { action: 'mv.refresh' })).toHaveLength(1);
      for (const sql of [
        `update log.audit_event set actor_name = 'x'`,
        `delete from log.audit_event`,
        `truncate log.audit_event`,
      ])
        expect(await refusal(pool, sql), sql).toBe('42501: permission denied for table audit_event');
    } finally {
      await pool.end();
    }
  });

  it('a second run changes nothing and reports the revocation again', async () => {
    const r = await bootstrapRoles(db.url);
    expect(r.audit).toEqual({ role: AUDIT_ROLE, created: false, status: 'granted', owner, ownerRevoked: true });
  });
});
