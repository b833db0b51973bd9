/**
 * Expand, fill, swap: how a generated migration changes views, MVs and incremental tables while
 * readers keep reading the old ones. The migration (DDL only) creates the new versions WITH NO DATA
 * in a shadow schema (`<schema>__swap`, same relation and index names) and writes the plan into
 * `log.migration_swap`; the runner (packages/migrate/src/swap.ts) fills them after the DDL
 * transaction and swaps them in one short transaction (drop the old ones readers first, `SET
 * SCHEMA` the new ones, grants copied). See docs/design.md "Views and MVs".
 */
import { parse } from 'libpg-query';
import { DbError } from '@warehouse/db';
import { createStatements, literal, type CatalogKind, type CatalogObject } from '@warehouse/db/views';

/** The table a swap migration writes its plan into and the runner works from. */
export const SWAP_TABLE = 'log.migration_swap';

/** Suffix of the shadow schema that holds the new versions until the swap: `mart` → `mart__swap`. */
export const SWAP_SCHEMA_SUFFIX = '__swap';

export function shadowSchema(schema: string): string {
  return `${schema}${SWAP_SCHEMA_SUFFIX}`;
}

/** `mart.v_x` → `mart__swap.v_x`. */
export function shadowName(name: string): string {
  const [schema, rel] = name.split('.');
  return `${shadowSchema(schema!)}.${rel}`;
}

type Located = { schemaname?: string; relname?: string; location?: number };

function rangeVars(node: unknown, out: Located[]): void {
  if (Array.isArray(node)) for (const n of node) rangeVars(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === 'RangeVar' && v && typeof v === 'object') out.push(v);
      rangeVars(v, out);
    }
  }
}

/** A schema-qualified relation reference in a query: where it is written (characters) and what it names. */
export interface QueryRef {
  name: string;
  from: number;
  to: number;
}

/** Every schema-qualified relation reference of a query, found by PostgreSQL's parser (RangeVar positions). */
export async function queryRefs(o: Pick<CatalogObject, 'query' | 'file'>): Promise<QueryRef[]> {
  const vars: Located[] = [];
  rangeVars(await parse(o.query), vars);
  const bytes = Buffer.from(o.query, 'utf8');
  const out: QueryRef[] = [];
  for (const v of vars) {
    if (!v.schemaname || v.location === undefined) continue;
    const name = `${v.schemaname}.${v.relname}`;
    const from = bytes.subarray(0, v.location).toString('utf8').length;
    const m = /^("?)([A-Za-z0-9_$]+)\1\s*\.\s*("?)([A-Za-z0-9_$]+)\3/.exec(o.query.slice(from));
    if (!m || m[2] !== v.schemaname || m[4] !== v.relname)
      throw new DbError(
        'E_CATALOG',
        `${o.file}: cannot find where the query names ${name} (needed to point it at its new version)`,
      );
    out.push({ name, from, to: from + m[0].length });
  }
  return out;
}

/**
 * The query with every reference to a relation of `shadowed` pointed at its shadow (`mart.v_x` →
 * `mart__swap.v_x`); strings, comments and column names that look alike are left alone.
 */
export function shadowQuery(query: string, refs: readonly QueryRef[], shadowed: ReadonlySet<string>): string {
  let out = query;
  for (const r of [...refs].sort((a, b) => b.from - a.from))
    if (shadowed.has(r.name)) out = out.slice(0, r.from) + shadowName(r.name) + out.slice(r.to);
  return out;
}

/** CREATE (WITH NO DATA) and its indexes for the shadow of an (expanded) catalog object. */
export function shadowCreateStatements(o: CatalogObject, query: string): string[] {
  const schema = shadowSchema(o.schema);
  return createStatements({ ...o, name: `${schema}.${o.relname}`, schema, query }, false);
}

/** The statement the runner fills a shadow with (null: a view holds no data). */
export function fillStatement(name: string, kind: CatalogKind, reads: readonly string[]): string | null {
  if (kind === 'matview') return `REFRESH MATERIALIZED VIEW ${shadowName(name)}`;
  // An incremental table reads exactly its query view (expandCatalog), itself shadowed.
  if (kind === 'table') return `INSERT INTO ${shadowName(name)} SELECT * FROM ${shadowName(reads[0]!)}`;
  return null;
}

/**
 * One row of the swap plan: `drop` an old object (readers first), or `move` a new one in (dependency
 * order), or `undo` (its `fill` is the inverse of an in-place index/comment change of an object not
 * rebuilt, run by abandoning the swap; the swap ignores it).
 */
export interface SwapStep {
  action: 'drop' | 'move' | 'undo';
  relation: string;
  kind: CatalogKind;
  fill: string | null;
}

/**
 * Refuses to start a second swap while one is pending: under Prisma's CLI the toolkit's fill step
 * (`pnpm db:fill`) must run between two view migrations.
 */
export function swapGuardSql(): string {
  return [
    `DO $swap$ BEGIN`,
    `  IF EXISTS (SELECT 1 FROM ${SWAP_TABLE}) THEN`,
    `    RAISE EXCEPTION 'a view/MV change of an earlier migration is not swapped in yet (rows in ${SWAP_TABLE})'`,
    `      USING HINT = 'run pnpm db:fill (or pnpm db:migrate) to fill and swap it first, or pnpm db:resolve --rolled-back <migration> to abandon it';`,
    `  END IF;`,
    `END $swap$;`,
  ].join('\n');
}

/** The INSERT of the plan; `swapId` ties its rows together (the runner adds the migration's name). */
export function swapPlanSql(swapId: string, steps: readonly SwapStep[]): string {
  const values = steps.map(
    (s, i) =>
      `  (${literal(swapId)}, ${i + 1}, ${literal(s.action)}, ${literal(s.relation)}, ${literal(s.kind)}, ${s.fill == null ? 'NULL' : literal(s.fill)})`,
  );
  return `INSERT INTO ${SWAP_TABLE} (swap_id, step, action, relation, kind, fill_sql) VALUES\n${values.join(',\n')};`;
}
