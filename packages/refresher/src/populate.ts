import pg from 'pg';
import { notSwapSchema } from './shadow.ts';
import { refresh } from './refresh.ts';
import type { RefreshOptions, RefreshResult } from './types.ts';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

/** MVs that are not populated (created WITH NO DATA, or by a schema-only snapshot). */
export async function unpopulatedMvs(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'm' AND NOT c.relispopulated AND ${notSwapSchema('n')} ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/** MVs whose query reads any of `tables`, directly or through plain views. */
export async function mvsReading(db: Queryable, tables: readonly string[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const { rows } = await db.query<{ name: string }>(
    `WITH RECURSIVE readers(oid) AS (
       SELECT rw.ev_class FROM pg_rewrite rw
       JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
       WHERE d.refobjid = ANY (SELECT to_regclass(t) FROM unnest($1::text[]) t) AND d.refobjid <> rw.ev_class
       UNION
       SELECT rw.ev_class FROM readers r
       JOIN pg_class v ON v.oid = r.oid AND v.relkind = 'v'
       JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = v.oid AND d.classid = 'pg_rewrite'::regclass
       JOIN pg_rewrite rw ON rw.oid = d.objid AND rw.ev_class <> v.oid
     )
     SELECT DISTINCT n.nspname || '.' || c.relname AS name FROM readers r
     JOIN pg_class c ON c.oid = r.oid AND c.relkind = 'm' JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${notSwapSchema('n')} ORDER BY 1`,
    [tables],
  );
  return rows.map((r) => r.name);
}

export interface PopulateOptions extends RefreshOptions {
  /** Tables whose data just changed (e.g. seeded reference data): MVs reading them are refreshed too. */
  changedTables?: readonly string[];
}

/**
 * After a migration or a snapshot, refresh every MV the run left unpopulated (and, with
 * `changedTables`, every MV reading them), in graph order, through the refresher — so dashboards
 * never meet "materialized view has not been populated". Returns null when nothing needed it.
 *
 * @example
 * const r = await populateMvs({ url, trigger: 'migrate' });
 * if (r && r.outcome !== 'ok') process.exitCode = 1;
 */
export async function populateMvs(options: PopulateOptions): Promise<{ mvs: string[]; result: RefreshResult } | null> {
  const db = options.pool ?? new pg.Client({ connectionString: options.url, application_name: 'warehouse-populate' });
  const own = !options.pool;
  if (own) {
    (db as pg.Client).on('error', () => {});
    await (db as pg.Client).connect();
  }
  let mvs: string[];
  try {
    mvs = [...new Set([...(await unpopulatedMvs(db)), ...(await mvsReading(db, options.changedTables ?? []))])].sort();
  } finally {
    if (own) await (db as pg.Client).end().catch(() => {});
  }
  if (mvs.length === 0) return null;
  const result = await refresh(mvs, { trigger: 'populate', ...options });
  return { mvs, result };
}
