import pg from 'pg';
import { DbError, maskUrl } from '../errors.ts';

/**
 * Who a database is, as told by the server a URL actually reaches (not by how the URL is spelt):
 * pg decides where a connection lands (query parameters `host`/`port` win over the authority,
 * `PG*` variables fill what the URL leaves out, a forwarded port leads elsewhere), so the guard
 * connects exactly as the command will and asks.
 *
 * The protection marker lives IN the protected database (table `toolkit.protection`, one row),
 * written by `pnpm db:protect` and by db:migrate / db:bootstrap-roles on a protected env. It
 * records the identity it was written on, so a restored copy (same marker, another cluster or
 * database) is told apart from the original.
 */

export const MARKER_SCHEMA = 'toolkit';
export const MARKER_TABLE = `${MARKER_SCHEMA}.protection`;

export interface ProtectionMarker {
  /** The environment that wrote it (vm_prod). */
  env: string;
  systemIdentifier: string;
  databaseOid: number;
  database: string;
  writtenAt: string;
}

export interface DatabaseIdentity {
  /** `pg_control_system().system_identifier`: unique per cluster (initdb). */
  systemIdentifier: string;
  database: string;
  databaseOid: number;
  /** `host:port` as the server reports it (inet_server_addr), or "local socket". */
  server: string;
  marker: ProtectionMarker | null;
  /** none: no marker; here: written on this very database; copy: written on another (a restored backup). */
  markerState: 'none' | 'here' | 'copy';
}

/** What could not be read, and why. `connected` is false when no connection was made at all. */
export class IdentityUnreadable extends DbError {
  readonly what: string;
  readonly connected: boolean;
  readonly pgCode?: string;
  constructor(what: string, connected: boolean, cause: Error & { code?: string }) {
    super('E_IDENTITY_UNREADABLE', `could not read ${what}: ${cause.message}${cause.code ? ` (${cause.code})` : ''}`, {
      cause,
    });
    this.what = what;
    this.connected = connected;
    this.pgCode = cause.code;
  }
}

export function describeIdentity(id: Pick<DatabaseIdentity, 'systemIdentifier' | 'database' | 'databaseOid'>): string {
  return `cluster ${id.systemIdentifier}, database ${id.database} (oid ${id.databaseOid})`;
}

export function sameDatabase(
  a: Pick<DatabaseIdentity, 'systemIdentifier' | 'databaseOid'>,
  b: Pick<DatabaseIdentity, 'systemIdentifier' | 'databaseOid'>,
): boolean {
  return a.systemIdentifier === b.systemIdentifier && Number(a.databaseOid) === Number(b.databaseOid);
}

async function connect(url: string, timeoutMs: number): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'warehouse-toolkit-guard',
    connectionTimeoutMillis: timeoutMs,
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new IdentityUnreadable(`the server behind ${maskUrl(url)} (no connection)`, false, error as Error);
  }
  return client;
}

async function readWith(client: pg.ClientBase, url: string): Promise<DatabaseIdentity> {
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw new IdentityUnreadable(`${what} of ${maskUrl(url)}`, true, error as Error);
    }
  };
  const base = await step(
    'the database name and oid',
    async () =>
      (
        await client.query(
          `select current_database() as database, (select oid::int from pg_database where datname = current_database()) as oid,
              coalesce(host(inet_server_addr()) || ':' || inet_server_port(), 'local socket') as server,
              to_regclass($1) is not null as has_marker`,
          [MARKER_TABLE],
        )
      ).rows[0] as { database: string; oid: number; server: string; has_marker: boolean },
  );
  const sysid = await step('the cluster system_identifier (pg_control_system())', async () =>
    String((await client.query('select system_identifier::text as id from pg_control_system()')).rows[0].id),
  );
  let marker: ProtectionMarker | null = null;
  if (base.has_marker) {
    const row = await step(
      `the protection marker ${MARKER_TABLE}`,
      async () =>
        (
          await client.query(
            `select env, system_identifier, database_oid::int as oid, database_name, written_at::text as at from ${MARKER_TABLE} limit 1`,
          )
        ).rows[0] as
          { env: string; system_identifier: string; oid: number; database_name: string; at: string } | undefined,
    );
    if (row)
      marker = {
        env: row.env,
        systemIdentifier: row.system_identifier,
        databaseOid: row.oid,
        database: row.database_name,
        writtenAt: row.at,
      };
  }
  const id = { systemIdentifier: sysid, database: base.database, databaseOid: base.oid, server: base.server };
  return { ...id, marker, markerState: marker ? (sameDatabase(marker, id) ? 'here' : 'copy') : 'none' };
}

/**
 * Connect to `url` exactly as pg does for every command (same parsing, query parameters and
 * `PG*` variables) and read the cluster id, the database name and oid, and the protection marker.
 * Throws IdentityUnreadable naming what could not be read.
 */
export async function readIdentity(url: string, options: { timeoutMs?: number } = {}): Promise<DatabaseIdentity> {
  const client = await connect(url, options.timeoutMs ?? 10_000);
  try {
    return await readWith(client, url);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Write (or rewrite) the protection marker in the database `url` reaches, recording its current
 * identity. Returns the identity before and after.
 */
export async function writeProtectionMarker(
  url: string,
  env: string,
): Promise<{ before: DatabaseIdentity; after: DatabaseIdentity }> {
  const client = await connect(url, 10_000);
  try {
    const before = await readWith(client, url);
    await client.query('BEGIN');
    try {
      await client.query(`create schema if not exists ${MARKER_SCHEMA}`);
      await client.query(
        `create table if not exists ${MARKER_TABLE} (
           one boolean primary key default true check (one),
           env text not null,
           system_identifier text not null,
           database_oid oid not null,
           database_name text not null,
           written_at timestamptz not null default now(),
           written_by text not null default current_user
         )`,
      );
      await client.query(
        `comment on table ${MARKER_TABLE} is 'Protection marker of the warehouse toolkit: destructive commands treat this database as the protected environment named here (written by pnpm db:protect). Do not copy by hand.'`,
      );
      // Every role that connects must be able to read who this database is (the guard fails closed otherwise).
      await client.query(`grant usage on schema ${MARKER_SCHEMA} to public`);
      await client.query(`grant select on ${MARKER_TABLE} to public`);
      await client.query(
        `insert into ${MARKER_TABLE} (env, system_identifier, database_oid, database_name) values ($1, $2, $3, $4)
         on conflict (one) do update set env = excluded.env, system_identifier = excluded.system_identifier,
           database_oid = excluded.database_oid, database_name = excluded.database_name, written_at = now(), written_by = current_user`,
        [env, before.systemIdentifier, before.databaseOid, before.database],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
    return { before, after: await readWith(client, url) };
  } finally {
    await client.end().catch(() => {});
  }
}
