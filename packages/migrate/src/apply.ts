/**
 * Running one migration file: parsed first (refusals before anything runs), then applied with
 * PostgreSQL's lock_timeout per statement and retried with backoff when a lock is not granted in time.
 */
import type pg from 'pg';
import { DbError } from '@warehouse/db';
import { parseSql, type ParsedStatement } from './sql/parse.ts';
import { concurrently, transactionControl } from './sql/statements.ts';
import { sessionChanges, type SessionChange } from './sql/session.ts';
import { describeBlockers, type Blocker, type BlockerWatcher } from './blockers.ts';
import type { MigrationFile } from './files.ts';
import { formatSqlError } from './run-sql.ts';
import { createsRebuildTable, rebuildsInsertSql, rebuildsOf, recordRebuilds, type RebuildLog } from './rebuilds.ts';
import { SWAP_SCHEMA_SUFFIX } from './catalog/swap.ts';
import { claimSwapSql, isSwapMigration } from './swap.ts';
import { appliedRowSql, unfinishedRowSql, insertFailed, insertStarted, markFinished, setLogs } from './table.ts';

export interface PreparedMigration {
  file: MigrationFile;
  statements: ParsedStatement[];
}

/** One transaction-control statement in a migration file: where it is and what it says. */
export interface TransactionControlFinding {
  /** `<migration>/migration.sql`. */
  file: string;
  line: number;
  /** `COMMIT`, `BEGIN`, `SAVEPOINT`, `END (COMMIT)`… */
  command: string;
  /** The statement as written (first 80 characters). */
  statement: string;
  /** Whether the file is `-- migrate:no-transaction`. */
  noTransaction: boolean;
}

/**
 * Transaction control among the top-level statements of a file. A transactional file runs in the
 * runner's transaction; a no-transaction file runs statement by statement, each committing on its
 * own, and is recorded after its last — a `BEGIN` there would leave the rest (the history row
 * included) in a transaction that nobody commits.
 */
export function findTransactionControl(
  file: string,
  statements: ParsedStatement[],
  noTransaction: boolean,
): TransactionControlFinding[] {
  const out: TransactionControlFinding[] = [];
  for (const s of statements) {
    const command = transactionControl(s);
    if (command)
      out.push({ file, line: s.line, command, statement: s.text.replace(/\s+/g, ' ').slice(0, 80), noTransaction });
  }
  return out;
}

/**
 * The refusal both paths raise — the runner (prepareMigrations) and Prisma's schema engine
 * (engine.ts, before the engine gets a migration list): E_MIGRATION_TRANSACTION_CONTROL naming
 * each file, line and statement, and the fix. `ran` says what was run (nothing).
 */
export function transactionControlError(findings: TransactionControlFinding[]): DbError {
  const where = (list: TransactionControlFinding[]) =>
    list.map((f) => `${f.file} line ${f.line}: ${f.command} (\`${f.statement}\`)`).join('; ');
  const inTx = findings.filter((f) => !f.noTransaction);
  const noTx = findings.filter((f) => f.noTransaction);
  const parts: string[] = [];
  if (inTx.length)
    parts.push(
      `transaction control in a transactional migration (each file runs in one transaction of its own): ${where(inTx)}. ` +
        'Remove it — the whole file commits or rolls back as one — or, if the file must manage transactions itself, make it `-- migrate:no-transaction`.',
    );
  if (noTx.length)
    parts.push(
      `transaction control in a no-transaction migration (each statement commits on its own, and the file is recorded after its last): ${where(noTx)}. ` +
        'Remove it; put statements that must commit together in a transactional migration of their own (without the header).',
    );
  return new DbError('E_MIGRATION_TRANSACTION_CONTROL', `${parts.join(' ')} Nothing was run.`);
}

/** One statement that would change the runner's session for the migrations after it. */
export interface SessionFinding extends SessionChange {
  file: string;
  line: number;
}

/** Statements in a file that the runner refuses because they change (or outlive into) its session. */
export function findSessionChanges(
  file: string,
  statements: ParsedStatement[],
  noTransaction: boolean,
): SessionFinding[] {
  const out: SessionFinding[] = [];
  for (const s of statements)
    for (const c of sessionChanges(s, { noTransaction }))
      if (c.rule !== 'persistent-setting') out.push({ file, line: s.line, ...c });
  return out;
}

/** E_MIGRATION_SESSION_STATE naming each file, line and statement, and the fix for each kind. */
export function sessionChangeError(findings: SessionFinding[]): DbError {
  const rules = new Set(findings.map((f) => f.rule));
  const fixes: string[] = [];
  if (rules.has('session-setting'))
    fixes.push(
      'a setting for this migration only: SET LOCAL (or set_config(…, true)), which ends with its transaction; a lasting default belongs in ALTER DATABASE/ROLE … SET',
    );
  if (rules.has('session-state'))
    fixes.push(
      'temporary tables: ON COMMIT DROP; advisory locks: pg_advisory_xact_lock(); no LOAD, DISCARD, LISTEN, PREPARE or WITH HOLD cursors in a migration',
    );
  if (rules.has('runner-timeout-setting'))
    fixes.push(
      'lock_timeout and statement_timeout belong to the runner: use the `-- migrate:ddl-lock-timeout 30s` / `-- migrate:statement-timeout 10min` header, or --ddl-lock-timeout',
    );
  return new DbError(
    'E_MIGRATION_SESSION_STATE',
    `a migration would change the session the following migrations run in: ${findings
      .map((f) => `${f.file} line ${f.line}: ${f.what}`)
      .join('; ')}. Fix: ${fixes.join('; ')}. Nothing was run.`,
  );
}

/**
 * Parse the files about to run. Refuses, before anything runs:
 * - E_MIGRATION_TRANSACTION_CONTROL: COMMIT, BEGIN, ROLLBACK, SAVEPOINT, END, ABORT, START
 *   TRANSACTION, RELEASE, PREPARE TRANSACTION… in any file. The runner owns the transaction of a
 *   transactional file (a COMMIT in the middle would keep the first half whatever happens to the
 *   second; a final ROLLBACK would record as applied a migration that created nothing), and a
 *   no-transaction file would leave the runner's session inside a transaction of its own.
 * - E_MIGRATION_SESSION_STATE: statements that change the session for the migrations after it
 *   (sql/session.ts: session-level SET/RESET, SET ROLE, set_config(…, false), DISCARD, LOAD,
 *   temporary tables without ON COMMIT DROP, session advisory locks, lock_timeout…).
 * - E_SQL_PARSE: unparsable SQL.
 */
export async function prepareMigrations(files: MigrationFile[]): Promise<PreparedMigration[]> {
  const out: PreparedMigration[] = [];
  const findings: TransactionControlFinding[] = [];
  const session: SessionFinding[] = [];
  for (const file of files) {
    const name = `${file.name}/migration.sql`;
    const statements = await parseSql(file.sql, name);
    findings.push(...findTransactionControl(name, statements, file.noTransaction));
    session.push(...findSessionChanges(name, statements, file.noTransaction));
    out.push({ file, statements });
  }
  if (findings.length > 0) throw transactionControlError(findings);
  if (session.length > 0) throw sessionChangeError(session);
  return out;
}

/**
 * What the runner sends after every migration, still in the same message as its COMMIT (no round
 * trip of its own): back to the session as it was when the runner connected, whatever dynamic SQL
 * or a function the file called did to it. The parse refuses what it can see (sql/session.ts);
 * this covers what it cannot (EXECUTE of SQL built at run time, a function that calls
 * set_config(…, false)). RESET restores the value the session started with (the server's, the
 * database's and role's ALTER … SET, the connection's options), not the built-in default.
 * DISCARD ALL is not used: it would release the runner's migration lock (an advisory lock).
 */
export const RESTORE_SESSION_SQL =
  'RESET SESSION AUTHORIZATION; RESET ROLE; RESET ALL; DISCARD TEMP; DEALLOCATE ALL; CLOSE ALL; UNLISTEN *';

/**
 * RESTORE_SESSION_SQL on its own (after a no-transaction file, or a down.sql). Throws
 * E_MIGRATION_SESSION_RESTORE when the session cannot be put back: the run must not go on in it.
 */
export async function restoreSession(client: pg.ClientBase, file: Pick<MigrationFile, 'name'>): Promise<void> {
  if (client.getTransactionStatus() !== 'I') await client.query('ROLLBACK').catch(() => {});
  try {
    await client.query(RESTORE_SESSION_SQL);
  } catch (cause) {
    throw new DbError(
      'E_MIGRATION_SESSION_RESTORE',
      `after migration ${file.name} the runner could not restore its session (${(cause as Error).message}); the run stopped. ` +
        'Check what the file changes about the session (role, settings, temporary objects) and remove it.',
      { cause },
    );
  }
}

/** E_MIGRATION_SESSION_LEFT_OPEN: after a migration the connection is still inside a transaction. */
function leftInTransaction(file: MigrationFile, status: string | null): DbError {
  return new DbError(
    'E_MIGRATION_SESSION_LEFT_OPEN',
    `migration ${file.name} left the runner's connection inside a transaction (transaction status ${JSON.stringify(status)}, not idle); ` +
      'it was rolled back and the run stopped. Look for a statement in the file (or a function it calls) that opens a transaction, and remove it.',
  );
}

export interface ApplySettings {
  /** Names the sessions that block the migration's connection. */
  /** Absent: lock waits are bounded by lock_timeout alone (the engine adapter's swaps). */
  watcher?: BlockerWatcher;
  /** lock_timeout for each statement, ms (0 = wait forever); a file's header overrides it. */
  ddlLockTimeoutMs: number;
  /** statement_timeout, ms (0 = leave the server's setting); a file's header overrides it. */
  statementTimeoutMs: number;
  /** Retries after a lock timeout. */
  retries: number;
  /** First backoff delay, doubled on each retry. */
  retryDelayMs: number;
  onRetry?: (info: LockRetryInfo) => void;
  /** Whether log.migration_rebuild exists (rebuildLogOf once per run). */
  rebuildLog: RebuildLog;
}

/** A migration rolled back after a lock timeout, about to be tried again. */
export interface LockRetryInfo {
  name: string;
  attempt: number;
  retries: number;
  delayMs: number;
  budgetMs: number;
  blockers: Blocker[];
  message: string;
}

const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';

/** A lock wait the watcher ended: reported and retried as the lock timeout it stands for. */
function overrun(lockMs: number, cause: unknown): Error {
  return Object.assign(
    new Error(
      `canceling statement due to lock timeout: the runner ended a lock wait that outlasted its lock_timeout ${lockMs} ms (the migration had changed lock_timeout where the parse cannot see)`,
    ),
    { code: LOCK_NOT_AVAILABLE, cause },
  );
}

function isLockTimeout(error: unknown): boolean {
  return (error as { code?: string })?.code === LOCK_NOT_AVAILABLE;
}

/** The longest a migration can spend waiting for locks and backing off before it fails. */
export function retryBudgetMs(lockMs: number, retries: number, delayMs: number): number {
  let total = lockMs * (retries + 1);
  for (let i = 0; i < retries; i++) total += delayMs * 2 ** i;
  return total;
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Run `attempt` and retry it on a lock timeout; returns the last blockers seen when it gives up. */
export async function withLockRetry(
  name: string,
  lockMs: number,
  settings: ApplySettings,
  attempt: () => Promise<void>,
): Promise<{ error?: unknown; blockers: Blocker[] }> {
  const budgetMs = retryBudgetMs(lockMs, settings.retries, settings.retryDelayMs);
  for (let i = 0; ; i++) {
    // watch for blockers only once a statement has waited a while: the fast path opens no connection
    // …and end a wait that outlasts lock_timeout by half again: the file changed it (parse-proof ways)
    const watch =
      lockMs > 0 && settings.watcher
        ? settings.watcher.watch(
            Math.max(1, Math.floor(lockMs / 4)),
            Math.max(20, Math.min(200, Math.floor(lockMs / 5))),
            Math.floor(lockMs * 1.5) + 500,
          )
        : undefined;
    try {
      await attempt();
      watch?.stop();
      return { blockers: [] };
    } catch (caught) {
      const blockers = watch?.stop() ?? [];
      const error =
        watch?.cancelled && (caught as { code?: string })?.code === QUERY_CANCELED ? overrun(lockMs, caught) : caught;
      if (!isLockTimeout(error) || i >= settings.retries) return { error, blockers };
      const delayMs = settings.retryDelayMs * 2 ** i;
      settings.onRetry?.({
        name,
        attempt: i + 1,
        retries: settings.retries,
        delayMs,
        budgetMs,
        blockers,
        message:
          `${name}: a lock was not granted within lock_timeout ${lockMs} ms${blockers.length ? ` (${describeBlockers(blockers)})` : ''}; ` +
          `rolled back, retry ${i + 1} of ${settings.retries} in ${delayMs} ms (at most ${(budgetMs / 1000).toFixed(1)} s in all)`,
      });
      await sleep(delayMs);
    }
  }
}

/** "could not take its locks: lock_timeout … expired n times (…). Blocked by …" */
export function lockTimeoutMessage(lockMs: number, settings: ApplySettings, blockers: Blocker[]): string {
  return (
    `could not take its locks: lock_timeout ${lockMs} ms expired ${settings.retries + 1} times ` +
    `(${settings.retries} retries with backoff, ${(retryBudgetMs(lockMs, settings.retries, settings.retryDelayMs) / 1000).toFixed(1)} s at most). ` +
    (blockers.length
      ? `Blocked by ${describeBlockers(blockers)}.`
      : 'The blocking session could not be seen (it let go just before the timeout).')
  );
}

function lockTimeoutError(
  file: MigrationFile,
  lockMs: number,
  settings: ApplySettings,
  blockers: Blocker[],
  cause: unknown,
  partly: boolean,
): DbError {
  return new DbError(
    'E_MIGRATION_LOCK_TIMEOUT',
    `migration ${file.name} ${lockTimeoutMessage(lockMs, settings, blockers)} ` +
      (partly
        ? 'The file is no-transaction: the statements before the blocked one are applied and its row stays failed; finish it by hand, then `pnpm db:resolve`.'
        : 'Nothing of it was applied or recorded.') +
      ' Wait for the blocking transaction to end (or end it: select pg_terminate_backend(<pid>)), then run `pnpm db:migrate` again; ' +
      'a longer wait: --ddl-lock-timeout or a `-- migrate:ddl-lock-timeout 30s` header.',
    { cause },
  );
}

/** Run one prepared migration; returns the error on failure (nothing thrown). */
export async function applyMigration(
  client: pg.ClientBase,
  prepared: PreparedMigration,
  settings: ApplySettings,
  /**
   * The file's `-- requires:` objects are checked in the same message (a regclass cast of each
   * fails at once when one is missing); on that failure this explains which and why.
   */
  explainRequires?: () => Promise<DbError | undefined>,
): Promise<Error | undefined> {
  const { file, statements } = prepared;
  const relPath = `${file.name}/migration.sql`;
  const lockMs = file.ddlLockTimeoutMs ?? settings.ddlLockTimeoutMs;
  const stmtMs = file.statementTimeoutMs ?? settings.statementTimeoutMs;
  if (file.noTransaction) {
    // Outside a transaction a failure can leave part of the file applied, so the row is written
    // first (failed until finished), exactly as Prisma records a migration in progress.
    const id = await insertStarted(client, file.name, file.checksum);
    let current = -1;
    const setLock = async (ms: number) => {
      if (ms !== current) await client.query(`set lock_timeout = ${ms}`);
      current = ms;
    };
    let failure: Error | undefined;
    try {
      if (stmtMs > 0) await client.query(`set statement_timeout = ${stmtMs}`);
      for (const statement of statements) {
        // CONCURRENTLY waits for older transactions by design, and a timed-out one leaves an INVALID index behind
        const ms = concurrently(statement) ? 0 : lockMs;
        const { error, blockers } = await withLockRetry(file.name, ms, settings, async () => {
          await setLock(ms);
          await client.query(statement.text);
        });
        if (error) {
          const logs = formatSqlError(error, relPath, file.sql, [...file.sql.slice(0, statement.offset)].length);
          await setLogs(client, id, logs).catch(() => {});
          failure = isLockTimeout(error)
            ? lockTimeoutError(file, ms, settings, blockers, error, true)
            : new DbError(
                'E_MIGRATION_FAILED',
                `migration ${file.name} (no-transaction) failed and may be partly applied:\n${logs}`,
                {
                  cause: error,
                },
              );
          break;
        }
      }
      // Nothing in the file may leave the connection inside a transaction (the parse refuses BEGIN;
      // this is what the server says): the history row below would be written into it and lost.
      const status = client.getTransactionStatus();
      if (!failure && status !== 'I') {
        await client.query('ROLLBACK').catch(() => {});
        failure = leftInTransaction(file, status);
        await setLogs(client, id, failure.message).catch(() => {});
      }
    } finally {
      await restoreSession(client, file);
    }
    if (failure) return failure;
    // Each statement committed on its own; the record follows them (a failure above left it out).
    if (createsRebuildTable(statements)) settings.rebuildLog.present = true;
    await recordRebuilds(client, file.name, rebuildsOf(statements), settings.rebuildLog);
    await markFinished(client, id);
    return undefined;
  }
  const startedAt = new Date();
  const log = { present: settings.rebuildLog.present || createsRebuildTable(statements) };
  // One simple-protocol message per migration: BEGIN, its timeouts, the requires check, the file as
  // written (multiple statements and $$ bodies work), the session restored (RESTORE_SESSION_SQL:
  // inside the transaction, so a failure there rolls the migration back, and the history row is
  // written as the runner's own role and settings), the rebuilds and the history row, COMMIT — one
  // round trip, where four were the runner's whole overhead over psql at 1,000 migrations. An error
  // stops the message where it happened (PostgreSQL skips the rest, the COMMIT included) and leaves
  // the transaction for our ROLLBACK. "\n;" closes a last statement that has no semicolon or ends in
  // a -- comment; the file parsed, so nothing else is left open.
  // A swap migration (expand/fill/swap, migrator/swap.ts) stays unfinished until its new versions are
  // filled and swapped in; its shadows are not rebuilds of anything yet (the swap records them).
  const swap = isSwapMigration(statements);
  const shadow = `${SWAP_SCHEMA_SUFFIX}".`;
  const bookkeeping = [
    rebuildsInsertSql(
      client,
      file.name,
      rebuildsOf(statements).filter((r) => !r.relation.includes(shadow)),
      log,
    ),
    swap ? unfinishedRowSql(client, file.name, file.checksum) : appliedRowSql(client, file.name, file.checksum),
    swap ? claimSwapSql(client, file.name) : '',
  ].filter(Boolean);
  // `-- requires:` objects: a cast to regclass fails (42P01) when one is missing, before the file runs.
  const requires = file.requires.length
    ? `SELECT ${file.requires.map((r) => `${client.escapeLiteral(r)}::regclass`).join(', ')};\n`
    : '';
  const prefix = `BEGIN; SET LOCAL lock_timeout = ${lockMs}${stmtMs > 0 ? `; SET LOCAL statement_timeout = ${stmtMs}` : ''};\n${requires}`;
  const message = `${prefix}${file.sql}\n;\n${RESTORE_SESSION_SQL};\n${bookkeeping.join(';\n')};\nCOMMIT`;
  const { error, blockers } = await withLockRetry(file.name, lockMs, settings, async () => {
    try {
      await client.query(message);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    }
  });
  if (!error) {
    settings.rebuildLog.present = log.present;
    const status = client.getTransactionStatus();
    if (status !== 'I') {
      await client.query('ROLLBACK').catch(() => {});
      return leftInTransaction(file, status);
    }
    return undefined;
  }
  // A lock timeout left nothing behind and is worth running again as it is: not recorded as failed.
  if (isLockTimeout(error)) return lockTimeoutError(file, lockMs, settings, blockers, error, false);
  const prefixChars = [...prefix].length;
  const where = errorPlace(error, prefixChars, file.sql);
  // Failed before the file: a required object is missing. Nothing ran; not recorded (as before the fold).
  if (where === 'before' && requires) {
    const refusal = await explainRequires?.();
    if (refusal) return refusal;
  }
  // The server counts positions from the start of the message: one in the file is shifted back by
  // the prefix; one in the runner's own statements is dropped rather than blamed on a line of the file.
  const logs =
    where === 'file'
      ? formatSqlError(error, relPath, file.sql, -prefixChars)
      : formatSqlError(where ? withoutPosition(error) : error, relPath, file.sql);
  await insertFailed(client, file.name, file.checksum, startedAt, logs).catch(() => {});
  return new DbError('E_MIGRATION_FAILED', `migration ${file.name} failed and was rolled back:\n${logs}`, {
    cause: error,
  });
}

/** Where in the message an error's position falls: before the file, in it, after it, or nowhere. */
function errorPlace(error: unknown, prefixChars: number, sql: string): 'before' | 'file' | 'after' | undefined {
  const position = Number((error as { position?: string })?.position);
  if (!position) return undefined;
  if (position <= prefixChars) return 'before';
  return position <= prefixChars + [...sql].length ? 'file' : 'after';
}

function withoutPosition(error: unknown): unknown {
  const { position: _dropped, ...fields } = error as Record<string, unknown>;
  return { ...fields, message: (error as Error).message }; // message is not enumerable
}
