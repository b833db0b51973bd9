import type pg from 'pg';
import { loadIncrementalTables, type IncrementalTable } from './incremental.ts';
import { notSwapSchema } from './shadow.ts';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

export interface MvNode {
  /** Schema-qualified name as `schema.name` (unquoted). */
  name: string;
  schema: string;
  relname: string;
  populated: boolean;
  /** A unique index usable by REFRESH … CONCURRENTLY: unique, valid, no predicate, no expressions. */
  uniqueIndex: string | null;
  /** MVs (and incremental tables) this MV reads, directly or through plain views. */
  upstream: string[];
  /** Set for an incremental table (catalog `-- incremental by KEY`): refreshed by keys, not REFRESH. */
  incremental?: IncrementalTable;
}

export interface MvGraph {
  nodes: Map<string, MvNode>;
  /** name → MVs that read it (directly or through views). Incremental tables are nodes too. */
  downstream: Map<string, string[]>;
}

/**
 * MV → MV edges, following dependencies through plain views. Same idea as pg_dump's
 * buildMatViewRefreshDependencies: an MV's rewrite rule depends (pg_depend, classid pg_rewrite)
 * on the relations its query reads; views are expanded recursively, other MVs are edges. Tables are
 * kept as edges too (relkind 'r'); loadGraph keeps those to incremental tables and drops the rest.
 */
const EDGES_SQL = `
with recursive w(objid, refobjid, refrelkind) as (
  select r1.ev_class, d1.refobjid, c1.relkind
  from pg_rewrite r1
  join pg_class m on m.oid = r1.ev_class and m.relkind = 'm'
  join pg_depend d1 on d1.classid = 'pg_rewrite'::regclass and d1.objid = r1.oid
    and d1.refclassid = 'pg_class'::regclass and d1.refobjid <> r1.ev_class
  join pg_class c1 on c1.oid = d1.refobjid and c1.relkind in ('m', 'v', 'r')
  union
  select w.objid, d2.refobjid, c2.relkind
  from w
  join pg_rewrite r2 on r2.ev_class = w.refobjid
  join pg_depend d2 on d2.classid = 'pg_rewrite'::regclass and d2.objid = r2.oid
    and d2.refclassid = 'pg_class'::regclass and d2.refobjid <> w.refobjid
  join pg_class c2 on c2.oid = d2.refobjid and c2.relkind in ('m', 'v', 'r')
  where w.refrelkind = 'v'
)
select distinct
  mn.nspname || '.' || m.relname as mv,
  un.nspname || '.' || u.relname as upstream
from w
join pg_class m on m.oid = w.objid join pg_namespace mn on mn.oid = m.relnamespace
join pg_class u on u.oid = w.refobjid join pg_namespace un on un.oid = u.relnamespace
where w.refrelkind in ('m', 'r') and w.refobjid <> w.objid and ${notSwapSchema('mn')} and ${notSwapSchema('un')}`;

const NODES_SQL = `
select n.nspname as schema, c.relname, c.relispopulated as populated,
  (select i.relname from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = c.oid and x.indisunique and x.indisvalid and x.indpred is null and x.indexprs is null
    order by i.relname limit 1) as unique_index
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'm' and n.nspname not in ('pg_catalog', 'information_schema') and ${notSwapSchema('n')}
order by 1, 2`;

/** Read every MV and incremental table of the database and the dependencies between them. */
export async function loadGraph(db: Queryable): Promise<MvGraph> {
  const [nodesRes, edgesRes] = [await db.query(NODES_SQL), await db.query(EDGES_SQL)];
  const incremental = await loadIncrementalTables(db);
  const nodes = new Map<string, MvNode>();
  for (const t of incremental.values()) {
    const [schema, relname] = [t.name.slice(0, t.name.indexOf('.')), t.name.slice(t.name.indexOf('.') + 1)];
    const ux = await db.query<{ name: string }>(
      `select i.relname as name from pg_index x join pg_class i on i.oid = x.indexrelid
       where x.indrelid = to_regclass($1) and x.indisunique and x.indisvalid order by 1 limit 1`,
      [`"${schema}"."${relname}"`],
    );
    nodes.set(t.name, {
      name: t.name,
      schema,
      relname,
      populated: true,
      uniqueIndex: ux.rows[0]?.name ?? null,
      upstream: [],
      incremental: t,
    });
  }
  for (const r of nodesRes.rows) {
    const name = `${r.schema}.${r.relname}`;
    nodes.set(name, {
      name,
      schema: r.schema,
      relname: r.relname,
      populated: r.populated,
      uniqueIndex: r.unique_index,
      upstream: [],
    });
  }
  const downstream = new Map<string, string[]>([...nodes.keys()].map((k) => [k, []]));
  for (const { mv, upstream } of edgesRes.rows as { mv: string; upstream: string }[]) {
    if (!nodes.has(upstream)) continue; // a plain table
    nodes.get(mv)?.upstream.push(upstream);
    downstream.get(upstream)?.push(mv);
  }
  return { nodes, downstream };
}

/** `names` plus every MV downstream of them. */
export function withDownstream(graph: MvGraph, names: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const stack = [...names];
  while (stack.length) {
    const n = stack.pop()!;
    if (out.has(n)) continue;
    out.add(n);
    stack.push(...(graph.downstream.get(n) ?? []));
  }
  return out;
}

/**
 * A topological order of `names` (dependencies first), ties broken by name so the order is stable.
 * Throws on a cycle, which PostgreSQL does not allow between MVs.
 */
export function topoOrder(graph: MvGraph, names: Set<string>): string[] {
  const indegree = new Map<string, number>();
  for (const n of names) indegree.set(n, (graph.nodes.get(n)?.upstream ?? []).filter((u) => names.has(u)).length);
  const ready = [...names].filter((n) => indegree.get(n) === 0).sort();
  const order: string[] = [];
  while (ready.length) {
    const n = ready.shift()!;
    order.push(n);
    for (const d of graph.downstream.get(n) ?? []) {
      if (!names.has(d)) continue;
      const left = indegree.get(d)! - 1;
      indegree.set(d, left);
      if (left === 0) {
        ready.push(d);
        ready.sort();
      }
    }
  }
  if (order.length !== names.size)
    throw new Error(`MV dependency cycle among: ${[...names].filter((n) => !order.includes(n)).join(', ')}`);
  return order;
}

/** `mv_x` → `mart.mv_x`; `schema.mv_x` unchanged; quotes removed. */
export function normalizeName(name: string, defaultSchema = 'mart'): string {
  const clean = name.trim().replace(/"/g, '');
  return clean.includes('.') ? clean : `${defaultSchema}.${clean}`;
}
