/**
 * Which pending migrations a run takes (`to`, `steps`), the plan of those migrations — statements,
 * the lock each takes on which relation, lint findings — and the plan's hash, so a deploy can
 * insist that it applies exactly what was reviewed.
 */
import { createHash } from 'node:crypto';
import { DbError } from '@warehouse/db';
import { lintMigration, type Finding } from './lint/index.ts';
import { createdRelation, locksTaken, type LockTaken } from './sql/statements.ts';
import type { PreparedMigration } from './apply.ts';
import type { MigrationFile } from './files.ts';

export interface Selection {
  /** Apply pending migrations up to and including this one. */
  to?: string;
  /** Apply at most this many pending migrations. */
  steps?: number;
}

/** The pending migrations a run applies, in order. */
export function selectPending(
  files: MigrationFile[],
  isApplied: (name: string) => boolean,
  sel: Selection,
  dir: string,
): MigrationFile[] {
  if (sel.to !== undefined && sel.steps !== undefined)
    throw new DbError('E_BAD_ARGUMENT', 'give either --to NAME or --steps N, not both');
  const pending = files.filter((f) => !isApplied(f.name));
  if (sel.steps !== undefined) {
    if (!Number.isInteger(sel.steps) || sel.steps < 1)
      throw new DbError('E_BAD_ARGUMENT', `steps must be a whole number ≥ 1, got ${sel.steps}`);
    return pending.slice(0, sel.steps);
  }
  if (sel.to !== undefined) {
    if (!files.some((f) => f.name === sel.to)) {
      const near = files
        .filter((f) => f.name.includes(sel.to!) || sel.to!.includes(f.name.slice(15)))
        .map((f) => f.name)
        .slice(0, 3);
      throw new DbError(
        'E_BAD_ARGUMENT',
        `migration ${JSON.stringify(sel.to)} is not in ${dir}${near.length ? `; did you mean ${near.join(', ')}?` : ''} (pass a folder name as listed by \`pnpm db:status\`)`,
      );
    }
    return pending.filter((f) => f.name <= sel.to!);
  }
  return pending;
}

/** SHA-256 over the names and checksums of the migrations a run would apply, in order (first 16 hex digits). */
export function planHash(files: MigrationFile[]): string {
  return createHash('sha256')
    .update(
      JSON.stringify(
        files.map((f) => [
          f.name,
          f.checksum,
          f.noTransaction,
          f.ddlLockTimeoutMs ?? null,
          f.statementTimeoutMs ?? null,
        ]),
      ),
    )
    .digest('hex')
    .slice(0, 16);
}

export interface PlannedStatement {
  line: number;
  kind: string;
  /** The statement, on one line, shortened. */
  text: string;
  locks: LockTaken[];
}

export interface PlannedMigration {
  name: string;
  transactional: boolean;
  ddlLockTimeoutMs: number;
  statements: PlannedStatement[];
  /**
   * Views/MVs the file drops and creates again (what a generated view migration recreates: the
   * changed object and its dependants), in the order they are created again.
   */
  recreates: string[];
  findings: Finding[];
}

export function planMigration(prepared: PreparedMigration, ddlLockTimeoutMs: number): PlannedMigration {
  const { file, statements } = prepared;
  // In one transaction, a relation the file created earlier is invisible to other sessions: its locks block no one.
  const created = new Set<string>();
  const dropped = new Set<string>();
  const recreates: string[] = [];
  for (const s of statements) {
    const n = s.node as { removeType?: string; objects?: { List?: { items?: { String?: { sval?: string } }[] } }[] };
    if (s.kind === 'DropStmt' && (n.removeType === 'OBJECT_VIEW' || n.removeType === 'OBJECT_MATVIEW')) {
      for (const o of n.objects ?? []) dropped.add((o.List?.items ?? []).map((x) => x.String?.sval).join('.'));
    }
    const made = createdRelation(s);
    if (made && dropped.has(made) && !recreates.includes(made)) recreates.push(made);
  }
  const locks = statements.map((s) => {
    const taken = locksTaken(s).filter((l) => file.noTransaction || !created.has(l.relation));
    const made = createdRelation(s);
    if (made) created.add(made);
    return taken;
  });
  return {
    name: file.name,
    transactional: !file.noTransaction,
    ddlLockTimeoutMs: file.ddlLockTimeoutMs ?? ddlLockTimeoutMs,
    statements: statements.map((s, i) => {
      const oneLine = s.text.replace(/\s+/g, ' ');
      return {
        line: s.line,
        kind: s.kind,
        text: oneLine.length > 120 ? `${oneLine.slice(0, 117)}…` : oneLine,
        locks: locks[i]!,
      };
    }),
    recreates,
    findings: lintMigration({
      file: `${file.name}/migration.sql`,
      sql: file.sql,
      statements,
      noTransaction: file.noTransaction,
      requires: file.requires,
      hasDown: !!file.downPath,
    }),
  };
}
