import { createHash } from 'node:crypto';
import { commentStatement, kindWord, literal, type CatalogKind } from '@warehouse/db/views';
import { topoOrder } from './refs.ts';
import {
  fillStatement,
  shadowName,
  shadowSchema,
  swapGuardSql,
  swapPlanSql,
  SWAP_TABLE,
  type SwapStep,
} from './swap.ts';
import { dependantClosure, signature, type DbObject, type DbState } from './state.ts';

/** How to create one object of the target state. */
export interface TargetDefinition {
  name: string;
  kind: CatalogKind;
  /** The CREATE statement (no indexes). */
  create(withData: boolean): string;
  /** CREATE INDEX statements by index name, unique first. */
  indexes: { name: string; sql: string }[];
  comment: string | null;
  /** MV created WITH NO DATA, populated after migrate. */
  afterMigrate: boolean;
  /** What it reads (dependency order). */
  reads: string[];
  /**
   * The CREATE (WITH NO DATA) and indexes of its new version in the shadow schema, reading the
   * shadows of `shadowed` (expand/fill/swap); absent where the definition cannot be re-pointed.
   */
  shadow?: (shadowed: ReadonlySet<string>) => string[];
}

export type ChangeKind = 'new' | 'changed' | 'removed' | 'rebuilt' | 'indexes' | 'comment';

export interface ObjectChange {
  name: string;
  change: ChangeKind;
  /** For `changed`: line diff of the normalised definitions (and columns). */
  diff?: string;
  /** For `rebuilt`: why (the changed objects or altered tables it reads, transitively). */
  because?: string[];
}

export interface TransitionPlan {
  changes: ObjectChange[];
  /** Objects dropped (reverse dependency order). */
  drops: string[];
  /** Objects created (dependency order). */
  creates: string[];
  /** MVs created WITH NO DATA (populated after migrate). */
  unpopulated: string[];
  /** `-- requires:` relations: everything the migration needs that exists before it. */
  requires: string[];
  /** The migration body (no header). Empty when nothing changes. */
  sql: string;
  /**
   * `swap`: the new versions are created empty beside the old ones and filled and swapped in by the
   * runner after the migration (expand/fill/swap); `in-transaction`: dropped and recreated in the
   * migration's transaction. Null when nothing is rebuilt.
   */
  mode: RebuildMode | null;
  /** swap: the objects the runner fills (MVs and incremental tables), in fill order. */
  fills: string[];
}

/** How a generated migration rebuilds what changes (see TransitionPlan.mode). */
export type RebuildMode = 'swap' | 'in-transaction';

/** A small LCS line diff (`-` old, `+` new, `  ` same). */
export function lineDiff(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const t: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      t[i]![j] = x[i] === y[j] ? t[i + 1]![j + 1]! + 1 : Math.max(t[i + 1]![j]!, t[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      out.push(`  ${x[i]}`);
      i++;
      j++;
    } else if (j < m && (i >= n || t[i]![j + 1]! >= t[i + 1]![j]!)) out.push(`+ ${y[j++]}`);
    else out.push(`- ${x[i++]}`);
  }
  return out.join('\n');
}

function describe(o: DbObject): string {
  const lines = [`${kindWord(o.kind)} ${o.name}${o.options.length ? ` WITH (${o.options.join(', ')})` : ''}`];
  lines.push(...o.def.split('\n'));
  lines.push(`-- columns: ${o.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`);
  return lines.join('\n');
}

/**
 * Plan the SQL that takes `from` (the database as the migrations leave it) to `to` (the same
 * database with the target definitions), rebuilding every dependant of what changes, never with
 * CASCADE. `tableSql` (a schema.prisma change) runs between the drops and the creates;
 * `alteredTables` are the tables it alters, whose readers are rebuilt around it.
 */
export function planTransition(args: {
  from: DbState;
  to: DbState;
  defs: Map<string, TargetDefinition>;
  tableSql?: string;
  alteredTables?: string[];
  /** Prefer expand/fill/swap (used when there is no table SQL and every new version can be shadowed). */
  swap?: boolean;
}): TransitionPlan {
  const { from, to, defs } = args;
  const tableSql = (args.tableSql ?? '').trim();
  const altered = args.alteredTables ?? [];
  const changes: ObjectChange[] = [];
  const removed = [...from.objects.keys()].filter((n) => !to.objects.has(n)).sort();
  const added = [...to.objects.keys()].filter((n) => !from.objects.has(n)).sort();
  const changed: string[] = [];
  for (const [name, f] of [...from.objects].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const t = to.objects.get(name);
    if (t && signature(f) !== signature(t)) {
      changed.push(name);
      changes.push({ name, change: 'changed', diff: lineDiff(describe(f), describe(t)) });
    }
  }
  for (const n of added) changes.push({ name: n, change: 'new' });
  for (const n of removed) changes.push({ name: n, change: 'removed' });

  const seeds = [...changed, ...removed];
  const closure = dependantClosure(from, [...seeds, ...altered]);
  const drops = new Set<string>([...seeds, ...closure]);
  const because = (name: string) => {
    const o = from.objects.get(name)!;
    return o.reads.filter((r) => drops.has(r) || altered.includes(r));
  };
  for (const n of [...closure].sort())
    if (!changed.includes(n) && !removed.includes(n)) changes.push({ name: n, change: 'rebuilt', because: because(n) });

  const creates = topoOrder(
    [...[...drops].filter((n) => to.objects.has(n)), ...added],
    (n) => defs.get(n)?.reads ?? [],
  );
  const dropOrder = topoOrder(drops, (n) => from.objects.get(n)?.reads ?? []).reverse();

  // In-place changes of objects that are not rebuilt.
  const inPlace: string[] = [];
  // Their inverse, in the order they were applied (abandoning a swap runs them backwards).
  const inPlaceUndo: { relation: string; kind: CatalogKind; sql: string }[] = [];
  for (const [name, f] of [...from.objects].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const t = to.objects.get(name);
    const def = defs.get(name);
    if (!t || !def || drops.has(name)) continue;
    const fIdx = new Map(f.indexes.map((i) => [i.name, i.def]));
    const tIdx = new Map(t.indexes.map((i) => [i.name, i.def]));
    const idxSql: string[] = [];
    const undo = (sql: string) => inPlaceUndo.push({ relation: name, kind: def.kind, sql });
    for (const [n, d] of fIdx)
      if (tIdx.get(n) !== d) {
        idxSql.push(`DROP INDEX ${name.split('.')[0]}.${n};`);
        undo(`${d};`);
      }
    for (const [n, d] of tIdx)
      if (fIdx.get(n) !== d) {
        idxSql.push(def.indexes.find((i) => i.name === n)!.sql);
        undo(`DROP INDEX IF EXISTS ${name.split('.')[0]}.${n};`);
      }
    if (idxSql.length) {
      changes.push({ name, change: 'indexes' });
      inPlace.push(...idxSql);
    }
    if ((f.comment ?? null) !== (t.comment ?? null)) {
      changes.push({ name, change: 'comment' });
      inPlace.push(commentStatement(def.kind, name, def.comment));
      inPlaceUndo.push({ relation: name, kind: def.kind, sql: commentStatement(def.kind, name, f.comment ?? null) });
    }
  }

  if (drops.size === 0 && creates.length === 0 && inPlace.length === 0 && !tableSql) {
    return { changes, drops: [], creates: [], unpopulated: [], requires: [], sql: '', mode: null, fills: [] };
  }

  // An MV built on an MV that is created WITH NO DATA cannot be created WITH DATA.
  const noData = new Set<string>();
  for (const n of creates) {
    const d = defs.get(n)!;
    if (d.kind === 'matview' && (d.afterMigrate || d.reads.some((r) => noData.has(r)))) noData.add(n);
    if (d.kind === 'view' && d.reads.some((r) => noData.has(r))) noData.add(n);
  }
  const unpopulated = creates.filter((n) => noData.has(n) && defs.get(n)!.kind === 'matview');

  const createSet = new Set(creates);
  const requires = new Set<string>([...drops].filter((n) => from.relations.has(n)));
  for (const n of creates)
    for (const r of defs.get(n)!.reads) if (!createSet.has(r) && from.relations.has(r)) requires.add(r);

  const dropList = dropOrder.filter((n) => from.objects.has(n));
  if (
    args.swap &&
    !tableSql &&
    altered.length === 0 &&
    (dropList.length > 0 || creates.length > 0) &&
    creates.every((n) => defs.get(n)!.shadow)
  ) {
    return swapPlan({ changes, dropList, creates, inPlace, inPlaceUndo, defs, requires, from });
  }

  const out: string[] = [];
  const tag = createHash('sha256').update(dropList.join(',')).digest('hex').slice(0, 8);
  if (dropList.length) {
    const knownIndexes = dropList.flatMap((n) => from.objects.get(n)!.indexes.map((i) => i.name));
    out.push(
      saveBlock(
        tag,
        dropList,
        dropList.filter((n) => to.objects.has(n)),
        knownIndexes,
      ),
    );
    out.push(
      `-- Drop what changes and everything that reads it, readers first (no CASCADE: an unknown dependant fails the migration).`,
    );
    for (const n of dropList) out.push(`DROP ${kindWord(from.objects.get(n)!.kind)} ${n};`);
    out.push('');
  }
  if (tableSql) {
    out.push(
      '-- schema.prisma changes (tables), between the drops and the re-creation of their readers.',
      tableSql,
      '',
    );
  }
  if (creates.length) {
    out.push('-- Create in dependency order, with indexes (unique first) and comments.');
    for (const n of creates) {
      const d = defs.get(n)!;
      out.push(d.create(!noData.has(n)));
      for (const i of d.indexes) out.push(i.sql);
      out.push(commentStatement(d.kind, n, d.comment));
      out.push('');
    }
  }
  if (inPlace.length) out.push('-- Indexes and comments of objects that are not rebuilt.', ...inPlace, '');
  if (dropList.length) out.push(restoreBlock(tag));
  return {
    changes,
    drops: dropList,
    creates,
    unpopulated,
    requires: [...requires].sort(),
    sql: out.join('\n').trimEnd() + '\n',
    mode: dropList.length || creates.length ? 'in-transaction' : null,
    fills: [],
  };
}

/**
 * Expand only: the new versions of what changes (and of everything reading it) created WITH NO DATA
 * in the shadow schemas, with their indexes and comments, and the plan the runner fills and swaps
 * from. Nothing that readers use is locked beyond ACCESS SHARE (the shadows read the old tables).
 */
function swapPlan(p: {
  changes: ObjectChange[];
  dropList: string[];
  creates: string[];
  inPlace: string[];
  inPlaceUndo: { relation: string; kind: CatalogKind; sql: string }[];
  defs: Map<string, TargetDefinition>;
  requires: Set<string>;
  from: DbState;
}): TransitionPlan {
  const shadowed = new Set(p.creates);
  const out: string[] = [
    '-- Expand/fill/swap (docs/design.md "Views and MVs"): this migration only creates the new versions, empty,',
    '-- in the shadow schema beside the old ones; the runner fills them after it and swaps them in one short',
    '-- transaction (`pnpm db:migrate`; after `prisma migrate deploy`: `pnpm db:fill`). Readers keep the old until then.',
    swapGuardSql(),
    '',
  ];
  for (const s of [...new Set(p.creates.map((n) => n.split('.')[0]!))].sort())
    out.push(`CREATE SCHEMA IF NOT EXISTS ${shadowSchema(s)};`);
  if (p.creates.length)
    out.push('', '-- The new versions, in dependency order, with indexes (unique first) and comments.');
  for (const n of p.creates) {
    const d = p.defs.get(n)!;
    out.push(...d.shadow!(shadowed), commentStatement(d.kind, shadowName(n), d.comment), '');
  }
  if (p.inPlace.length) out.push('-- Indexes and comments of objects that are not rebuilt.', ...p.inPlace, '');
  const steps: SwapStep[] = [
    ...p.dropList.map((n) => ({ action: 'drop' as const, relation: n, kind: p.from.objects.get(n)!.kind, fill: null })),
    ...p.creates.map((n) => {
      const d = p.defs.get(n)!;
      return { action: 'move' as const, relation: n, kind: d.kind, fill: fillStatement(n, d.kind, d.reads) };
    }),
    // What abandoning runs (in this order) to take back the in-place changes above; the swap ignores them.
    ...[...p.inPlaceUndo]
      .reverse()
      .map((u) => ({ action: 'undo' as const, relation: u.relation, kind: u.kind, fill: u.sql })),
  ];
  const swapId = createHash('sha256').update(JSON.stringify(steps)).digest('hex').slice(0, 12);
  out.push('-- What the runner fills (in this order) and swaps: drops readers first, then moves the new versions in.');
  out.push(swapPlanSql(swapId, steps));
  return {
    changes: p.changes,
    drops: p.dropList,
    creates: p.creates,
    unpopulated: [],
    requires: [...new Set([...p.requires, SWAP_TABLE])].sort(),
    sql: out.join('\n').trimEnd() + '\n',
    mode: 'swap',
    fills: steps.filter((s) => s.action === 'move' && s.fill).map((s) => s.relation),
  };
}

/** Save the privileges (and indexes made outside the migrations) of what is about to be dropped. */
function saveBlock(tag: string, names: string[], recreated: string[], knownIndexes: string[]): string {
  const regs = names.map((n) => `to_regclass(${literal(n)})`).join(', ');
  const recreatedRegs = recreated.length ? recreated.map((n) => `to_regclass(${literal(n)})`).join(', ') : 'NULL';
  const known = knownIndexes.length ? `ARRAY[${knownIndexes.map(literal).join(', ')}]::name[]` : `ARRAY[]::name[]`;
  return [
    '-- Privileges as they are in THIS database (grants given outside migrations too), and indexes',
    '-- created outside the migrations, saved before the drop and reapplied after the re-creation.',
    `CREATE TEMP TABLE catalog_acl_${tag} ON COMMIT DROP AS`,
    'SELECT n.nspname AS nsp, c.relname AS rel, c.relowner AS owner, c.relacl AS acl',
    'FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace',
    `WHERE c.oid = ANY (ARRAY[${regs}]::oid[]);`,
    `CREATE TEMP TABLE catalog_index_${tag} ON COMMIT DROP AS`,
    'SELECT n.nspname AS nsp, ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def',
    'FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace',
    `WHERE i.indrelid = ANY (ARRAY[${recreatedRegs}]::oid[]) AND ic.relname <> ALL (${known});`,
    '',
  ].join('\n');
}

function restoreBlock(tag: string): string {
  return [
    '-- Reapply the saved privileges exactly (what the new objects got by default is revoked first),',
    '-- and the indexes made outside the migrations.',
    'DO $catalog$',
    'DECLARE r record; g record;',
    'BEGIN',
    `  FOR r IN SELECT * FROM catalog_acl_${tag} s WHERE to_regclass(format('%I.%I', s.nsp, s.rel)) IS NOT NULL LOOP`,
    '    FOR g IN SELECT DISTINCT a.grantee FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a',
    "             WHERE c.oid = to_regclass(format('%I.%I', r.nsp, r.rel)) AND a.grantee <> c.relowner LOOP",
    "      EXECUTE format('REVOKE ALL ON %I.%I FROM %s', r.nsp, r.rel, CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END);",
    '    END LOOP;',
    '    FOR g IN SELECT a.grantee, a.privilege_type, a.is_grantable FROM aclexplode(r.acl) a WHERE a.grantee <> r.owner LOOP',
    "      EXECUTE format('GRANT %s ON %I.%I TO %s%s', g.privilege_type, r.nsp, r.rel,",
    "        CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(g.grantee)) END,",
    "        CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);",
    '    END LOOP;',
    '  END LOOP;',
    `  FOR r IN SELECT * FROM catalog_index_${tag} x WHERE to_regclass(format('%I.%I', x.nsp, x.name)) IS NULL LOOP`,
    '    BEGIN',
    '      EXECUTE r.def;',
    '    EXCEPTION WHEN OTHERS THEN',
    "      RAISE EXCEPTION 'index %.% was created outside the migrations and cannot be recreated on the new definition: % (drop it before migrating, or declare it in the catalog)', r.nsp, r.name, SQLERRM;",
    '    END;',
    '  END LOOP;',
    'END',
    '$catalog$;',
  ].join('\n');
}
