/**
 * Migration runner for `packages/db/prisma/migrations`, compatible with Prisma's
 * `_prisma_migrations` table and advisory lock (so `prisma migrate status` agrees with it).
 *
 * @example
 * import { migrate } from '@warehouse/db/migrator';
 * const result = await migrate({ url, log: (e) => console.log(e) });
 */
export { migrate, type MigrateOptions, type MigrateResult, type MigratorOptions, type MigratorEvent } from './migrate.ts';
export { status, history, stamp, resolve, rollback, type StatusResult, type HistoryEntry, type RollbackResult } from './commands.ts';
export { readMigrations, parseHeaders, findCreator, sha256Hex, DEFAULT_MIGRATIONS_DIR, type MigrationFile } from './files.ts';
export { splitStatements, type SqlStatement } from './split.ts';
export { MIGRATION_LOCK_ID, lockHolders, type LockHolder } from './lock.ts';
export { CREATE_MIGRATIONS_TABLE, MIGRATIONS_TABLE, type MigrationRow, type RowState } from './table.ts';
