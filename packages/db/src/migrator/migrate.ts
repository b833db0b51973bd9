import pg from 'pg';
import { DbError } from '../errors.ts';
import { acceptableChecksums, DEFAULT_MIGRATIONS_DIR, findCreator, readMigrations, type MigrationFile } from './files.ts';
import { describeHolders, withMigrationLock, type LockHolder } from './lock.ts';
import { formatSqlError, runStatements } from './run-sql.ts';
import {
  ensureTable,
  insertApplied,
  insertFailed,
  insertStarted,
  markFinished,
  readRows,
  rowState,
  setLogs,
  type MigrationRow,
} from './table.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export type MigratorEvent =
  | { type: 'applied'; name: string; ms: number }
  | { type: 'failed'; name: string; ms: number; error: Error }
  | { type: 'waiting-for-lock'; holders: LockHolder[]; message: string }
  | { type: 'warning'; message: string };

export interface MigratorOptions {
  /** Connection URL of the target database. */
  url: string;
  /** Migrations folder (default packages/db/prisma/migrations). */
  dir?: string;
  /** How long to wait for the advisory lock held by another migrator (default 30 000 ms). */
  lockTimeoutMs?: number;
  /** Progress and warnings. */
  log?: (event: MigratorEvent) => void;
  /** application_name of the connection, shown to a migrator that waits for us. */
  applicationName?: string;
}

export interface MigrateOptions extends MigratorOptions {
  /** Apply even when an applied migration's file changed since (default false). */
  allowEdited?: boolean;
}

export interface MigrateResult {
  applied: { name: string; ms: number }[];
  /** Migrations already applied before this run. */
  skipped: string[];
  /** The migration that stopped the run (nothing of it is left behind unless it was no-transaction). */
  failed?: { name: string; error: Error };
  /** Migrations still not applied after this run. */
  pending: string[];
  /** Applied migrations no longer on disk, and other things worth a look. */
  warnings: string[];
}

/** Connect with the migrator's application_name (so a waiting migrator can name us). */
export async function connect(options: MigratorOptions): Promise<pg.Client> {
  // A bounded connect: an unreachable server fails in 15 s instead of hanging the deploy.
  const client = new pg.Client({ connectionString: options.url, application_name: options.applicationName ?? 'warehouse-migrate', connectionTimeoutMillis: 15_000 });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** One connection under the migration lock for the whole run. */
export async function withLockedClient<T>(options: MigratorOptions, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(options);
  try {
    return await withMigrationLock(
      client,
      {
        timeoutMs: options.lockTimeoutMs,
        onWait: (holders) =>
          options.log?.({ type: 'waiting-for-lock', holders, message: `waiting for the migration lock held by ${describeHolders(holders)}` }),
      },
      async () => {
        await ensureTable(client);
        return fn(client);
      },
    );
  } finally {
    await client.end().catch(() => {});
  }
}

/** Names of migrations Prisma considers applied (finished, not rolled back). */
export function appliedRows(rows: MigrationRow[]): Map<string, MigrationRow> {
  const map = new Map<string, MigrationRow>();
  for (const row of rows) if (rowState(row) === 'applied') map.set(row.name, row);
  return map;
}

export function failedRows(rows: MigrationRow[]): MigrationRow[] {
  return rows.filter((r) => rowState(r) === 'failed');
}

/** Applied migrations whose migration.sql no longer matches the recorded checksum. */
export async function editedMigrations(files: MigrationFile[], applied: Map<string, MigrationRow>): Promise<string[]> {
  const edited: string[] = [];
  for (const file of files) {
    const row = applied.get(file.name);
    if (!row || row.checksum === file.checksum) continue;
    const bytes = await readFile(path.join(file.dir, 'migration.sql'));
    if (!acceptableChecksums(bytes).includes(row.checksum)) edited.push(file.name);
  }
  return edited;
}

export function blockedError(failed: MigrationRow[]): DbError {
  const names = [...new Set(failed.map((r) => r.name))];
  const first = failed[0]!;
  return new DbError(
    'E_MIGRATION_BLOCKED',
    `migration ${names.join(', ')} failed (started ${first.startedAt.toISOString()}) and blocks further migrations (like Prisma's P3009). ` +
      `Fix the database by hand (the failure is in \`pnpm db:history\`${first.logs ? `: ${first.logs.split('\n')[0]}` : ''}), then run ` +
      names.map((n) => `\`pnpm db:resolve --rolled-back ${n}\``).join(' and ') +
      ` (or \`pnpm db:resolve --applied ${names[0]}\` if you completed it by hand)`,
  );
}

async function checkRequires(client: pg.ClientBase, file: MigrationFile, files: MigrationFile[], applied: Set<string>): Promise<DbError | undefined> {
  if (file.requires.length === 0) return undefined;
  const r = await client.query<{ name: string; found: string | null }>(
    'select n as name, to_regclass(n)::text as found from unnest($1::text[]) as n',
    [file.requires],
  );
  const missing = r.rows.filter((x) => x.found == null).map((x) => x.name);
  if (missing.length === 0) return undefined;
  const explain = missing.map((object) => {
    const creator = findCreator(files, object);
    if (!creator) return `${object} does not exist and no migration in the history creates it; add a migration that creates it before ${file.name}, or remove it from the requires header`;
    if (creator.name === file.name) return `${object} does not exist, and ${file.name} creates it itself; remove it from the requires header`;
    if (creator.name > file.name) {
      return `${object} does not exist; it is created by migration ${creator.name}, which sorts after ${file.name}: rename ${file.name} to a later timestamp`;
    }
    if (applied.has(creator.name)) {
      return `${object} does not exist although migration ${creator.name}, which creates it, is applied (was it dropped by hand or by a later migration?); recreate it, or \`pnpm db:rollback\` and reapply ${creator.name}`;
    }
    return `${object} does not exist; it is created by migration ${creator.name} — run \`pnpm db:migrate\` or check \`pnpm db:status\``;
  });
  return new DbError('E_MIGRATION_REQUIRES', `migration ${file.name} requires ${missing.join(', ')}: ${explain.join('; ')}`);
}

/** Run one migration file; returns the error text (and error) on failure. */
async function applyOne(client: pg.ClientBase, file: MigrationFile): Promise<Error | undefined> {
  const relPath = `${file.name}/migration.sql`;
  if (file.noTransaction) {
    // Outside a transaction a failure can leave part of the file applied, so the row is written
    // first (failed until finished), exactly as Prisma records a migration in progress.
    const id = await insertStarted(client, file.name, file.checksum);
    try {
      await runStatements(client, file.sql);
    } catch (error) {
      const logs = formatSqlError(error, relPath, file.sql, (error as { sqlOffset?: number }).sqlOffset);
      await setLogs(client, id, logs).catch(() => {});
      return new DbError('E_MIGRATION_FAILED', `migration ${file.name} (no-transaction) failed and may be partly applied:\n${logs}`, { cause: error });
    }
    await markFinished(client, id);
    return undefined;
  }
  const startedAt = new Date();
  await client.query('BEGIN');
  try {
    // One simple-protocol query: multiple statements and $$ bodies work; positions are file offsets.
    await client.query(file.sql);
    await insertApplied(client, file.name, file.checksum);
    await client.query('COMMIT');
    return undefined;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    const logs = formatSqlError(error, relPath, file.sql);
    await insertFailed(client, file.name, file.checksum, startedAt, logs).catch(() => {});
    return new DbError('E_MIGRATION_FAILED', `migration ${file.name} failed and was rolled back:\n${logs}`, { cause: error });
  }
}

/**
 * Apply every pending migration in `dir` to `url`, in name order, each in its own transaction
 * together with its `_prisma_migrations` row — exactly as `prisma migrate deploy` records them.
 *
 * Throws DbError for refusals before anything runs (E_LOCK_TIMEOUT, E_MIGRATION_BLOCKED,
 * E_MIGRATION_EDITED, E_MIGRATION_DIR); a migration that fails is returned in `failed`.
 *
 * @example
 * const r = await migrate({ url, log: (e) => e.type === 'applied' && console.log(e.name, e.ms) });
 * if (r.failed) throw r.failed.error;
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const files = await readMigrations(options.dir ?? DEFAULT_MIGRATIONS_DIR);
  return withLockedClient(options, async (client) => {
    const rows = await readRows(client);
    const failed = failedRows(rows);
    if (failed.length > 0) throw blockedError(failed);
    const applied = appliedRows(rows);
    const warnings: string[] = [];
    const onDisk = new Set(files.map((f) => f.name));
    const missing = [...applied.keys()].filter((n) => !onDisk.has(n));
    if (missing.length > 0) {
      warnings.push(`applied migration${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found in ${options.dir ?? DEFAULT_MIGRATIONS_DIR} (restore the folder, or ignore if it was squashed into migrations_archive/)`);
    }
    const edited = await editedMigrations(files, applied);
    if (edited.length > 0) {
      const message = `applied migration${edited.length > 1 ? 's' : ''} ${edited.join(', ')} changed on disk since ${edited.length > 1 ? 'they were' : 'it was'} applied (checksum differs from _prisma_migrations)`;
      if (!options.allowEdited) {
        throw new DbError('E_MIGRATION_EDITED', `${message}; restore the original file (git checkout) and put the change in a new migration, or pass --allow-edited / allowEdited to proceed`);
      }
      warnings.push(`${message}; proceeding because allowEdited is set`);
    }
    for (const w of warnings) options.log?.({ type: 'warning', message: w });

    const result: MigrateResult = { applied: [], skipped: files.filter((f) => applied.has(f.name)).map((f) => f.name), pending: [], warnings };
    const appliedNames = new Set(applied.keys());
    const todo = files.filter((f) => !applied.has(f.name));
    for (let i = 0; i < todo.length; i++) {
      const file = todo[i]!;
      const t0 = performance.now();
      const error = (await checkRequires(client, file, files, appliedNames)) ?? (await applyOne(client, file));
      const ms = Math.round((performance.now() - t0) * 10) / 10;
      if (error) {
        result.failed = { name: file.name, error };
        result.pending = todo.slice(i).map((f) => f.name);
        options.log?.({ type: 'failed', name: file.name, ms, error });
        return result;
      }
      appliedNames.add(file.name);
      result.applied.push({ name: file.name, ms });
      options.log?.({ type: 'applied', name: file.name, ms });
    }
    return result;
  });
}
