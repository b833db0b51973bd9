import type pg from 'pg';
import { RefresherError } from './errors.ts';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

export const LOG_TABLE = 'log.mv_refresh_log';

export interface AttemptStart {
  mv: string;
  trigger: string;
  runId: string;
  mode: 'concurrent' | 'plain';
  modeReason?: string;
  attempt: number;
  startedAt: Date;
  /** `full` or `incremental` (log.mv_refresh_log.strategy). */
  strategy?: 'full' | 'incremental';
}

export interface AttemptEnd {
  outcome: 'refreshed' | 'failed' | 'skipped';
  finishedAt: Date;
  error?: string;
  rowCount?: number | null;
  durationMs: number;
  /** Incremental tables: keys recomputed, or (full) keys found different. */
  keyCount?: number | null;
}

/** Fail early, with the fix, when the history table is missing (refresh without history is blind). */
export async function assertLogTable(db: Queryable): Promise<void> {
  const { rows } = await db.query(`select to_regclass($1) is not null as ok`, [LOG_TABLE]);
  if (!rows[0]?.ok) {
    throw new RefresherError(
      'E_NO_LOG_TABLE',
      `${LOG_TABLE} does not exist in this database; it is created by migration 20251201000000_init — run \`pnpm db:migrate --env <env>\``,
    );
  }
}

/** One row per attempt, written as `running` before the REFRESH so a hung refresh is visible. */
export async function logAttemptStart(db: Queryable, a: AttemptStart): Promise<string> {
  const { rows } = await db.query(
    `insert into log.mv_refresh_log (mv_name, trigger, run_id, started_at, mode, mode_reason, outcome, attempts, strategy)
     values ($1, $2, $3, $4, $5, $6, 'running', $7, $8) returning id`,
    [a.mv, a.trigger, a.runId, a.startedAt, a.mode, a.modeReason ?? null, a.attempt, a.strategy ?? null],
  );
  return String(rows[0].id);
}

export async function logAttemptEnd(db: Queryable, id: string, e: AttemptEnd): Promise<void> {
  await db.query(
    `update log.mv_refresh_log set outcome = $2, finished_at = $3, error = $4, row_count = $5, duration_ms = $6,
       key_count = coalesce($7, key_count) where id = $1`,
    [id, e.outcome, e.finishedAt, e.error ?? null, e.rowCount ?? null, Math.round(e.durationMs), e.keyCount ?? null],
  );
}

/** A skipped MV gets a row too, so "why is this MV stale?" has an answer in the table. */
export async function logSkipped(
  db: Queryable,
  a: Omit<AttemptStart, 'attempt' | 'mode'> & { mode: 'concurrent' | 'plain'; reason: string },
): Promise<void> {
  await db.query(
    `insert into log.mv_refresh_log (mv_name, trigger, run_id, started_at, finished_at, mode, mode_reason, outcome, attempts, error, duration_ms)
     values ($1, $2, $3, $4, $4, $5, $6, 'skipped', 0, $7, 0)`,
    [a.mv, a.trigger, a.runId, a.startedAt, a.mode, a.modeReason ?? null, a.reason],
  );
}

export interface HistoryEntry {
  id: string;
  runId: string;
  trigger: string;
  mode: string;
  modeReason: string | null;
  outcome: string;
  attempts: number;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  rowCount: number | null;
  error: string | null;
  strategy: string | null;
  keyCount: number | null;
}

/**
 * The latest refresh attempts of one MV, newest first.
 * @example await mvHistory(pool, 'mart.mv_receive_daily', 20)
 */
export async function mvHistory(db: Queryable, mv: string, limit = 50): Promise<HistoryEntry[]> {
  const { rows } = await db.query(
    `select id, run_id, trigger, mode, mode_reason, outcome, attempts, started_at, finished_at, duration_ms, row_count, error,
       strategy, key_count
     from log.mv_refresh_log where mv_name = $1 order by started_at desc, id desc limit $2`,
    [mv, limit],
  );
  return rows.map((r) => ({
    id: String(r.id),
    runId: r.run_id,
    trigger: r.trigger,
    mode: r.mode,
    modeReason: r.mode_reason,
    outcome: r.outcome,
    attempts: r.attempts,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    rowCount: r.row_count == null ? null : Number(r.row_count),
    error: r.error,
    strategy: r.strategy,
    keyCount: r.key_count,
  }));
}
