import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger as Pino } from 'pino';
import { run, type ParsedCronItem, type Runner, type Task, type TaskList } from 'graphile-worker';
import { dateWindow, type ApiConfig } from './config.ts';
import type { IngestMetrics } from './metrics.ts';
import { markGaveUp, processInOrder, type EnqueueRefresh } from './ingest/process.ts';
import { INGEST_TASK } from '@warehouse/db/uploads';
import {
  installWorkerSchema,
  sweepDeadJobs,
  syncUploadIncidents,
  withLiveness,
  workerLogger,
  TASK_IDENTIFIER as REFRESH_TASK,
} from '@warehouse/refresher';
// graphile-worker's table of error codes that its withRetries retries with backoff (not re-exported).
import { RETRYABLE_ERROR_CODES } from 'graphile-worker/dist/lib.js';

/**
 * graphile-worker 0.17.3 retries completeJob/failJob (withRetries, up to 100 times with backoff)
 * only for serialization failures, deadlocks, 57P03, EHOSTUNREACH and ETIMEDOUT. A database that
 * restarts answers ECONNREFUSED / ECONNRESET / 57P01 admin_shutdown instead, so the job's outcome
 * was lost (and, unawaited, crashed the process). These codes are retried the same way as 57P03.
 */
const OUTAGE = { minDelay: 1000, maxDelay: 30_000 };
for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '08000', '08001', '08003', '08006']) {
  RETRYABLE_ERROR_CODES[code] ??= OUTAGE;
}

/** graphile-worker's schema and logger adapter come from @warehouse/refresher (one of each). */
export { installWorkerSchema, workerLogger };

export interface IngestTaskDeps {
  pool: pg.Pool;
  logger: Pino;
  config: Pick<ApiConfig, 'maxErrors' | 'errorSummary' | 'dateMin' | 'dateMax' | 'shrinkGuardPercent'>;
  metrics?: IngestMetrics;
  enqueueRefresh: EnqueueRefresh;
  /** Alert on an upload's new state (default: the refresher's syncUploadIncidents, ALERT_* from the env). */
  alertUpload?: (uploadId: number) => Promise<unknown>;
}

/**
 * Task `ingest_upload` ({ uploadId }), queued in `ingest:<kind>:<flavour>` (one queue per kind and
 * flavour, so graphile-worker runs them one at a time in the order they were accepted). It runs under the job liveness lock (the refresher's
 * withLiveness), so the sweeper can tell a job whose worker died from one that is merely slow.
 * On its last attempt an internal error marks the upload failed. A failed or held upload is
 * alerted at once (log.alert_incident, delivered by the `alert_webhook` task).
 */
export function ingestUploadTask(deps: IngestTaskDeps): Task {
  const alert =
    deps.alertUpload ?? ((uploadId: number) => syncUploadIncidents(deps.pool, { logger: deps.logger }, { uploadId }));
  return withLiveness(async (payload, helpers) => {
    const uploadId = Number((payload as { uploadId?: unknown })?.uploadId);
    if (!Number.isSafeInteger(uploadId) || uploadId <= 0) {
      helpers.logger.error(`ingest_upload payload ${JSON.stringify(payload)} has no numeric uploadId; dropping it`);
      return;
    }
    try {
      const { config } = deps;
      await processInOrder(
        {
          pool: deps.pool,
          logger: deps.logger,
          maxErrors: config.maxErrors,
          errorSummary: config.errorSummary,
          dateWindow: dateWindow(config),
          shrinkGuardPercent: config.shrinkGuardPercent,
          metrics: deps.metrics,
          enqueueRefresh: deps.enqueueRefresh,
          alertUpload: alert,
        },
        uploadId,
      );
    } catch (error) {
      if (helpers.job.attempts >= helpers.job.max_attempts)
        await markGaveUp(
          { pool: deps.pool, logger: deps.logger, alertUpload: alert },
          uploadId,
          helpers.job.attempts,
          error,
        );
      throw error;
    }
  });
}

/** The tasks this worker runs under the liveness lock, and so sweeps when their worker is gone. */
export const SWEPT_TASKS = [INGEST_TASK, REFRESH_TASK] as const;

/**
 * Release ingest and refresh jobs locked by a worker process that is gone (graphile-worker alone
 * would wait 4 hours). Returns the worker ids it unlocked.
 */
export function sweepDeadWorkerJobs(pool: pg.Pool, staleSeconds: number): Promise<string[]> {
  return sweepDeadJobs(pool, staleSeconds, SWEPT_TASKS);
}

export interface StartWorkerOptions extends IngestTaskDeps {
  config: Pick<
    ApiConfig,
    | 'maxErrors'
    | 'errorSummary'
    | 'dateMin'
    | 'dateMax'
    | 'shrinkGuardPercent'
    | 'workerConcurrency'
    | 'staleJobSeconds'
    | 'sweepIntervalMs'
  >;
  /** Extra tasks (the refresher's `mv_refresh`). */
  tasks?: TaskList;
  /** Cron items for those tasks (the refresher's nightly refresh and watch: refresherCronItems()). */
  cronItems?: ParsedCronItem[];
  pollInterval?: number;
  /** How long stop() waits for the pool to settle (default settleLimitMs(pool)). */
  settleLimitMs?: number;
}

export interface WorkerHandle {
  /** The current graphile-worker runner (replaced when one dies). */
  readonly runner: Runner;
  /** How many times a runner died and was started again. */
  readonly restarts: number;
  /**
   * Stop taking jobs, let the running ones finish, and resolve once their success or failure is
   * written: nothing of the worker is left on `pool`, so the caller may end it.
   */
  stop(): Promise<void>;
}

/**
 * Resolves once no client of `pool` is checked out and no request waits for one. graphile-worker
 * 0.17.3 records a job's outcome without awaiting it (worker.js calls `completeJob(job)` /
 * `failJob(...)` and moves on; batching, which its shutdown would wait for, is off by default), so
 * `runner.stop()` resolves while those writes are still asking the pool for a client. A pool ended
 * then never serves them (pg-pool hands no client to a waiting request once `end()` was called):
 * the outcome is lost and the write rejects 10 s later, unhandled, with "timeout exceeded when
 * trying to connect". Each write has asked for its client by the time its worker ends, so a pool
 * with nothing out and no one waiting has them all done (not a write sleeping between retries while
 * the database is down: it holds no client). Polled: pg-pool has no event for a failed connect.
 */
async function settled(pool: pg.Pool, limitMs: number, logger: Pino): Promise<void> {
  const until = Date.now() + limitMs;
  while (pool.waitingCount > 0 || pool.idleCount < pool.totalCount) {
    if (Date.now() >= until) {
      // A client never given back (a bug elsewhere) must not keep the process from stopping.
      logger.warn(
        { checkedOut: pool.totalCount - pool.idleCount, waiting: pool.waitingCount, waitedMs: limitMs },
        'worker stop: clients of the worker pool are still out after the wait; stopping anyway (an outcome being written may be lost and its job is retried after the stale-job timeout)',
      );
      return;
    }
    await sleep(10);
  }
}

/**
 * How long `stop()` waits for the worker pool to settle: 5 s longer than a write waits for a
 * connection (the pool's own connectionTimeoutMillis; 10 s as startServer makes it, so 15 s), so
 * only a client never given back hits it. A pool without a connect timeout gets 15 s.
 */
export function settleLimitMs(pool: pg.Pool): number {
  return (pool.options.connectionTimeoutMillis || 10_000) + 5_000;
}

/** Run graphile-worker with `ingest_upload` (+ given tasks) and the dead-job sweeper. */
export async function startWorker(opts: StartWorkerOptions): Promise<WorkerHandle> {
  const { pool, logger, config } = opts;
  // Also gives the pool the error listeners graphile-worker's run() checks for.
  await installWorkerSchema({ pool, logger });
  let sweeping: Promise<void> = Promise.resolve();
  const sweep = () =>
    (sweeping = (async () => {
      try {
        const ids = await sweepDeadWorkerJobs(pool, config.staleJobSeconds);
        if (ids.length) logger.warn({ workers: ids }, 'released jobs of worker(s) that are gone; they will be retried');
      } catch (error) {
        logger.error({ err: error }, 'sweeping jobs of dead workers failed');
      }
    })());
  await sweep();
  const timer = setInterval(sweep, config.sweepIntervalMs);
  timer.unref();
  const start = () =>
    run({
      pgPool: pool,
      concurrency: config.workerConcurrency,
      noHandleSignals: true,
      pollInterval: opts.pollInterval ?? 1000,
      logger: workerLogger(logger),
      taskList: { ...opts.tasks, [INGEST_TASK]: ingestUploadTask(opts) },
      // Always given: without it graphile-worker looks for ./crontab and logs that it is missing.
      parsedCronItems: opts.cronItems ?? [],
    });
  let runner = await start();
  let restarts = 0;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  // A runner ends on its own only when it gave up (e.g. "could not failJobs; queue is in an
  // inconsistent state"): start a new one, with backoff while the database stays away.
  const supervise = (r: Runner) => {
    r.promise.then(
      () => onEnd(r, undefined),
      (error: unknown) => onEnd(r, error),
    );
  };
  const onEnd = (r: Runner, error: unknown) => {
    if (stopping || r !== runner) return;
    const attempt = async (n: number): Promise<void> => {
      if (stopping) return;
      try {
        runner = await start();
        restarts++;
        logger.warn({ restarts }, 'graphile-worker runner restarted');
        supervise(runner);
      } catch (startError) {
        const delay = Math.min(30_000, 500 * 2 ** n);
        logger.warn({ err: startError, retryInMs: delay }, 'graphile-worker runner could not start; retrying');
        restartTimer = setTimeout(() => void attempt(n + 1), delay);
      }
    };
    logger.error({ err: error }, 'graphile-worker runner stopped by itself; starting a new one');
    restartTimer = setTimeout(() => void attempt(0), 500);
  };
  supervise(runner);
  return {
    get runner() {
      return runner;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      stopping = true;
      clearInterval(timer);
      clearTimeout(restartTimer);
      try {
        await runner.stop();
      } finally {
        await sweeping;
        await settled(pool, opts.settleLimitMs ?? settleLimitMs(pool), logger);
      }
    },
  };
}
