import { readFile } from 'node:fs/promises';
import { DbError } from '@warehouse/db';
import { withTransaction } from '@warehouse/db/pg';
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from './files.ts';
import {
  appliedRows,
  blockedError,
  connect,
  editedMigrations,
  failedRows,
  withLockedClient,
  type MigratorOptions,
} from './migrate.ts';
import { formatSqlError } from './run-sql.ts';
import { abandonSwap, pendingSwaps } from './swap.ts';
import { parseSql } from './sql/parse.ts';
import {
  findSessionChanges,
  findTransactionControl,
  RESTORE_SESSION_SQL,
  sessionChangeError,
  transactionControlError,
  type SessionFinding,
  type TransactionControlFinding,
} from './apply.ts';
import {
  deleteRows,
  insertStamped,
  markFailedRolledBack,
  readRows,
  rowState,
  tableExists,
  type MigrationRow,
  type RowState,
} from './table.ts';

export interface StatusResult {
  /** False when `_prisma_migrations` does not exist yet (nothing applied). */
  tableExists: boolean;
  applied: string[];
  pending: string[];
  failed: { name: string; startedAt: Date; logs: string | null }[];
  /** Applied migrations whose file changed since. */
  edited: string[];
  /** Applied migrations with no folder on disk (a warning, not fatal for deploy). */
  missing: string[];
  /** True when the database is at head: nothing pending or failed. */
  upToDate: boolean;
}

/**
 * Compare the migrations folder with `_prisma_migrations`, without taking the lock or
 * writing anything; the same verdicts as `prisma migrate status`.
 */
export async function status(options: Omit<MigratorOptions, 'lockTimeoutMs'>): Promise<StatusResult> {
  const files = await readMigrations(options.dir ?? DEFAULT_MIGRATIONS_DIR);
  const client = await connect(options);
  try {
    const exists = await tableExists(client);
    const rows = await readRows(client);
    const applied = appliedRows(rows);
    const failed = failedRows(rows).map((r) => ({ name: r.name, startedAt: r.startedAt, logs: r.logs }));
    const failedNames = new Set(failed.map((f) => f.name));
    const onDisk = new Set(files.map((f) => f.name));
    const pending = files.filter((f) => !applied.has(f.name) && !failedNames.has(f.name)).map((f) => f.name);
    return {
      tableExists: exists,
      applied: files
        .filter((f) => applied.has(f.name))
        .map((f) => f.name)
        .concat([...applied.keys()].filter((n) => !onDisk.has(n))),
      pending,
      failed,
      edited: await editedMigrations(files, applied),
      missing: [...applied.keys()].filter((n) => !onDisk.has(n)),
      upToDate: pending.length === 0 && failed.length === 0,
    };
  } finally {
    await client.end().catch(() => {});
  }
}

export interface HistoryEntry extends MigrationRow {
  state: RowState;
  /** Marked applied without running (stamp / resolve --applied / baseline). */
  stamped: boolean;
}

/** Every `_prisma_migrations` row in the order the migrations started. */
export async function history(options: Pick<MigratorOptions, 'url' | 'applicationName'>): Promise<HistoryEntry[]> {
  const client = await connect(options);
  try {
    const rows = await readRows(client);
    return rows.map((r) => ({
      ...r,
      state: rowState(r),
      stamped: rowState(r) === 'applied' && r.appliedStepsCount === 0,
    }));
  } finally {
    await client.end().catch(() => {});
  }
}

function unknownMigration(name: string, known: string[], dir: string): DbError {
  const near = known.filter((k) => k.includes(name) || name.includes(k.slice(15))).slice(0, 3);
  return new DbError(
    'E_BAD_ARGUMENT',
    `migration ${JSON.stringify(name)} is not in ${dir}${near.length ? `; did you mean ${near.join(', ')}?` : ''} (pass a folder name as listed by \`pnpm db:status\`, or head)`,
  );
}

/**
 * Mark migrations up to `to` (a folder name, or 'head') applied without running them — a
 * baseline for a database whose objects already exist. Rows are written like
 * `prisma migrate resolve --applied`: 0 steps, started_at = finished_at.
 */
export async function stamp(
  options: MigratorOptions & { to: string },
): Promise<{ stamped: string[]; skipped: string[] }> {
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  const files = await readMigrations(dir);
  const names = files.map((f) => f.name);
  const upto = options.to === 'head' ? files.length : names.indexOf(options.to) + 1;
  if (upto === 0) throw unknownMigration(options.to, names, dir);
  return withLockedClient(options, async (client) => {
    const applied = appliedRows(await readRows(client));
    const stamped: string[] = [];
    const skipped: string[] = [];
    await withTransaction(client, async () => {
      for (const file of files.slice(0, upto)) {
        if (applied.has(file.name)) {
          skipped.push(file.name);
          continue;
        }
        await markFailedRolledBack(client, file.name);
        await insertStamped(client, file.name, file.checksum);
        stamped.push(file.name);
      }
    });
    return { stamped, skipped };
  });
}

/**
 * `{ rolledBack: NAME }`: mark a failed migration rolled back (after you undid its effects), so
 * deploy retries it. `{ applied: NAME }`: mark it applied (after you completed it by hand).
 * Same rows as `prisma migrate resolve`.
 */
export async function resolve(
  options: MigratorOptions &
    ({ rolledBack: string; applied?: undefined } | { applied: string; rolledBack?: undefined }),
): Promise<{ name: string; action: 'rolled-back' | 'applied' }> {
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  return withLockedClient(options, async (client) => {
    const rows = await readRows(client);
    if (options.rolledBack !== undefined) {
      const name = options.rolledBack;
      if (!rows.some((r) => r.name === name && rowState(r) === 'failed')) {
        const state = rows.find((r) => r.name === name && rowState(r) === 'applied') ? 'applied' : 'not failed';
        throw new DbError(
          'E_BAD_ARGUMENT',
          `migration ${name} cannot be marked rolled back because it is ${state} (like Prisma's P3011/P3012); only a failed migration can be — see \`pnpm db:status\``,
        );
      }
      // An unfinished expand/fill/swap: its new versions are dropped, the old ones stay.
      for (const s of (await pendingSwaps(client)).filter((x) => x.migrationName === name))
        await abandonSwap(client, s);
      await markFailedRolledBack(client, name);
      return { name, action: 'rolled-back' as const };
    }
    const name = options.applied;
    const files = await readMigrations(dir);
    const file = files.find((f) => f.name === name);
    if (!file)
      throw unknownMigration(
        name,
        files.map((f) => f.name),
        dir,
      );
    if (appliedRows(rows).has(name)) {
      throw new DbError(
        'E_BAD_ARGUMENT',
        `migration ${name} is already applied (like Prisma's P3008); nothing to resolve`,
      );
    }
    if ((await pendingSwaps(client)).some((x) => x.migrationName === name)) {
      throw new DbError(
        'E_BAD_ARGUMENT',
        `migration ${name} created new versions of views/MVs that are not filled and swapped in yet; marking it applied would leave the old versions serving for good. ` +
          `Run \`pnpm db:migrate\` (or \`pnpm db:fill\`) to finish it, or \`pnpm db:resolve --rolled-back ${name}\` to abandon it`,
      );
    }
    await withTransaction(client, async () => {
      await markFailedRolledBack(client, name);
      await insertStamped(client, name, file.checksum);
    });
    return { name, action: 'applied' as const };
  });
}

export interface RollbackResult {
  rolledBack: { name: string; ms: number }[];
  failed?: { name: string; error: Error };
}

/**
 * Undo the last `steps` applied migrations (default 1), newest first: each runs its `down.sql`
 * in one transaction together with deleting its `_prisma_migrations` rows, so it becomes
 * pending again. Refuses before doing anything when one of them has no down.sql, or when a down.sql
 * holds transaction control or changes the session (E_MIGRATION_TRANSACTION_CONTROL,
 * E_MIGRATION_SESSION_STATE, as migrate does); the session is restored after each down.sql.
 */
export async function rollback(options: MigratorOptions & { steps?: number }): Promise<RollbackResult> {
  const steps = options.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 1)
    throw new DbError('E_BAD_ARGUMENT', `steps must be a positive integer, got ${steps}`);
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  const files = await readMigrations(dir);
  return withLockedClient(options, async (client) => {
    const rows = await readRows(client);
    const failed = failedRows(rows);
    if (failed.length > 0) throw blockedError(failed);
    // Newest applied first: by start time, then name (stamped rows share a start time).
    const applied = [...appliedRows(rows).values()].sort(
      (a, b) => b.startedAt.getTime() - a.startedAt.getTime() || (a.name < b.name ? 1 : -1),
    );
    if (applied.length === 0)
      throw new DbError('E_BAD_ARGUMENT', 'no applied migration to roll back (see `pnpm db:status`)');
    const targets = applied.slice(0, steps);
    if (targets.length < steps)
      throw new DbError('E_BAD_ARGUMENT', `cannot roll back ${steps} migrations: only ${applied.length} applied`);
    const plan = targets.map((row) => ({ row, file: files.find((f) => f.name === row.name) }));
    const noDown = plan.filter((p) => !p.file?.downPath);
    if (noDown.length > 0) {
      throw new DbError(
        'E_MIGRATION_NO_DOWN',
        noDown
          .map((p) =>
            p.file
              ? `migration ${p.row.name} has no down.sql (${p.file.dir}/down.sql)`
              : `migration ${p.row.name} is applied but its folder is not in ${dir}`,
          )
          .join('; ') +
          '; write the down.sql that undoes it, or roll back by hand and run a new migration instead. Nothing was rolled back.',
      );
    }
    // down.sql is held to migration.sql's rules (one transaction, the session left as it was),
    // checked for every step before the first runs.
    const downs: string[] = [];
    const control: TransactionControlFinding[] = [];
    const session: SessionFinding[] = [];
    for (const { row, file } of plan) {
      const sql = await readFile(file!.downPath!, 'utf8');
      const name = `${row.name}/down.sql`;
      const statements = await parseSql(sql, name);
      control.push(...findTransactionControl(name, statements, false));
      session.push(...findSessionChanges(name, statements, false));
      downs.push(sql);
    }
    if (control.length > 0) throw transactionControlError(control);
    if (session.length > 0) throw sessionChangeError(session);
    const result: RollbackResult = { rolledBack: [] };
    for (const [i, { row }] of plan.entries()) {
      const t0 = performance.now();
      const sql = downs[i]!;
      try {
        await withTransaction(client, async () => {
          await client.query(sql);
          await client.query(RESTORE_SESSION_SQL);
          await deleteRows(client, row.name);
        });
      } catch (error) {
        result.failed = {
          name: row.name,
          error: new DbError(
            'E_MIGRATION_FAILED',
            `down.sql of ${row.name} failed and was rolled back (the migration stays applied):\n${formatSqlError(error, `${row.name}/down.sql`, sql)}`,
            { cause: error },
          ),
        };
        return result;
      }
      const ms = Math.round((performance.now() - t0) * 10) / 10;
      result.rolledBack.push({ name: row.name, ms });
      options.log?.({ type: 'applied', name: `${row.name} (down)`, ms });
    }
    return result;
  });
}
