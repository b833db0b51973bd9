/**
 * The schema engine runs a migration script as it comes (pg-adapter.ts sends a transactional file as
 * one implicit transaction), so a COMMIT inside one would keep half of it. Before any engine method
 * that may run migration scripts gets a migration list, refuse transaction control in its
 * transactional files with the runner's error (E_MIGRATION_TRANSACTION_CONTROL): same check, same
 * message, before anything runs.
 */
import type { MigrationList } from '@prisma/schema-engine-wasm';
import { findTransactionControl, transactionControlError, type TransactionControlFinding } from '../migrator/apply.ts';
import { parseHeaders } from '../migrator/files.ts';
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

/** Throws DbError E_MIGRATION_TRANSACTION_CONTROL (or E_SQL_PARSE) when a listed transactional file holds transaction control. */
export async function refuseTransactionControl(method: string, params: unknown): Promise<void> {
  const findings: TransactionControlFinding[] = [];
  for (const list of migrationLists(method, params)) {
    for (const dir of list.migrationDirectories ?? []) {
      const content = dir.migrationFile.content;
      if (content.tag !== 'ok') continue; // the engine reports an unreadable file itself
      const file = `${dir.path}/${dir.migrationFile.path}`;
      const statements = await parseSql(content.value, file);
      findings.push(...findTransactionControl(file, statements, parseHeaders(content.value).noTransaction));
    }
  }
  if (findings.length > 0) throw transactionControlError(findings);
}
