import type pg from 'pg';
import type { Logger as Pino } from 'pino';
import { Logger, makeWorkerUtils, run, runMigrations, type LogLevel, type Runner, type Task, type TaskList } from 'graphile-worker';
import type { ApiConfig } from './config.ts';
import type { IngestMetrics } from './metrics.ts';
import { markGaveUp, processUpload, type EnqueueRefresh } from './ingest/process.ts';

/** Advisory-lock class (two-int form) a worker holds for each ingest job it runs: its liveness. */
export const INGEST_LIVENESS_CLASS = 8201;

/** graphile-worker logs through pino. */
export function graphileLogger(logger: Pino): Logger {
  return new Logger((scope) => (level: LogLevel, message: string, meta?: unknown) => {
    const fn = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'debug' ? 'debug' : 'info';
    logger[fn]({ ...scope, ...(meta as object) }, message);
  });
}

/** Install or upgrade graphile-worker's schema (idempotent; safe with several processes). */
export async function installWorkerSchema(pool: pg.Pool, logger: Pino): Promise<void> {
  await runMigrations({ pgPool: pool, logger: graphileLogger(logger) });
}

export interface IngestTaskDeps {
  pool: pg.Pool;
  logger: Pino;
  config: Pick<ApiConfig, 'maxErrors'>;
  metrics?: IngestMetrics;
  enqueueRefresh: EnqueueRefresh;
}

/**
 * Task `ingest_upload` ({ uploadId }). While it runs it holds an advisory lock keyed by the job id
 * on its own connection, so the sweeper can tell a job whose worker died (lock gone) from one
 * that is merely slow. On its last attempt an internal error marks the upload failed.
 */
export function ingestUploadTask(deps: IngestTaskDeps): Task {
  return async (payload, helpers) => {
    const uploadId = Number((payload as { uploadId?: unknown })?.uploadId);
    if (!Number.isSafeInteger(uploadId) || uploadId <= 0) {
      helpers.logger.error(`ingest_upload payload ${JSON.stringify(payload)} has no numeric uploadId; dropping it`);
      return;
    }
    const jobKey = Number(BigInt(helpers.job.id) % 2147483647n);
    const live = await deps.pool.connect();
    try {
      await live.query('SELECT pg_advisory_lock($1, $2)', [INGEST_LIVENESS_CLASS, jobKey]);
      await processUpload({ pool: deps.pool, logger: deps.logger, maxErrors: deps.config.maxErrors, metrics: deps.metrics, enqueueRefresh: deps.enqueueRefresh }, uploadId);
    } catch (error) {
      if (helpers.job.attempts >= helpers.job.max_attempts) await markGaveUp(deps.pool, uploadId, helpers.job.attempts, error);
      throw error;
    } finally {
      await live.query('SELECT pg_advisory_unlock($1, $2)', [INGEST_LIVENESS_CLASS, jobKey]).catch(() => {});
      live.release();
    }
  };
}

/**
 * Release ingest jobs locked by a worker process that is gone: locked for longer than
 * `staleSeconds` and nobody holds their liveness lock. graphile-worker alone would wait 4 hours.
 * Returns the worker ids it unlocked.
 */
export async function sweepDeadIngestJobs(pool: pg.Pool, staleSeconds: number): Promise<string[]> {
  const { rows } = await pool.query<{ locked_by: string }>(
    `SELECT DISTINCT j.locked_by FROM graphile_worker.jobs j
      WHERE j.task_identifier = 'ingest_upload' AND j.locked_by IS NOT NULL
        AND j.locked_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (
          SELECT 1 FROM pg_locks l
           WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND l.classid = $2 AND l.objid = (j.id % 2147483647)::oid)`,
    [staleSeconds, INGEST_LIVENESS_CLASS],
  );
  const ids = rows.map((r) => r.locked_by);
  if (ids.length) {
    const utils = await makeWorkerUtils({ pgPool: pool });
    try {
      await utils.forceUnlockWorkers(ids);
    } finally {
      await utils.release();
    }
  }
  return ids;
}

export interface StartWorkerOptions extends IngestTaskDeps {
  config: Pick<ApiConfig, 'maxErrors' | 'workerConcurrency' | 'staleJobSeconds' | 'sweepIntervalMs'>;
  /** Extra tasks (the refresher's `mv_refresh`). */
  tasks?: TaskList;
  pollInterval?: number;
}

export interface WorkerHandle {
  runner: Runner;
  stop(): Promise<void>;
}

/** Run graphile-worker with `ingest_upload` (+ given tasks) and the dead-job sweeper. */
export async function startWorker(opts: StartWorkerOptions): Promise<WorkerHandle> {
  const { pool, logger, config } = opts;
  await installWorkerSchema(pool, logger);
  const sweep = async () => {
    try {
      const ids = await sweepDeadIngestJobs(pool, config.staleJobSeconds);
      if (ids.length) logger.warn({ workers: ids }, 'released ingest jobs of worker(s) that are gone; they will be retried');
    } catch (error) {
      logger.error({ err: error }, 'sweeping dead ingest jobs failed');
    }
  };
  await sweep();
  const timer = setInterval(sweep, config.sweepIntervalMs);
  timer.unref();
  const runner = await run({
    pgPool: pool,
    concurrency: config.workerConcurrency,
    noHandleSignals: true,
    pollInterval: opts.pollInterval ?? 1000,
    logger: graphileLogger(logger),
    taskList: { ...opts.tasks, ingest_upload: ingestUploadTask(opts) },
    // No cron jobs: without this graphile-worker looks for ./crontab and logs that it is missing.
    parsedCronItems: [],
  });
  return {
    runner,
    async stop() {
      clearInterval(timer);
      await runner.stop();
    },
  };
}
