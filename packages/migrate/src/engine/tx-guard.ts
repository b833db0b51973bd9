/**
 * The schema engine runs a migration script as it comes (pg-adapter.ts sends a transactional file as
 * one implicit transaction), so a COMMIT inside one would keep half of it, and all files share its
 * connection, so a `SET ROLE` in one changes the next. Before any engine method that may run
 * migration scripts gets a migration list, refuse transaction control (any file) and session changes
 * with the runner's errors (E_MIGRATION_TRANSACTION_CONTROL, E_MIGRATION_SESSION_STATE): same
 * checks, same messages, before anything runs.
 */
import type { MigrationList } from '@prisma/schema-engine-wasm';
import {
  findSessionChanges,
  findTransactionControl,
  sessionChangeError,
  transactionControlError,
  type SessionFinding,
  type TransactionControlFinding,
} from '../apply.ts';
import { parseHeaders } from '../files.ts';
import { parseSql } from '../sql/parse.ts';

/** The migration lists in an engine call's params (top level, or a `diff` side of tag `migrations`). */
function migrationLists(method: string, params: unknown): MigrationList[] {
  const p = (params ?? {}) as Record<string, unknown>;
  const lists: MigrationList[] = [];
  // Reading or marking the history runs nothing; diagnosing replays it only into a shadow database.
  const runs =
    method === 'diagnoseMigrationHistory' ? p.optInToShadowDatabase === true : method !== 'markMigrationApplied';
  if (p.migrationsList && runs) lists.push(p.migrationsList as MigrationList);
  for (const side of [p.from, p.to] as { tag?: string }[]) {
    if (side?.tag === 'migrations') lists.push(side as unknown as MigrationList);
  }
  return lists;
}

/**
 * Throws DbError E_MIGRATION_TRANSACTION_CONTROL when a listed file holds transaction control,
 * E_MIGRATION_SESSION_STATE when one changes the session, E_SQL_PARSE when one does not parse.
 */
export async function refuseTransactionControl(method: string, params: unknown): Promise<void> {
  const findings: TransactionControlFinding[] = [];
  const session: SessionFinding[] = [];
  for (const list of migrationLists(method, params)) {
    for (const dir of list.migrationDirectories ?? []) {
      const content = dir.migrationFile.content;
      if (content.tag !== 'ok') continue; // the engine reports an unreadable file itself
      const file = `${dir.path}/${dir.migrationFile.path}`;
      const statements = await parseSql(content.value, file);
      const { noTransaction } = parseHeaders(content.value);
      findings.push(...findTransactionControl(file, statements, noTransaction));
      session.push(...findSessionChanges(file, statements, noTransaction));
    }
  }
  if (findings.length > 0) throw transactionControlError(findings);
  if (session.length > 0) throw sessionChangeError(session);
}
