import pg from 'pg';
import { DbError } from '@warehouse/db';
import { rebuildLogOf } from './rebuilds.ts';
import {
  acceptableChecksums,
  DEFAULT_MIGRATIONS_DIR,
  findCreator,
  readMigrations,
  type MigrationFile,
} from './files.ts';
import { describeHolders, withMigrationLock, type LockHolder } from './lock.ts';
import { applyMigration, prepareMigrations, retryBudgetMs, type LockRetryInfo } from './apply.ts';
import { BlockerWatcher } from './blockers.ts';
import { planHash, planMigration, selectPending, type PlannedMigration, type Selection } from './plan.ts';
import { ensureTable, readRows, rowState, type MigrationRow } from './table.ts';
import {
  abandonSwap,
  estimateFills,
  fillAndSwap,
  isSwapMigration,
  pendingSwaps,
  type FillEstimate,
  type PendingSwap,
  type SwapEvent,
  type SwapReport,
} from './swap.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export type MigratorEvent =
  /** `index` of `total`: the running count of this run (absent for rollback's down steps). */
  | { type: 'applied'; name: string; ms: number; index?: number; total?: number }
  | { type: 'failed'; name: string; ms: number; error: Error; index?: number; total?: number }
  | ({ type: 'retrying' } & LockRetryInfo)
  | { type: 'waiting-for-lock'; holders: LockHolder[]; message: string }
  | { type: 'warning'; message: string }
  /** expand/fill/swap progress (migrator/swap.ts): per object filled, then the swap. */
  | SwapEvent;

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

export interface MigrateOptions extends MigratorOptions, Selection {
  /** Apply even when an applied migration's file changed since (default false). */
  allowEdited?: boolean;
  /**
   * PostgreSQL's lock_timeout for every migration statement, ms (default 5000; 0 = wait forever).
   * Not the wait for the migration advisory lock (`lockTimeoutMs`). A file's
   * `-- migrate:ddl-lock-timeout` header overrides it.
   */
  ddlLockTimeoutMs?: number;
  /** Retries of a migration whose lock was not granted in time (default 3; backoff doubles from `retryDelayMs`). */
  ddlLockRetries?: number;
  /** First backoff delay, ms (default 1000: 1 s, 2 s, 4 s — with 5 s timeouts 27 s in all). */
  retryDelayMs?: number;
  /** PostgreSQL's statement_timeout for every migration statement, ms (default: the server's). */
  statementTimeoutMs?: number;
  /** Apply only if the plan (see `plan`) still has this hash: what was reviewed is what runs. */
  planHash?: string;
}

export const DEFAULT_DDL_LOCK_TIMEOUT_MS = 5_000;
export const DEFAULT_DDL_LOCK_RETRIES = 3;
export const DEFAULT_RETRY_DELAY_MS = 1_000;

export interface MigrateResult {
  applied: { name: string; ms: number }[];
  /** Migrations already applied before this run. */
  skipped: string[];
  /** The migration that stopped the run (nothing of it is left behind unless it was no-transaction). */
  failed?: { name: string; error: Error };
  /** Migrations still not applied after this run (including those left out by `to`/`steps`). */
  pending: string[];
  /** Hash of the plan this run applied (see `plan`). */
  planHash: string;
  /** Applied migrations no longer on disk, and other things worth a look. */
  warnings: string[];
  /** Expand/fill/swap deploys this run finished (a pending one of an earlier run first). */
  swaps: SwapReport[];
  /**
   * The longest this run held locks that readers queue behind: a transactional migration (its
   * transaction, lock waits included) or a swap (from its first lock request on an old object to
   * its commit).
   */
  longestLock?: { name: string; ms: number; what: 'migration' | 'swap' };
}

/** Connect with the migrator's application_name (so a waiting migrator can name us). */
export async function connect(options: MigratorOptions): Promise<pg.Client> {
  // A bounded connect: an unreachable server fails in 15 s instead of hanging the deploy.
  const client = new pg.Client({
    connectionString: options.url,
    application_name: options.applicationName ?? 'warehouse-migrate',
    connectionTimeoutMillis: 15_000,
  });
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
          options.log?.({
            type: 'waiting-for-lock',
            holders,
            message: `waiting for the migration lock held by ${describeHolders(holders)}`,
          }),
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

async function checkRequires(
  client: pg.ClientBase,
  file: MigrationFile,
  files: MigrationFile[],
  applied: Set<string>,
): Promise<DbError | undefined> {
  if (file.requires.length === 0) return undefined;
  const r = await client.query<{ name: string; found: string | null }>(
    'select n as name, to_regclass(n)::text as found from unnest($1::text[]) as n',
    [file.requires],
  );
  const missing = r.rows.filter((x) => x.found == null).map((x) => x.name);
  if (missing.length === 0) return undefined;
  const explain = missing.map((object) => {
    const creator = findCreator(files, object);
    if (!creator)
      return `${object} does not exist and no migration in the history creates it; add a migration that creates it before ${file.name}, or remove it from the requires header`;
    if (creator.name === file.name)
      return `${object} does not exist, and ${file.name} creates it itself; remove it from the requires header`;
    if (creator.name > file.name) {
      return `${object} does not exist; it is created by migration ${creator.name}, which sorts after ${file.name}: rename ${file.name} to a later timestamp`;
    }
    if (applied.has(creator.name)) {
      return `${object} does not exist although migration ${creator.name}, which creates it, is applied (was it dropped by hand or by a later migration?); recreate it, or \`pnpm db:rollback\` and reapply ${creator.name}`;
    }
    return `${object} does not exist; it is created by migration ${creator.name} — run \`pnpm db:migrate\` or check \`pnpm db:status\``;
  });
  return new DbError(
    'E_MIGRATION_REQUIRES',
    `migration ${file.name} requires ${missing.join(', ')}: ${explain.join('; ')}`,
  );
}

/**
 * Apply every pending migration in `dir` to `url`, in name order, each in its own transaction
 * together with its `_prisma_migrations` row — exactly as `prisma migrate deploy` records them.
 *
 * Every statement runs with PostgreSQL's lock_timeout (`ddlLockTimeoutMs`, default 5 s); a
 * migration whose lock is not granted in time is rolled back and retried with backoff, then fails
 * with E_MIGRATION_LOCK_TIMEOUT naming the blocking session. `to`/`steps` apply only part of
 * what is pending; `planHash` refuses to run anything but the plan that was reviewed.
 *
 * Throws DbError for refusals before anything runs (E_LOCK_TIMEOUT, E_MIGRATION_BLOCKED,
 * E_MIGRATION_EDITED, E_MIGRATION_DIR, E_MIGRATION_TRANSACTION_CONTROL, E_MIGRATION_SESSION_STATE, E_SQL_PARSE,
 * E_PLAN_CHANGED); a migration that fails is returned in `failed`.
 *
 * @example
 * const r = await migrate({ url, log: (e) => e.type === 'applied' && console.log(e.name, e.ms) });
 * if (r.failed) throw r.failed.error;
 */
async function checkHistory(
  files: MigrationFile[],
  rows: MigrationRow[],
  options: MigrateOptions,
  dir: string,
  refuseEdited: boolean,
  unfinishedSwaps: ReadonlySet<string> = new Set(),
) {
  const failed = failedRows(rows).filter((r) => !unfinishedSwaps.has(r.name));
  if (failed.length > 0) throw blockedError(failed);
  const applied = appliedRows(rows);
  const warnings: string[] = [];
  const onDisk = new Set(files.map((f) => f.name));
  const missing = [...applied.keys()].filter((n) => !onDisk.has(n));
  if (missing.length > 0) {
    warnings.push(
      `applied migration${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found in ${dir} (restore the folder, or ignore if it was squashed into migrations_archive/)`,
    );
  }
  const edited = await editedMigrations(files, applied);
  if (edited.length > 0) {
    const message = `applied migration${edited.length > 1 ? 's' : ''} ${edited.join(', ')} changed on disk since ${edited.length > 1 ? 'they were' : 'it was'} applied (checksum differs from _prisma_migrations)`;
    if (!options.allowEdited && refuseEdited) {
      throw new DbError(
        'E_MIGRATION_EDITED',
        `${message}; restore the original file (git checkout) and put the change in a new migration, or pass --allow-edited / allowEdited to proceed`,
      );
    }
    warnings.push(options.allowEdited ? `${message}; proceeding because allowEdited is set` : message);
  }
  return { applied, warnings };
}

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  const files = await readMigrations(dir);
  return withLockedClient(options, async (client) => {
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const watcher = new BlockerWatcher(options.url, pid);
    const lockMs = options.ddlLockTimeoutMs ?? DEFAULT_DDL_LOCK_TIMEOUT_MS;
    const settings = {
      watcher,
      ddlLockTimeoutMs: lockMs,
      statementTimeoutMs: options.statementTimeoutMs ?? 0,
      retries: options.ddlLockRetries ?? DEFAULT_DDL_LOCK_RETRIES,
      retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
      onRetry: (info: Omit<Extract<MigratorEvent, { type: 'retrying' }>, 'type'>) =>
        options.log?.({ type: 'retrying', ...info }),
      rebuildLog: await rebuildLogOf(client),
    };
    try {
      return await migrateLocked(client, files, dir, options, settings);
    } finally {
      await watcher.close();
    }
  });
}

type Settings = Parameters<typeof applyMigration>[2];

/** Finish the pending swaps (an unfinished swap migration, or one applied by Prisma's CLI); the first failure is returned. */
async function finishSwaps(
  client: pg.ClientBase,
  swaps: PendingSwap[],
  settings: Settings,
  lockMs: number,
  result: Pick<MigrateResult, 'swaps' | 'longestLock'>,
  log: MigrateOptions['log'],
): Promise<{ name: string; error: Error } | undefined> {
  for (const s of swaps) {
    const r = await fillAndSwap(client, s, settings, lockMs, log);
    const name = s.migrationName ?? `swap ${s.swapId}`;
    if (r.error) return { name, error: r.error };
    result.swaps.push(r.report);
    if (!result.longestLock || r.report.lockMs > result.longestLock.ms)
      result.longestLock = { name, ms: r.report.lockMs, what: 'swap' };
  }
  return undefined;
}

async function migrateLocked(
  client: pg.Client,
  files: MigrationFile[],
  dir: string,
  options: MigrateOptions,
  settings: Settings,
): Promise<MigrateResult> {
  {
    const swapReports: Pick<MigrateResult, 'swaps' | 'longestLock'> = { swaps: [] };
    // A swap left unfinished (a fill that failed, a crash, `prisma migrate deploy`) is finished first:
    // the migrations after it were written against its new versions.
    const waiting = await pendingSwaps(client);
    const stuck = await finishSwaps(client, waiting, settings, settings.ddlLockTimeoutMs, swapReports, options.log);
    const rows = await readRows(client);
    if (stuck) {
      const applied = appliedRows(rows);
      const result: MigrateResult = {
        applied: [],
        skipped: files.filter((f) => applied.has(f.name)).map((f) => f.name),
        failed: stuck,
        pending: files.filter((f) => !applied.has(f.name)).map((f) => f.name),
        warnings: [],
        planHash: '',
        ...swapReports,
      };
      options.log?.({ type: 'failed', name: stuck.name, ms: 0, error: stuck.error });
      return result;
    }
    const { applied, warnings } = await checkHistory(files, rows, options, dir, true);
    for (const w of warnings) options.log?.({ type: 'warning', message: w });

    const todo = selectPending(files, (n) => applied.has(n), options, dir);
    const hash = planHash(todo);
    if (options.planHash !== undefined && options.planHash !== hash) {
      throw new DbError(
        'E_PLAN_CHANGED',
        `the plan is no longer the one reviewed: its hash is ${hash}, not ${options.planHash} (a migration file changed, or the database moved on); ` +
          'review `pnpm db:migrate --plan` again and pass its hash. Nothing was run.',
      );
    }
    // Parse everything first: transaction control, session changes or unparsable SQL are refused before anything runs.
    const prepared = await prepareMigrations(todo);
    const todoNames = new Set(todo.map((f) => f.name));
    const left = files.filter((f) => !applied.has(f.name) && !todoNames.has(f.name)).map((f) => f.name);
    const result: MigrateResult = {
      applied: [],
      skipped: files.filter((f) => applied.has(f.name)).map((f) => f.name),
      pending: left,
      warnings,
      planHash: hash,
      ...swapReports,
    };
    const appliedNames = new Set(applied.keys());
    {
      for (let i = 0; i < prepared.length; i++) {
        const { file } = prepared[i]!;
        const t0 = performance.now();
        // A transactional file checks its requires in its own message (one round trip per migration);
        // a no-transaction one before its history row is written.
        const requires = () => checkRequires(client, file, files, appliedNames);
        const error = file.noTransaction
          ? ((await requires()) ?? (await applyMigration(client, prepared[i]!, settings)))
          : await applyMigration(client, prepared[i]!, settings, requires);
        let ms = Math.round((performance.now() - t0) * 10) / 10;
        if (!file.noTransaction && !error && (!result.longestLock || ms > result.longestLock.ms))
          result.longestLock = { name: file.name, ms, what: 'migration' };
        // Expand/fill/swap: the new versions this migration created are filled and swapped in now,
        // before the next migration (which was written against them).
        const swapError =
          !error && isSwapMigration(prepared[i]!.statements)
            ? await finishSwaps(
                client,
                (await pendingSwaps(client)).filter((s) => s.migrationName === file.name),
                settings,
                file.ddlLockTimeoutMs ?? settings.ddlLockTimeoutMs,
                result,
                options.log,
              )
            : undefined;
        ms = Math.round((performance.now() - t0) * 10) / 10;
        if (error || swapError) {
          const failure = error ?? swapError!.error;
          result.failed = { name: file.name, error: failure };
          result.pending = todo
            .slice(i)
            .map((f) => f.name)
            .concat(left);
          options.log?.({ type: 'failed', name: file.name, ms, error: failure, index: i + 1, total: prepared.length });
          return result;
        }
        appliedNames.add(file.name);
        result.applied.push({ name: file.name, ms });
        options.log?.({ type: 'applied', name: file.name, ms, index: i + 1, total: prepared.length });
      }
    }
    return result;
  }
}

export interface FillResult {
  swaps: SwapReport[];
  longestLock?: MigrateResult['longestLock'];
  /** The swap that failed (the old versions still serve; run again or abandon). */
  failed?: { name: string; error: Error };
  /** With `abandon`: the relations whose new versions were dropped. */
  abandoned: string[];
}

/**
 * The toolkit's fill step on its own: fill and swap in every pending expand/fill/swap plan — what
 * a deploy through Prisma's CLI (`prisma migrate deploy`, which runs only the DDL) must run after
 * it (`pnpm db:fill`). `migrate` does the same before and after each migration. `abandon` drops
 * the new versions instead (the old ones stay) and marks an unfinished migration rolled back.
 *
 * @example
 * const r = await fill({ url });
 * if (r.failed) throw r.failed.error;
 */
export async function fill(
  options: MigratorOptions &
    Pick<MigrateOptions, 'ddlLockTimeoutMs' | 'ddlLockRetries' | 'retryDelayMs' | 'statementTimeoutMs'> & {
      abandon?: boolean;
    },
): Promise<FillResult> {
  return withLockedClient(options, async (client) => {
    const waiting = await pendingSwaps(client);
    const result: FillResult = { swaps: [], abandoned: [] };
    if (options.abandon) {
      for (const s of waiting) {
        result.abandoned.push(...(await abandonSwap(client, s)));
        if (s.migrationName)
          await client.query(
            `update public._prisma_migrations set rolled_back_at = now() where migration_name = $1 and finished_at is null and rolled_back_at is null`,
            [s.migrationName],
          );
      }
      return result;
    }
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const watcher = new BlockerWatcher(options.url, pid);
    const lockMs = options.ddlLockTimeoutMs ?? DEFAULT_DDL_LOCK_TIMEOUT_MS;
    try {
      const settings: Settings = {
        watcher,
        ddlLockTimeoutMs: lockMs,
        statementTimeoutMs: options.statementTimeoutMs ?? 0,
        retries: options.ddlLockRetries ?? DEFAULT_DDL_LOCK_RETRIES,
        retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
        onRetry: (info) => options.log?.({ type: 'retrying', ...info }),
        rebuildLog: await rebuildLogOf(client),
      };
      result.failed = await finishSwaps(client, waiting, settings, lockMs, result, options.log);
      return result;
    } finally {
      await watcher.close();
    }
  });
}

export interface PlanResult {
  /** Hash to pass to `migrate({ planHash })` / `db:migrate --plan-hash`. */
  hash: string;
  migrations: PlannedMigration[];
  /** Pending migrations the plan leaves for later (`to`/`steps`). */
  later: string[];
  warnings: string[];
  /** lock_timeout, retries and the longest a migration may wait for its locks. */
  ddlLockTimeoutMs: number;
  ddlLockRetries: number;
  retryBudgetMs: number;
  /**
   * What `migrate` fills before swapping (expand/fill/swap): a pending swap of an earlier run first,
   * then those of the pending migrations, each object with an estimate of its rows.
   */
  fills: FillEstimate[];
}

/**
 * What `migrate` with the same options would do, without taking the lock or changing anything:
 * each pending migration's statements, the lock each takes on which relation, lint findings, and
 * the plan's hash. Refuses what `migrate` refuses (transaction control, unparsable SQL, a failed
 * migration in the history).
 *
 * @example
 * const p = await plan({ url });
 * await migrate({ url, planHash: p.hash });
 */
export async function plan(options: MigrateOptions): Promise<PlanResult> {
  const dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
  const files = await readMigrations(dir);
  const client = await connect(options);
  try {
    const rows = await readRows(client);
    const waiting = await pendingSwaps(client);
    const unfinished = new Set(waiting.map((s) => s.migrationName).filter((n): n is string => !!n));
    const { applied, warnings } = await checkHistory(files, rows, options, dir, false, unfinished);
    const todo = selectPending(files, (n) => applied.has(n) || unfinished.has(n), options, dir);
    const prepared = await prepareMigrations(todo);
    const lockMs = options.ddlLockTimeoutMs ?? DEFAULT_DDL_LOCK_TIMEOUT_MS;
    const retries = options.ddlLockRetries ?? DEFAULT_DDL_LOCK_RETRIES;
    const todoNames = new Set(todo.map((f) => f.name));
    return {
      hash: planHash(todo),
      migrations: prepared.map((p) => planMigration(p, lockMs)),
      later: files.filter((f) => !applied.has(f.name) && !todoNames.has(f.name)).map((f) => f.name),
      warnings,
      ddlLockTimeoutMs: lockMs,
      ddlLockRetries: retries,
      retryBudgetMs: retryBudgetMs(lockMs, retries, options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS),
      fills: await estimateFills(client, waiting, prepared),
    };
  } finally {
    await client.end().catch(() => {});
  }
}
