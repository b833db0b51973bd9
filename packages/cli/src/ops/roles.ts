import { ident, withClient, withTransaction } from '@warehouse/db';

export const READONLY_ROLE = 'app_readonly';
/** mart and stg (the domain's rule), and ref: the classified calendar staff and dashboards read. */
export const READONLY_SCHEMAS = ['mart', 'stg', 'ref'] as const;

export interface RolesResult {
  role: string;
  created: boolean;
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
      return { role: READONLY_ROLE, created: !exists, schemas, defaultPrivilegesFor: [...forRoles] };
    }),
  );
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
