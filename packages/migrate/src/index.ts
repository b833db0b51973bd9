/**
 * Migration runner for `packages/db/prisma/migrations`, compatible with Prisma's
 * `_prisma_migrations` table and advisory lock (so `prisma migrate status` agrees with it).
 *
 * @example
 * import { migrate } from '@warehouse/migrate';
 * const result = await migrate({ url, log: (e) => console.log(e) });
 */
export {
  migrate,
  plan,
  fill,
  type FillResult,
  DEFAULT_DDL_LOCK_TIMEOUT_MS,
  DEFAULT_DDL_LOCK_RETRIES,
  DEFAULT_RETRY_DELAY_MS,
  type MigrateOptions,
  type MigrateResult,
  type MigratorOptions,
  type MigratorEvent,
  type PlanResult,
} from './migrate.ts';
export {
  status,
  history,
  stamp,
  resolve,
  rollback,
  type StatusResult,
  type HistoryEntry,
  type RollbackResult,
} from './commands.ts';
export {
  readMigrations,
  parseHeaders,
  parseDuration,
  findCreator,
  sha256Hex,
  DEFAULT_MIGRATIONS_DIR,
  type MigrationFile,
} from './files.ts';
export { splitStatements, type SqlStatement } from './split.ts';
export { prepareMigrations, retryBudgetMs, type PreparedMigration } from './apply.ts';
export {
  rebuildsOf,
  recordRebuilds,
  rebuildsInsertSql,
  rebuildLogOf,
  REBUILD_TABLE,
  type Rebuild,
  type RebuildLog,
} from './rebuilds.ts';
export { planHash, type PlannedMigration, type PlannedStatement } from './plan.ts';
export { describeBlockers, type Blocker } from './blockers.ts';
export { MIGRATION_LOCK_ID, lockHolders, type LockHolder } from './lock.ts';
export { CREATE_MIGRATIONS_TABLE, MIGRATIONS_TABLE, type MigrationRow, type RowState } from './table.ts';
export {
  pendingSwaps,
  fillAndSwap,
  abandonSwap,
  estimateFills,
  isSwapMigration,
  type PendingSwap,
  type SwapRow,
  type SwapReport,
  type SwapEvent,
  type FillEstimate,
} from './swap.ts';
