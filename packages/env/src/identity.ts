import pg from 'pg';
import { maskUrl } from '@warehouse/secrets';
import { DbError } from '@warehouse/db';
import { readAnchor } from './marker.ts';

/**
 * Who a database is, as told by the server a URL actually reaches (not by how the URL is spelt):
 * pg decides where a connection lands (query parameters `host`/`port` win over the authority,
 * `PG*` variables fill what the URL leaves out, a forwarded port leads elsewhere), so the guard
 * connects exactly as the command will and asks.
 *
 * Nothing in the session may change the answer: every query below runs inside a read-only
 * transaction whose `search_path` is pinned to `pg_catalog, pg_temp` (SET LOCAL), and names
 * every function and relation with its schema, so a function, operator, type, table or view
 * planted in another schema (or in pg_temp), a `?options=-c search_path=…` or a role's default
 * search_path resolves nothing of ours.
 *
 * The protection marker has two parts (docs/design.md, "Who can change the marker"):
 * - the anchor: one line in the database's COMMENT (marker.ts). Only the database owner or a
 *   superuser can change it. When present it decides;
 * - the table `toolkit.protection` (one row, travels in dumps, so a logical copy restored
 *   elsewhere is recognised). Without an anchor, its row protects when it names this database;
 *   it says "a copy" only when nobody below the database owner could have written it (owner and
 *   schema owner are the database owner or a superuser, no other role may write it, no triggers,
 *   rules or row security). Anything else reads as `untrusted`, which the guard treats as protected.
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

export type MarkerState = 'none' | 'here' | 'copy' | 'untrusted';

export interface DatabaseIdentity {
  /** `pg_control_system().system_identifier`: unique per cluster (initdb). */
  systemIdentifier: string;
  database: string;
  databaseOid: number;
  /** `host:port` as the server reports it (inet_server_addr), or "local socket". */
  server: string;
  marker: ProtectionMarker | null;
  /**
   * none: no marker; here: written on this very database; copy: written on another (a restored
   * backup) or released on purpose (db:mark-copy); untrusted: a marker that someone below the
   * database owner could have changed, or that does not parse (the guard treats it as protected).
   */
  markerState: MarkerState;
  /** Where the marker was read: the owner-only anchor (database comment) or the table alone. */
  markerSource?: 'anchor' | 'table';
  /** The table part names this database, as the anchor does, and only the owner could have written it. */
  markerTableOk?: boolean;
  /** Why the marker is untrusted, in words that name the object and the fix. */
  markerProblem?: string;
  /** A physical copy released on purpose (db:mark-copy): the env it serves and the nonce that tells it from the original. */
  released?: { env: string; at: string; by: string; nonce: string };
  /** The database's owner, as pg_database says. */
  owner?: string;
  /** The database's comment, as read (the anchor is one line of it). */
  comment?: string | null;
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

/**
 * Same database and not told apart by a release: a physical copy shares system_identifier and
 * oid with its original; only a copy released on purpose (db:mark-copy) carries a nonce of its own.
 */
export function sameInstance(
  a: Pick<DatabaseIdentity, 'systemIdentifier' | 'databaseOid' | 'released'>,
  b: Pick<DatabaseIdentity, 'systemIdentifier' | 'databaseOid' | 'released'>,
): boolean {
  return sameDatabase(a, b) && (a.released?.nonce ?? null) === (b.released?.nonce ?? null);
}

/** @internal Connect as every command does (same URL, same pg parsing). */
export async function connectForIdentity(url: string, timeoutMs: number): Promise<pg.Client> {
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

/**
 * @internal Run `fn` in a transaction whose search_path is pinned: whatever the connection's
 * options, the role's or the database's defaults say, names resolve in pg_catalog only (pg_temp
 * last, so a temporary relation cannot shadow a catalog; functions and operators never look there).
 */
export async function pinnedTransaction<T>(
  client: pg.ClientBase,
  mode: 'read only' | 'read write',
  fn: () => Promise<T>,
): Promise<T> {
  await client.query(`begin transaction ${mode}`);
  try {
    await client.query('set local search_path = pg_catalog, pg_temp');
    const result = await fn();
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  }
}

/** Facts about toolkit.protection that decide whether its row can be believed. */
export interface MarkerTableFacts {
  relkind: string;
  owner: string;
  ownerOk: boolean;
  schemaOwner: string;
  schemaOwnerOk: boolean;
  rowSecurity: boolean;
  /** Roles other than the owner, the database owner and superusers that may change the rows ("bob (UPDATE)"). */
  writers: string[];
  triggers: number;
  rules: number;
}

/** @internal Read the marker table's owner, privileges and the like (null when there is no such table). Call inside pinnedTransaction. */
export async function markerTableFacts(client: pg.ClientBase): Promise<MarkerTableFacts | null> {
  const r = await client.query(
    `with db as (
       select d.datdba from pg_catalog.pg_database d where d.datname = pg_catalog.current_database()
     ), trusted as (
       select r.oid from pg_catalog.pg_roles r, db where r.rolsuper or r.oid = db.datdba
     ), t as (
       select c.oid, c.relkind, c.relowner, c.relacl, c.relrowsecurity, n.nspowner
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1::pg_catalog.text and c.relname = $2::pg_catalog.text
     )
     select t.relkind::pg_catalog.text as relkind,
       pg_catalog.pg_get_userbyid(t.relowner)::pg_catalog.text as owner,
       t.relowner in (select oid from trusted) as owner_ok,
       pg_catalog.pg_get_userbyid(t.nspowner)::pg_catalog.text as schema_owner,
       t.nspowner in (select oid from trusted) as schema_owner_ok,
       t.relrowsecurity as rls,
       array(
         select distinct (case when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee)::pg_catalog.text end)
           || ' (' || a.privilege_type || ')'
         from (
           select x.grantee, x.privilege_type from pg_catalog.aclexplode(t.relacl) x
           union all
           select x.grantee, x.privilege_type
           from pg_catalog.pg_attribute at cross join lateral pg_catalog.aclexplode(at.attacl) x
           where at.attrelid = t.oid and at.attacl is not null
         ) a
         where a.privilege_type in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER')
           and a.grantee <> t.relowner and a.grantee not in (select oid from trusted)
       ) as writers,
       (select pg_catalog.count(*) from pg_catalog.pg_trigger g where g.tgrelid = t.oid and not g.tgisinternal)::pg_catalog.int4 as triggers,
       (select pg_catalog.count(*) from pg_catalog.pg_rewrite w where w.ev_class = t.oid)::pg_catalog.int4 as rules
     from t`,
    [MARKER_SCHEMA, 'protection'],
  );
  const row = r.rows[0] as
    | {
        relkind: string;
        owner: string;
        owner_ok: boolean;
        schema_owner: string;
        schema_owner_ok: boolean;
        rls: boolean;
        writers: string[];
        triggers: number;
        rules: number;
      }
    | undefined;
  if (!row) return null;
  return {
    relkind: row.relkind,
    owner: row.owner,
    ownerOk: row.owner_ok,
    schemaOwner: row.schema_owner,
    schemaOwnerOk: row.schema_owner_ok,
    rowSecurity: row.rls,
    writers: row.writers,
    triggers: row.triggers,
    rules: row.rules,
  };
}

/** Why the table's row cannot be believed, or undefined when only the database owner or a superuser could have written it. */
export function tableDistrust(f: MarkerTableFacts, dbOwner: string): string | undefined {
  const why: string[] = [];
  if (f.relkind !== 'r') why.push(`${MARKER_TABLE} is not a plain table (relkind ${f.relkind})`);
  if (!f.ownerOk)
    why.push(`${MARKER_TABLE} is owned by ${f.owner}, not by the database owner ${dbOwner} or a superuser`);
  if (!f.schemaOwnerOk)
    why.push(
      `schema ${MARKER_SCHEMA} is owned by ${f.schemaOwner}, not by the database owner ${dbOwner} or a superuser`,
    );
  if (f.writers.length) why.push(`other roles may change its rows: ${f.writers.join(', ')}`);
  if (f.triggers) why.push(`it has ${f.triggers} trigger(s)`);
  if (f.rules) why.push(`it has ${f.rules} rule(s)`);
  if (f.rowSecurity) why.push('row level security is enabled on it');
  return why.length ? why.join('; ') : undefined;
}

interface MarkerRow {
  env: string;
  system_identifier: string;
  database_oid: string;
  database_name: string;
  written_at: string;
}

/** @internal Read the identity on an open connection (its own pinned read-only transaction). */
export async function readWith(client: pg.ClientBase, url: string): Promise<DatabaseIdentity> {
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw new IdentityUnreadable(`${what} of ${maskUrl(url)}`, true, error as Error);
    }
  };
  return pinnedTransaction(client, 'read only', async () => {
    const base = await step(
      'the database name and oid',
      async () =>
        (
          await client.query(
            `select d.datname::pg_catalog.text as database, d.oid::pg_catalog.int8::pg_catalog.text as oid,
               pg_catalog.pg_get_userbyid(d.datdba)::pg_catalog.text as owner,
               pg_catalog.shobj_description(d.oid, 'pg_database') as comment,
               coalesce(pg_catalog.host(pg_catalog.inet_server_addr()) || ':' || pg_catalog.inet_server_port()::pg_catalog.text,
                        'local socket') as server
             from pg_catalog.pg_database d where d.datname = pg_catalog.current_database()`,
          )
        ).rows[0] as { database: string; oid: string; owner: string; comment: string | null; server: string },
    );
    const sysid = await step('the cluster system_identifier (pg_control_system())', async () =>
      String(
        (await client.query('select s.system_identifier::pg_catalog.text as id from pg_catalog.pg_control_system() s'))
          .rows[0].id,
      ),
    );
    const id = {
      systemIdentifier: sysid,
      database: base.database,
      databaseOid: Number(base.oid),
      server: base.server,
      owner: base.owner,
      comment: base.comment,
    };
    const table = await readMarkerTable(client, step, base.owner);
    const tableHere = Boolean(table.marker && sameDatabase(table.marker, id));
    const anchor = readAnchor(base.comment);
    if ('problem' in anchor)
      return {
        ...id,
        marker: table.marker,
        markerState: 'untrusted',
        markerSource: 'anchor',
        markerTableOk: false,
        markerProblem: `${anchor.problem} (database ${base.database}, owner ${base.owner})`,
      };
    if (anchor.anchor?.kind === 'protected') {
      const a = anchor.anchor;
      const marker = fromIds(a.env, a.system_identifier, a.database_oid, a.database, a.written_at);
      return {
        ...id,
        marker,
        markerSource: 'anchor',
        markerState: sameDatabase(marker, id) ? 'here' : 'copy',
        markerTableOk: tableHere && table.marker!.env === a.env && !table.distrust,
      };
    }
    if (anchor.anchor?.kind === 'released-copy') {
      const a = anchor.anchor;
      return {
        ...id,
        marker: fromIds(a.of.env, a.of.system_identifier, a.of.database_oid, a.of.database, a.released_at),
        markerSource: 'anchor',
        markerState: 'copy',
        released: { env: a.env, at: a.released_at, by: a.released_by, nonce: a.nonce },
      };
    }
    // No anchor: the table alone (markers written before the anchor existed, and logical copies).
    if (!table.exists) return { ...id, marker: null, markerState: 'none' };
    // A row naming this very database protects, whoever could have written it.
    if (tableHere)
      return {
        ...id,
        marker: table.marker,
        markerSource: 'table',
        markerState: 'here',
        markerTableOk: !table.distrust,
      };
    if (table.distrust)
      return {
        ...id,
        marker: table.marker,
        markerSource: 'table',
        markerState: 'untrusted',
        markerTableOk: false,
        markerProblem: `${table.distrust} (database ${base.database}, owner ${base.owner}); the database comment carries no protection line`,
      };
    return { ...id, marker: table.marker, markerSource: 'table', markerState: 'copy', markerTableOk: true };
  });
}

/** The table part: its row (if it can be read as one) and why it cannot be believed, if so. */
async function readMarkerTable(
  client: pg.ClientBase,
  step: <T>(what: string, fn: () => Promise<T>) => Promise<T>,
  dbOwner: string,
): Promise<{ exists: boolean; marker: ProtectionMarker | null; distrust?: string }> {
  const facts = await step(`the protection marker ${MARKER_TABLE} (catalog)`, () => markerTableFacts(client));
  if (!facts) return { exists: false, marker: null };
  let rows: MarkerRow[] = [];
  let readError: string | undefined;
  if (facts.relkind === 'r') {
    await client.query('savepoint marker_rows');
    try {
      rows = (
        await client.query(
          `select env::pg_catalog.text as env, system_identifier::pg_catalog.text as system_identifier,
             database_oid::pg_catalog.text as database_oid, database_name::pg_catalog.text as database_name,
             written_at::pg_catalog.text as written_at
           from only ${MARKER_TABLE} limit 2`,
        )
      ).rows as MarkerRow[];
      await client.query('release savepoint marker_rows');
    } catch (error) {
      await client.query('rollback to savepoint marker_rows');
      const e = error as Error & { code?: string };
      readError =
        e.code === '42501'
          ? `${MARKER_TABLE} cannot be read by this role (${e.message}); grant SELECT on it to PUBLIC (pnpm db:protect does)`
          : `${MARKER_TABLE} cannot be read as a marker: ${e.message}`;
    }
  }
  const row = rows.length === 1 ? rows[0]! : undefined;
  const marker =
    row && /^\d+$/.test(row.database_oid ?? '')
      ? fromIds(row.env, row.system_identifier, Number(row.database_oid), row.database_name, row.written_at)
      : null;
  const distrust =
    readError ??
    (rows.length === 0 && facts.relkind === 'r' ? `${MARKER_TABLE} exists but holds no marker row` : undefined) ??
    (rows.length > 1 ? `${MARKER_TABLE} holds more than one row` : undefined) ??
    (marker || facts.relkind !== 'r' ? undefined : `${MARKER_TABLE} holds a row that is not a marker`) ??
    tableDistrust(facts, dbOwner);
  return { exists: true, marker, distrust };
}

function fromIds(env: string, sysid: string, oid: number, database: string, at: string): ProtectionMarker {
  return { env, systemIdentifier: sysid, databaseOid: oid, database, writtenAt: at };
}

/**
 * Connect to `url` exactly as pg does for every command (same parsing, query parameters and
 * `PG*` variables) and read the cluster id, the database name and oid, and the protection marker.
 * Throws IdentityUnreadable naming what could not be read.
 *
 * @example const id = await readIdentity(url); if (id.markerState !== 'none') …
 */
export async function readIdentity(url: string, options: { timeoutMs?: number } = {}): Promise<DatabaseIdentity> {
  const client = await connectForIdentity(url, options.timeoutMs ?? 10_000);
  try {
    return await readWith(client, url);
  } finally {
    await client.end().catch(() => {});
  }
}
