import type pg from 'pg';
import { parseQueryViewComment, QUERY_VIEW_SUFFIX, type CatalogKind } from '@warehouse/db/views';

export interface DbIndex {
  name: string;
  unique: boolean;
  /** pg_get_indexdef: `CREATE [UNIQUE] INDEX name ON schema.rel USING btree (…)`. */
  def: string;
}

export interface DbColumn {
  name: string;
  type: string;
  notNull: boolean;
}

/** A view, MV or incremental table (a table whose query view `<name>__query` exists) as the database has it. */
export interface DbObject {
  name: string;
  kind: CatalogKind;
  /** pg_get_viewdef(oid, true): PostgreSQL's normalised text of the query; for a table `incremental by KEY`. */
  def: string;
  columns: DbColumn[];
  indexes: DbIndex[];
  comment: string | null;
  /** reloptions, sorted, e.g. ['security_invoker=true']. */
  options: string[];
  populated: boolean;
  /** Relations (tables, views, MVs) the rewrite rule reads; an incremental table reads its query view. */
  reads: string[];
}

export interface DbState {
  objects: Map<string, DbObject>;
  /** Every relation (tables included) in the schemas read. */
  relations: Set<string>;
}

/**
 * Read every view and MV of `schemas`: normalised definition, columns, indexes, comment,
 * options and what each reads (pg_depend through pg_rewrite).
 */
export async function readState(client: pg.ClientBase, schemas: string[]): Promise<DbState> {
  const rels = await client.query<{
    name: string;
    relkind: string;
    oid: number;
    def: string | null;
    comment: string | null;
    options: string[] | null;
    populated: boolean;
  }>(
    `SELECT n.nspname || '.' || c.relname AS name, c.relkind::text AS relkind, c.oid::int AS oid,
            CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS def,
            obj_description(c.oid, 'pg_class') AS comment, c.reloptions AS options, c.relispopulated AS populated
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
    [schemas],
  );
  const objects = new Map<string, DbObject>();
  const byOid = new Map<number, DbObject>();
  for (const r of rels.rows) {
    if (r.relkind !== 'v' && r.relkind !== 'm') continue;
    const o: DbObject = {
      name: r.name,
      kind: r.relkind === 'm' ? 'matview' : 'view',
      def: (r.def ?? '').trim(),
      columns: [],
      indexes: [],
      comment: r.comment,
      options: [...(r.options ?? [])].sort(),
      populated: r.populated,
      reads: [],
    };
    objects.set(o.name, o);
    byOid.set(r.oid, o);
  }
  // Incremental tables: a table whose `<name>__query` view says (in its comment) that it is one.
  for (const r of rels.rows) {
    if (r.relkind !== 'r') continue;
    const view = objects.get(`${r.name}${QUERY_VIEW_SUFFIX}`);
    const tag = view?.kind === 'view' ? parseQueryViewComment(view.comment) : null;
    if (!tag || tag.table !== r.name) continue;
    const o: DbObject = {
      name: r.name,
      kind: 'table',
      def: `incremental by ${tag.key}`,
      columns: [],
      indexes: [],
      comment: r.comment,
      options: [...(r.options ?? [])].sort(),
      populated: true,
      reads: [view!.name],
    };
    objects.set(o.name, o);
    byOid.set(r.oid, o);
  }
  const oids = [...byOid.keys()];
  if (oids.length) {
    const cols = await client.query<{ oid: number; name: string; type: string; notnull: boolean }>(
      `SELECT a.attrelid::int AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull
       FROM pg_attribute a WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum`,
      [oids],
    );
    for (const c of cols.rows) byOid.get(c.oid)!.columns.push({ name: c.name, type: c.type, notNull: c.notnull });
    const idx = await client.query<{ oid: number; name: string; unique: boolean; def: string }>(
      `SELECT i.indrelid::int AS oid, ic.relname AS name, i.indisunique AS unique, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = ANY($1::oid[])
       ORDER BY i.indrelid, NOT i.indisunique, ic.relname`,
      [oids],
    );
    for (const x of idx.rows) byOid.get(x.oid)!.indexes.push({ name: x.name, unique: x.unique, def: x.def });
    const deps = await client.query<{ oid: number; dep: string }>(
      `SELECT DISTINCT rw.ev_class::int AS oid, rn.nspname || '.' || rc.relname AS dep
       FROM pg_rewrite rw
       JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
       JOIN pg_class rc ON rc.oid = d.refobjid
       JOIN pg_namespace rn ON rn.oid = rc.relnamespace
       WHERE rw.ev_class = ANY($1::oid[]) AND d.refobjid <> rw.ev_class
       ORDER BY 2`,
      [oids],
    );
    for (const d of deps.rows) byOid.get(d.oid)!.reads.push(d.dep);
  }
  return { objects, relations: new Set(rels.rows.map((r) => r.name)) };
}

/** Everything that decides whether an object must be rebuilt (not indexes or comment: those are altered in place). */
export function signature(o: DbObject): string {
  return JSON.stringify([o.kind, o.def, o.columns.map((c) => `${c.name} ${c.type}`), o.options]);
}

/** Objects of `state` that read any of `roots`, transitively (roots excluded unless reached again). */
export function dependantClosure(state: DbState, roots: Iterable<string>): Set<string> {
  const readers = new Map<string, string[]>();
  for (const o of state.objects.values()) for (const r of o.reads) readers.set(r, [...(readers.get(r) ?? []), o.name]);
  const out = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    for (const r of readers.get(n) ?? []) {
      if (!out.has(r)) {
        out.add(r);
        stack.push(r);
      }
    }
  }
  return out;
}
