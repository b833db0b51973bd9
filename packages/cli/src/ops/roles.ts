import type pg from 'pg';
import { ident, withClient, withTransaction } from '@warehouse/db';

export const READONLY_ROLE = 'app_readonly';
/** mart and stg (the domain's rule), and ref: the classified calendar staff and dashboards read. */
export const READONLY_SCHEMAS = ['mart', 'stg', 'ref'] as const;

/** What writes the audit log: INSERT and SELECT on log.audit_event (and its id sequence), nothing more. */
export const AUDIT_ROLE = 'app_audit_writer';

export interface RolesResult {
  role: string;
  created: boolean;
  /**
   * app_audit_writer (NOLOGIN) with exactly INSERT and SELECT on log.audit_event; `ownerRevoked`:
   * UPDATE, DELETE and TRUNCATE were revoked from the table's owner (the role the API runs as when
   * one role migrates and serves), so they are refused by privileges, not only by the trigger.
   */
  audit: { role: string; created: boolean; status: 'granted' | 'missing'; owner?: string; ownerRevoked: boolean };
  schemas: { schema: string; status: 'granted' | 'missing' }[];
  /** Roles whose future objects app_readonly can read (ALTER DEFAULT PRIVILEGES FOR ROLE …). */
  defaultPrivilegesFor: string[];
}

/**
 * Create `app_readonly` (NOLOGIN; grant it to login roles) if missing, and grant it USAGE on
 * mart, stg and ref, SELECT on their tables, views and MVs, and SELECT on objects created later by
 * the current role and the schema owner (default privileges). Every statement is idempotent:
 * running it twice leaves the same privileges. Missing schemas are reported, not created (the
 * migrations create them; run this again after migrating).
 *
 * @example
 * await bootstrapRoles(url); // { role: 'app_readonly', created: true, schemas: [{ schema: 'mart', status: 'granted' }, …] }
 */
export async function bootstrapRoles(url: string): Promise<RolesResult> {
  return withClient(url, (client) =>
    withTransaction(client, async () => {
      // Serialise concurrent bootstraps (CREATE ROLE is not IF NOT EXISTS).
      await client.query("select pg_advisory_xact_lock(hashtext('warehouse:bootstrap-roles'))");
      const exists = (await client.query('select 1 from pg_roles where rolname = $1', [READONLY_ROLE])).rowCount! > 0;
      if (!exists) await client.query(`create role ${ident(READONLY_ROLE)} nologin`);
      const me = (await client.query('select current_user as me')).rows[0].me as string;
      const schemas: RolesResult['schemas'] = [];
      const forRoles = new Set<string>([me]);
      for (const schema of READONLY_SCHEMAS) {
        const row = (
          await client.query('select pg_get_userbyid(nspowner) as owner from pg_namespace where nspname = $1', [schema])
        ).rows[0] as { owner: string } | undefined;
        if (!row) {
          schemas.push({ schema, status: 'missing' });
          continue;
        }
        const s = ident(schema);
        const r = ident(READONLY_ROLE);
        await client.query(`grant usage on schema ${s} to ${r}`);
        // ALL TABLES covers tables, views, materialized views and foreign tables.
        await client.query(`grant select on all tables in schema ${s} to ${r}`);
        const owners = [me];
        if (row.owner !== me && (await client.query("select pg_has_role($1, 'MEMBER') as m", [row.owner])).rows[0].m)
          owners.push(row.owner);
        for (const owner of owners) {
          forRoles.add(owner);
          await client.query(
            `alter default privileges for role ${ident(owner)} in schema ${s} grant select on tables to ${r}`,
          );
        }
        schemas.push({ schema, status: 'granted' });
      }
      const audit = await bootstrapAuditRole(client, me);
      return { role: READONLY_ROLE, created: !exists, schemas, defaultPrivilegesFor: [...forRoles], audit };
    }),
  );
}

/**
 * app_audit_writer: USAGE on schema log, INSERT and SELECT on log.audit_event, USAGE on its id
 * sequence; every other privilege on them revoked first, so it holds exactly these. Then, when this
 * session may (it is the table's owner, a member of it, or a superuser), UPDATE, DELETE and TRUNCATE
 * are revoked from the owner too: the API connecting as the owner is refused them by privileges.
 */
async function bootstrapAuditRole(client: pg.ClientBase, me: string): Promise<RolesResult['audit']> {
  const r = ident(AUDIT_ROLE);
  const exists = (await client.query('select 1 from pg_roles where rolname = $1', [AUDIT_ROLE])).rowCount! > 0;
  if (!exists) await client.query(`create role ${r} nologin`);
  const table = (
    await client.query<{ owner: string; seq: string | null }>(
      `select pg_get_userbyid(c.relowner) as owner, pg_get_serial_sequence('log.audit_event', 'id') as seq
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'log' and c.relname = 'audit_event' and c.relkind = 'r'`,
    )
  ).rows[0];
  if (!table) return { role: AUDIT_ROLE, created: !exists, status: 'missing', ownerRevoked: false };
  await client.query(`revoke all on log.audit_event from ${r}`);
  await client.query(`grant usage on schema log to ${r}`);
  await client.query(`grant select, insert on log.audit_event to ${r}`);
  if (table.seq) {
    await client.query(`revoke all on sequence ${table.seq} from ${r}`);
    await client.query(`grant usage on sequence ${table.seq} to ${r}`);
  }
  const may = (
    await client.query<{ may: boolean }>(
      `select $1 = $2 or pg_has_role($2, 'MEMBER') or (select rolsuper from pg_roles where rolname = $1) as may`,
      [me, table.owner],
    )
  ).rows[0]!.may;
  if (may) await client.query(`revoke update, delete, truncate on log.audit_event from ${ident(table.owner)}`);
  return { role: AUDIT_ROLE, created: !exists, status: 'granted', owner: table.owner, ownerRevoked: may };
}

/** Every privilege app_readonly holds in a database, as sorted text (to compare two runs). */
export async function readonlyPrivileges(url: string): Promise<string[]> {
  return withClient(url, async (client) => {
    const rows = (
      await client.query(
        `select 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(c.relacl::text, '') as p
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = any($1) and c.relkind in ('r','v','m','p','f')
         union all
         select 'schema ' || nspname || ' ' || coalesce(nspacl::text, '') from pg_namespace where nspname = any($1)
         union all
         select 'default ' || pg_get_userbyid(defaclrole) || ' ' || coalesce(n.nspname, '*') || ' ' || defaclobjtype::text || ' ' || defaclacl::text
           from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
         union all
         select 'role ' || rolname || ' login=' || rolcanlogin from pg_roles where rolname = $2`,
        [READONLY_SCHEMAS, READONLY_ROLE],
      )
    ).rows as { p: string }[];
    return rows.map((r) => r.p).sort();
  });
}
