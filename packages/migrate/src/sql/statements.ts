/* eslint-disable @typescript-eslint/no-explicit-any -- libpg-query returns the parse tree as untyped JSON (no published types for v18's tree here); nodes are read by shape and every access is guarded. */
/**
 * What a parsed statement does, from its kind: transaction control, CONCURRENTLY, the lock it
 * takes on which relation. Used by the migrator (refusals, plan) and the linter.
 */
import { dottedName, rangeVarName, walk, type ParsedStatement } from './parse.ts';

const TRANSACTION_KINDS: Record<string, string> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE SAVEPOINT',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

/**
 * The transaction-control command a statement is (`COMMIT`, `BEGIN`, `SAVEPOINT`, …; `END` and
 * `ABORT` are spelled as written), or undefined. Only top-level statements count: a `COMMIT`
 * inside a `DO $$ … $$` body or a string is not one.
 */
export function transactionControl(stmt: ParsedStatement): string | undefined {
  if (stmt.kind !== 'TransactionStmt') return undefined;
  const kind = TRANSACTION_KINDS[String(stmt.node.kind)] ?? String(stmt.node.kind);
  const word = /^\s*(\w+)/.exec(stmt.text)?.[1]?.toUpperCase();
  if (word === 'END' || word === 'ABORT') return `${word} (${kind})`;
  return kind;
}

/** Statements that PostgreSQL refuses inside a transaction block (…CONCURRENTLY). */
export function concurrently(stmt: ParsedStatement): boolean {
  const n = stmt.node as { concurrent?: boolean; params?: { DefElem?: { defname?: string } }[] };
  if (stmt.kind === 'IndexStmt' || stmt.kind === 'DropStmt' || stmt.kind === 'RefreshMatViewStmt')
    return n.concurrent === true;
  if (stmt.kind === 'ReindexStmt') return (n.params ?? []).some((p) => p.DefElem?.defname === 'concurrently');
  if (stmt.kind === 'AlterTableStmt') {
    return cmds(stmt).some(
      (c) =>
        c.subtype === 'AT_DetachPartition' &&
        (c.def as { PartitionCmd?: { concurrent?: boolean } })?.PartitionCmd?.concurrent === true,
    );
  }
  return false;
}

export interface AlterCmd {
  subtype: string;
  name?: string;
  def?: Record<string, unknown>;
  behavior?: string;
}

/** The subcommands of an ALTER TABLE. */
export function cmds(stmt: ParsedStatement): AlterCmd[] {
  if (stmt.kind !== 'AlterTableStmt') return [];
  return ((stmt.node.cmds as { AlterTableCmd: AlterCmd }[]) ?? []).map((c) => c.AlterTableCmd);
}

/** Relations a statement creates (tables, views, MVs, indexes are not relations here). */
export function createdRelation(stmt: ParsedStatement): string | undefined {
  const n = stmt.node as Record<string, any>;
  if (stmt.kind === 'CreateStmt') return rangeVarName(n.relation);
  if (stmt.kind === 'ViewStmt') return rangeVarName(n.view);
  if (stmt.kind === 'CreateTableAsStmt') return rangeVarName(n.into?.rel);
  return undefined;
}

export type LockMode =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

const LOCK_MODES: LockMode[] = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
];

export interface LockTaken {
  relation: string;
  mode: LockMode;
  /** What blocks: which statements of other sessions have to wait while this lock is held. */
  blocks: string;
}

const BLOCKS: Record<LockMode, string> = {
  'ACCESS SHARE': 'only ACCESS EXCLUSIVE (DDL)',
  'ROW SHARE': 'EXCLUSIVE and ACCESS EXCLUSIVE',
  'ROW EXCLUSIVE': 'SHARE and stronger (CREATE INDEX, DDL)',
  'SHARE UPDATE EXCLUSIVE': 'other DDL, VACUUM, CREATE INDEX CONCURRENTLY; not reads or writes',
  SHARE: 'writes (INSERT/UPDATE/DELETE); reads go on',
  'SHARE ROW EXCLUSIVE': 'writes and other DDL; reads go on',
  EXCLUSIVE: 'writes; only plain reads go on',
  'ACCESS EXCLUSIVE': 'everything, reads included',
};

function lock(relation: string, mode: LockMode): LockTaken {
  return { relation, mode, blocks: BLOCKS[mode] };
}

/** ALTER TABLE subcommands that take less than ACCESS EXCLUSIVE (PostgreSQL's AlterTableGetLockLevel). */
const ALTER_LOCK: Record<string, LockMode> = {
  AT_ValidateConstraint: 'SHARE UPDATE EXCLUSIVE',
  AT_SetStatistics: 'SHARE UPDATE EXCLUSIVE',
  AT_ClusterOn: 'SHARE UPDATE EXCLUSIVE',
  AT_DropCluster: 'SHARE UPDATE EXCLUSIVE',
  AT_SetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_AttachPartition: 'SHARE UPDATE EXCLUSIVE',
  AT_EnableTrig: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigUser: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigUser: 'SHARE ROW EXCLUSIVE',
};

function strongest(a: LockMode, b: LockMode): LockMode {
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b;
}

/** Relations read by a query (FROM/JOIN), without CTE names. */
export function referencedRelations(query: unknown): string[] {
  const ctes = new Set<string>();
  const rels = new Set<string>();
  for (const [kind, node] of walk(query)) {
    if (kind === 'CommonTableExpr') ctes.add(String(node.ctename));
    if (kind === 'RangeVar') rels.add(rangeVarName(node));
  }
  return [...rels].filter((r) => r.includes('.') || !ctes.has(r));
}

/**
 * The table-level locks a statement takes, from its kind (PostgreSQL's documentation, "Explicit
 * Locking", and AlterTableGetLockLevel). A relation created by the statement itself is not listed:
 * nobody else can be using it yet.
 */
export function locksTaken(stmt: ParsedStatement): LockTaken[] {
  const n = stmt.node as Record<string, any>;
  const out: LockTaken[] = [];
  const reads = (q: unknown) => referencedRelations(q).forEach((r) => out.push(lock(r, 'ACCESS SHARE')));
  switch (stmt.kind) {
    case 'CreateStmt':
      for (const [k, c] of walk(n.tableElts)) {
        if (k === 'Constraint' && c.contype === 'CONSTR_FOREIGN')
          out.push(lock(rangeVarName(c.pktable), 'SHARE ROW EXCLUSIVE'));
      }
      for (const p of n.inhRelations ?? []) out.push(lock(rangeVarName(p.RangeVar), 'SHARE UPDATE EXCLUSIVE'));
      break;
    case 'IndexStmt':
      out.push(lock(rangeVarName(n.relation), n.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE'));
      break;
    case 'AlterTableStmt': {
      let mode: LockMode | undefined;
      for (const c of cmds(stmt)) {
        const m =
          ALTER_LOCK[c.subtype] ??
          (c.subtype === 'AT_AddConstraint' && (c.def as any)?.Constraint?.contype === 'CONSTR_FOREIGN'
            ? 'SHARE ROW EXCLUSIVE'
            : 'ACCESS EXCLUSIVE');
        mode = mode ? strongest(mode, m) : m;
        if (c.subtype === 'AT_AddConstraint' && (c.def as any)?.Constraint?.contype === 'CONSTR_FOREIGN') {
          out.push(lock(rangeVarName((c.def as any).Constraint.pktable), 'SHARE ROW EXCLUSIVE'));
        }
      }
      out.unshift(lock(rangeVarName(n.relation), mode ?? 'ACCESS EXCLUSIVE'));
      break;
    }
    case 'DropStmt': {
      const kind = String(n.removeType);
      const names = (n.objects ?? []).map((o: any) => dottedName(o.List?.items ?? [o]));
      if (
        [
          'OBJECT_TABLE',
          'OBJECT_VIEW',
          'OBJECT_MATVIEW',
          'OBJECT_INDEX',
          'OBJECT_FOREIGN_TABLE',
          'OBJECT_SEQUENCE',
        ].includes(kind)
      ) {
        for (const name of names)
          out.push(
            lock(
              kind === 'OBJECT_INDEX' ? `${name} (and its table)` : name,
              n.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE',
            ),
          );
      }
      break;
    }
    case 'ViewStmt':
      if (n.replace) out.push(lock(rangeVarName(n.view), 'ACCESS EXCLUSIVE'));
      reads(n.query);
      break;
    case 'CreateTableAsStmt':
      reads(n.query);
      break;
    case 'RefreshMatViewStmt':
      out.push(lock(rangeVarName(n.relation), n.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE'));
      break;
    case 'TruncateStmt':
      for (const r of n.relations ?? []) out.push(lock(rangeVarName(r.RangeVar), 'ACCESS EXCLUSIVE'));
      break;
    case 'LockStmt':
      for (const r of n.relations ?? [])
        out.push(lock(rangeVarName(r.RangeVar), LOCK_MODES[(Number(n.mode) || 8) - 1] ?? 'ACCESS EXCLUSIVE'));
      break;
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      out.push(lock(rangeVarName(n.relation), 'ROW EXCLUSIVE'));
      for (const key of ['selectStmt', 'fromClause', 'usingClause', 'whereClause', 'sourceRelation'])
        if (n[key]) reads(n[key]);
      break;
    case 'SelectStmt':
      reads(n);
      break;
    case 'RenameStmt':
      if (n.relation) out.push(lock(rangeVarName(n.relation), 'ACCESS EXCLUSIVE'));
      break;
    case 'CreateTrigStmt':
      out.push(lock(rangeVarName(n.relation), 'SHARE ROW EXCLUSIVE'));
      break;
    case 'CommentStmt':
      if (['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_COLUMN'].includes(String(n.objtype))) {
        const name = dottedName(n.object?.List?.items ?? []);
        out.push(
          lock(n.objtype === 'OBJECT_COLUMN' ? name.split('.').slice(0, -1).join('.') : name, 'SHARE UPDATE EXCLUSIVE'),
        );
      }
      break;
    case 'VacuumStmt':
      for (const r of n.rels ?? []) {
        const full = (n.options ?? []).some((o: any) => o.DefElem?.defname === 'full');
        out.push(lock(rangeVarName(r.VacuumRelation?.relation), full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE'));
      }
      break;
    case 'ReindexStmt':
      if (n.relation)
        out.push(lock(rangeVarName(n.relation), concurrently(stmt) ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE'));
      break;
    case 'ClusterStmt':
      if (n.relation) out.push(lock(rangeVarName(n.relation), 'ACCESS EXCLUSIVE'));
      break;
    case 'AlterOwnerStmt':
    case 'AlterObjectSchemaStmt':
      if (n.relation) out.push(lock(rangeVarName(n.relation), 'ACCESS EXCLUSIVE'));
      break;
  }
  return out;
}
