/**
 * Incremental tables: catalog objects declared `-- incremental by KEY` (packages/db/prisma/views).
 * Each is a plain table with the columns, indexes and comment its materialized view would have,
 * filled from its declared query, which the migrations keep as the view `<name>__query`.
 *
 * - `applyKeys` recomputes some keys: DELETE those keys, INSERT them from the query restricted to
 *   them (PostgreSQL pushes `key = ANY($1)` down into the query's scans; test/incremental.test.ts
 *   checks the plan). One transaction: readers see the old rows of a key or the new ones, never none.
 * - `applyFull` recomputes everything into a temporary table and writes only the keys whose rows
 *   differ (delete + insert of those keys), in one transaction: readers are never blocked and never
 *   see a key missing, and an unchanged table is not rewritten.
 * - `verifyIncremental` compares the table with the query's full result (EXCEPT ALL both ways).
 */
import pg from 'pg';
import { parseQueryViewComment, QUERY_VIEW_SUFFIX } from '@warehouse/db/views';
import { countExistingUploads } from '@warehouse/db/uploads';
import { notSwapSchema } from './shadow.ts';
import { quoteName } from './mode.ts';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

export interface IncrementalTable {
  /** `schema.name` of the table. */
  name: string;
  /** The key column (e.g. `ddate`). */
  key: string;
  /** Its SQL type (`date`), for casting the keys. */
  keyType: string;
  /** `schema.name__query`: the declared query. */
  queryView: string;
}

export type Strategy = 'incremental' | 'full';

const TABLES_SQL = `
select n.nspname || '.' || c.relname as name, obj_description(v.oid, 'pg_class') as tag,
  n.nspname || '.' || v.relname as query_view
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_class v on v.relnamespace = c.relnamespace and v.relname = c.relname || $1 and v.relkind = 'v'
where c.relkind = 'r' and ${notSwapSchema('n')}
order by 1`;

/** Every incremental table of the database (a table whose `<name>__query` view says it is one). */
export async function loadIncrementalTables(db: Queryable): Promise<Map<string, IncrementalTable>> {
  const { rows } = await db.query<{ name: string; tag: string | null; query_view: string }>(TABLES_SQL, [
    QUERY_VIEW_SUFFIX,
  ]);
  const out = new Map<string, IncrementalTable>();
  for (const r of rows) {
    const tag = parseQueryViewComment(r.tag);
    if (!tag || tag.table !== r.name) continue;
    const type = await db.query<{ type: string }>(
      `select format_type(atttypid, atttypmod) as type from pg_attribute
       where attrelid = to_regclass($1) and attname = $2 and not attisdropped`,
      [quoteName(r.name), tag.key],
    );
    if (!type.rows[0]) continue;
    out.set(r.name, { name: r.name, key: tag.key, keyType: type.rows[0].type, queryView: r.query_view });
  }
  return out;
}

const UPLOAD_TRIGGER = /^(upload|revert|confirm):(\d+)$/;

/**
 * The upload ids of a run's trigger (`upload:4,revert:3`), or null when any part is something
 * else (`schedule`, `cli`, `api`, …): those runs rebuild in full.
 */
export function uploadIdsOf(trigger: string): number[] | null {
  const parts = trigger
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) return null;
  const ids: number[] = [];
  for (const p of parts) {
    const m = UPLOAD_TRIGGER.exec(p);
    if (!m) return null;
    ids.push(Number(m[2]));
  }
  return [...new Set(ids)];
}

/**
 * The dates the uploads touched (log.upload_touched_date), as `YYYY-MM-DD`; null when one of the
 * uploads is unknown (then nobody knows its dates: rebuild in full).
 */
export async function touchedKeys(db: Queryable, uploadIds: number[]): Promise<string[] | null> {
  if ((await countExistingUploads(db, uploadIds)) !== uploadIds.length) return null;
  const { rows } = await db.query<{ d: string }>(
    `select distinct to_char(slip_date, 'YYYY-MM-DD') as d from log.upload_touched_date
     where upload_file_id = any($1::bigint[]) order by 1`,
    [uploadIds],
  );
  return rows.map((r) => r.d);
}

/** Advisory lock class of incremental table writers (the key is the table's oid). */
export const INCREMENTAL_LOCK_CLASS = 8204;

/**
 * One writer per table at a time, until the transaction ends. An advisory lock rather than a table
 * lock: it blocks no reader and does not collide with autovacuum (SHARE ROW EXCLUSIVE would wait
 * for an autoanalyze of the table up to deadlock_timeout before cancelling it).
 */
async function lockForWrite(client: pg.ClientBase, t: IncrementalTable): Promise<void> {
  await client.query(`select pg_advisory_xact_lock($1, $2::regclass::oid::int)`, [
    INCREMENTAL_LOCK_CLASS,
    quoteName(t.name),
  ]);
}

/**
 * Recompute `keys` of `t` from its declared query. Call inside a transaction (the caller commits).
 * @example await applyKeys(client, t, ['2026-03-01', '2026-03-02']);
 */
export async function applyKeys(client: pg.ClientBase, t: IncrementalTable, keys: readonly string[]): Promise<number> {
  await lockForWrite(client, t);
  // Run even for no keys: the statements take the table's ROW EXCLUSIVE lock, so a refresh of a
  // table someone holds locked fails on lock_timeout like any other.
  const key = `"${t.key}"`;
  const cast = `$1::${t.keyType}[]`;
  await client.query(`delete from ${quoteName(t.name)} where ${key} = any(${cast})`, [keys]);
  await client.query(
    `insert into ${quoteName(t.name)} select * from ${quoteName(t.queryView)} where ${key} = any(${cast})`,
    [keys],
  );
  return keys.length;
}

/**
 * Rebuild `t` whole: the query's full result into a temporary table, then delete + insert only the
 * keys whose rows differ. Inside a transaction. Returns the keys that differed (sorted, as text).
 */
export async function applyFull(client: pg.ClientBase, t: IncrementalTable): Promise<string[]> {
  await lockForWrite(client, t);
  const table = quoteName(t.name);
  const key = `"${t.key}"`;
  await client.query(`create temp table incremental_new on commit drop as select * from ${quoteName(t.queryView)}`);
  const { rows } = await client.query<{ k: string }>(
    `select distinct d.${key}::text as k from (
       (select * from ${table} except all select * from incremental_new)
       union all
       (select * from incremental_new except all select * from ${table})
     ) d order by 1`,
  );
  const keys = rows.map((r) => r.k);
  if (keys.length) {
    const cast = `$1::${t.keyType}[]`;
    await client.query(`delete from ${table} where ${key} = any(${cast})`, [keys]);
    await client.query(`insert into ${table} select * from incremental_new where ${key} = any(${cast})`, [keys]);
  }
  await client.query(`drop table incremental_new`);
  return keys;
}

export interface KeyDifference {
  key: string;
  /** `missing`: the query has rows for the key, the table none; `extra`: the reverse; `differs`: both, unequal. */
  kind: 'missing' | 'extra' | 'differs';
}

export interface VerifyResult {
  name: string;
  ok: boolean;
  differences: KeyDifference[];
}

/**
 * Compare the table with its declared query's full result (EXCEPT ALL both ways, one snapshot).
 * Reports only; `applyFull` repairs.
 * @example const { ok, differences } = await verifyIncremental(pool, t);
 */
export async function verifyIncremental(db: pg.Pool | pg.ClientBase, t: IncrementalTable): Promise<VerifyResult> {
  // A pool lends one client for the snapshot; a client is used as it is.
  const own = db instanceof pg.Pool ? await db.connect() : null;
  const client: pg.ClientBase = own ?? (db as pg.ClientBase);
  const table = quoteName(t.name);
  const view = quoteName(t.queryView);
  const key = `"${t.key}"`;
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{ k: string }>(
      `select distinct d.k from (
         select a.${key}::text as k from (select * from ${table} except all select * from ${view}) a
         union all
         select b.${key}::text as k from (select * from ${view} except all select * from ${table}) b
       ) d order by d.k`,
    );
    // Which of those keys each side has rows for at all (the query restricted to them is cheap).
    const keys = rows.map((r) => r.k);
    const has = async (rel: string) =>
      new Set(
        (
          await client.query<{ k: string }>(
            `select distinct ${key}::text as k from ${rel} where ${key} = any($1::${t.keyType}[])`,
            [keys],
          )
        ).rows.map((r) => r.k),
      );
    const [inTable, inQuery] = keys.length
      ? [await has(table), await has(view)]
      : [new Set<string>(), new Set<string>()];
    await client.query('commit');
    const differences = rows.map((r): KeyDifference => {
      const kind = !inTable.has(r.k) ? 'missing' : !inQuery.has(r.k) ? 'extra' : 'differs';
      return { key: r.k, kind };
    });
    return { name: t.name, ok: differences.length === 0, differences };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    own?.release();
  }
}
