import { parse } from 'libpg-query';
import { DbError } from '@warehouse/db';
import { QUERY_VIEW_SUFFIX, type CatalogObject } from '@warehouse/db/views';

type Node = unknown;

function walk(node: Node, visit: (key: string, value: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) visit(k, v as Record<string, unknown>);
      walk(v, visit);
    }
  }
}

/**
 * The relations a catalog query reads (`schema.name`), found by PostgreSQL's own parser.
 * An unqualified name that is not a CTE is refused: the catalog does not depend on search_path.
 */
export async function queryReferences(o: CatalogObject): Promise<string[]> {
  let tree: unknown;
  try {
    tree = await parse(o.query);
  } catch (error) {
    throw new DbError('E_CATALOG', `${o.file}: the query does not parse: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const stmts = (tree as { stmts?: unknown[] }).stmts ?? [];
  if (stmts.length !== 1)
    throw new DbError('E_CATALOG', `${o.file}: must hold exactly one query, found ${stmts.length} statements`);
  const ctes = new Set<string>();
  const vars: { schemaname?: string; relname: string }[] = [];
  walk(tree, (key, value) => {
    if (key === 'CommonTableExpr') ctes.add(String(value.ctename));
    if (key === 'RangeVar') vars.push(value as { schemaname?: string; relname: string });
  });
  if (o.kind === 'table' && o.incremental) {
    // Rows for one key must not depend on rows of other keys, or recomputing only the touched
    // keys would leave the others wrong: a window function (a running sum over the key) does.
    const windows: string[] = [];
    walk(tree, (key, value) => {
      if (key === 'FuncCall' && value.over) {
        const names = (value.funcname as { String?: { sval?: string } }[] | undefined) ?? [];
        windows.push(names.map((n) => n.String?.sval ?? '?').join('.'));
      }
    });
    if (windows.length) {
      throw new DbError(
        'E_CATALOG',
        `${o.file}: incremental by ${o.incremental.key} is refused: the query uses window function${windows.length === 1 ? '' : 's'} ${[...new Set(windows)].join(', ')} (… OVER …), so the rows of one ${o.incremental.key} can depend on other ${o.incremental.key} values and recomputing only the touched ones would leave the rest wrong; drop the \`-- incremental by\` line (keep it a materialized view) or move the window function into a view that reads the table`,
      );
    }
  }
  const refs = new Set<string>();
  for (const v of vars) {
    if (v.schemaname) refs.add(`${v.schemaname}.${v.relname}`);
    else if (!ctes.has(v.relname)) {
      throw new DbError(
        'E_CATALOG',
        `${o.file}: relation ${v.relname} is not schema-qualified; write e.g. mart.${v.relname} (catalog queries do not rely on search_path)`,
      );
    }
  }
  return [...refs].sort();
}

/** Relations an SQL script alters, drops or renames (for a schema.prisma change under views). */
export async function alteredRelations(sql: string): Promise<string[]> {
  if (!sql.trim()) return [];
  const tree = await parse(sql);
  const out = new Set<string>();
  for (const s of (tree as { stmts?: { stmt: Record<string, Record<string, unknown>> }[] }).stmts ?? []) {
    const [type, body] = Object.entries(s.stmt)[0] ?? [];
    if (!type || !body) continue;
    const rel = body.relation as { schemaname?: string; relname?: string } | undefined;
    // Only what a reading view blocks: a column's type changed or dropped (adding a column, a
    // default, a constraint or an index does not touch the views that read the table).
    const blocking = ((body.cmds as { AlterTableCmd?: { subtype?: string } }[] | undefined) ?? []).some((c) =>
      ['AT_AlterColumnType', 'AT_DropColumn'].includes(c.AlterTableCmd?.subtype ?? ''),
    );
    if (((type === 'AlterTableStmt' && blocking) || type === 'RenameStmt') && rel?.relname)
      out.add(`${rel.schemaname ?? 'public'}.${rel.relname}`);
    if (type === 'DropStmt' && body.removeType === 'OBJECT_TABLE') {
      for (const list of (body.objects as { List?: { items: { String: { sval: string } }[] } }[]) ?? []) {
        const names = (list.List?.items ?? []).map((x) => x.String.sval);
        if (names.length) out.add(names.length === 1 ? `public.${names[0]}` : names.slice(-2).join('.'));
      }
    }
  }
  return [...out].sort();
}

/**
 * Dependency order (what an object reads comes first), ties by name. Throws on a cycle.
 * `deps` maps a name to what it reads; names outside `names` are ignored.
 */
export function topoOrder(names: Iterable<string>, deps: (name: string) => Iterable<string>): string[] {
  const set = new Set(names);
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, trail: string[]) => {
    const s = state.get(n);
    if (s === 'done') return;
    if (s === 'visiting')
      throw new DbError('E_CATALOG', `the catalog has a dependency cycle: ${[...trail, n].join(' → ')}`);
    state.set(n, 'visiting');
    for (const d of [...deps(n)].sort()) if (set.has(d) && d !== n) visit(d, [...trail, n]);
    state.set(n, 'done');
    out.push(n);
  };
  for (const n of [...set].sort()) visit(n, []);
  return out;
}

/**
 * Refuse an incremental table whose declared query reads a materialized view, directly or through
 * catalog views: the refresher orders a run by pg_depend, where a table has no rewrite rule and so
 * no upstream, so recomputing the table's touched keys could read that MV before the same run
 * refreshed it, and the keys would be computed from stale rows.
 * `catalog` is the expanded catalog, `reads` what each of its objects reads.
 */
export function refuseIncrementalOverMvs(
  catalog: readonly CatalogObject[],
  reads: ReadonlyMap<string, readonly string[]>,
): void {
  const byName = new Map(catalog.map((o) => [o.name, o]));
  for (const o of catalog) {
    if (o.kind !== 'table' || !o.incremental) continue;
    // breadth-first through catalog views, remembering the path for the message
    const seen = new Set<string>();
    const queue: string[][] = (reads.get(o.name) ?? []).map((r) => [r]);
    while (queue.length) {
      const path = queue.shift()!;
      const name = path[path.length - 1]!;
      if (seen.has(name)) continue;
      seen.add(name);
      const target = byName.get(name);
      if (!target) continue;
      if (target.kind === 'matview') {
        throw new DbError(
          'E_CATALOG',
          `${o.file}: incremental by ${o.incremental.key} is refused: the query reads the materialized view ${path.filter((p) => !p.endsWith(QUERY_VIEW_SUFFIX)).join(' → ')}, ` +
            `which a refresh after an upload may not have refreshed yet when this table's touched ${o.incremental.key} values are recomputed; ` +
            `read the tables that MV reads instead, or drop the \`-- incremental by\` line (keep it a materialized view)`,
        );
      }
      if (target.kind === 'view') for (const r of reads.get(name) ?? []) queue.push([...path, r]);
    }
  }
}
