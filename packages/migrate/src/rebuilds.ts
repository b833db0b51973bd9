/**
 * Which views and MVs a migration created or replaced, recorded in `log.migration_rebuild` in the
 * migration's own transaction, so the refresher can count "a migration rebuilt m" as a change of m
 * and of every MV reading it (an MV created WITH NO DATA, or one still holding rows computed with a
 * replaced view's old logic, is stale until its next refresh). Read from the parse tree.
 */
import type pg from 'pg';
import type { ParsedStatement } from './sql/parse.ts';

export const REBUILD_TABLE = 'log.migration_rebuild';

export interface Rebuild {
  /** Quoted as written (`"mart"."mv_receive_daily"`, or unqualified), resolved at record time. */
  relation: string;
  kind: 'mv' | 'view';
  /** MVs: WITH DATA (true) or WITH NO DATA (false); null for views. */
  withData: boolean | null;
}

const quoted = (rv: { schemaname?: string; relname?: string } | undefined) =>
  [rv?.schemaname, rv?.relname]
    .filter((p): p is string => !!p)
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');

/** The views (CREATE [OR REPLACE] VIEW) and MVs (CREATE MATERIALIZED VIEW) the statements create. */
export function rebuildsOf(statements: readonly ParsedStatement[]): Rebuild[] {
  const out: Rebuild[] = [];
  for (const s of statements) {
    type Rv = { schemaname?: string; relname?: string };
    const n = s.node as { view?: Rv; objtype?: string; into?: { rel?: Rv; skipData?: boolean } };
    if (s.kind === 'ViewStmt') out.push({ relation: quoted(n.view), kind: 'view', withData: null });
    else if (s.kind === 'CreateTableAsStmt' && n.objtype === 'OBJECT_MATVIEW')
      out.push({ relation: quoted(n.into?.rel), kind: 'mv', withData: n.into?.skipData !== true });
  }
  return out;
}

/** Whether the table exists: asked once per run, then followed from the migrations' own statements. */
export interface RebuildLog {
  present: boolean;
}

export async function rebuildLogOf(client: pg.ClientBase): Promise<RebuildLog> {
  const { rows } = await client.query(`select to_regclass($1) is not null as present`, [REBUILD_TABLE]);
  return { present: rows[0]?.present === true };
}

/** Whether the statements create the table (the migration that introduces it). */
export function createsRebuildTable(statements: readonly ParsedStatement[]): boolean {
  return statements.some((s) => {
    const rel = (s.node as { relation?: { schemaname?: string; relname?: string } }).relation;
    return s.kind === 'CreateStmt' && `${rel?.schemaname}.${rel?.relname}` === REBUILD_TABLE;
  });
}

/**
 * The INSERT recording the rebuilds of migration `name`, values as literals so that it can travel in
 * the same simple-protocol message as the migration itself (one round trip per migration); '' when
 * there is nothing to record or the table does not exist yet (`log.present`, no query per migration
 * for it). Names resolve to schema-qualified ones when it runs (the search path the migration ran
 * with); a relation created and dropped again in the same file is skipped.
 */
export function rebuildsInsertSql(
  client: Pick<pg.ClientBase, 'escapeLiteral'>,
  name: string,
  rebuilds: readonly Rebuild[],
  log: RebuildLog,
): string {
  if (rebuilds.length === 0 || !log.present) return '';
  const array = (values: (string | boolean | null)[], type: string) =>
    `array[${values.map((v) => (v === null ? 'null' : typeof v === 'boolean' ? String(v) : client.escapeLiteral(v))).join(', ')}]::${type}[]`;
  return `insert into ${REBUILD_TABLE} (migration_name, relation, kind, with_data, rebuilt_at)
     select ${client.escapeLiteral(name)}, n.nspname || '.' || c.relname, r.kind, r.with_data, clock_timestamp()
       from unnest(${array(
         rebuilds.map((r) => r.relation),
         'text',
       )}, ${array(
         rebuilds.map((r) => r.kind),
         'text',
       )}, ${array(
         rebuilds.map((r) => r.withData),
         'boolean',
       )}) with ordinality as r(name, kind, with_data, i)
       join pg_class c on c.oid = to_regclass(r.name)
       join pg_namespace n on n.oid = c.relnamespace
      order by r.i`;
}

/** Insert the rebuilds of migration `name` on `client` now (a no-transaction file, after its statements). */
export async function recordRebuilds(
  client: pg.ClientBase,
  name: string,
  rebuilds: readonly Rebuild[],
  log: RebuildLog,
): Promise<void> {
  const sql = rebuildsInsertSql(client, name, rebuilds, log);
  if (sql) await client.query(sql);
}
