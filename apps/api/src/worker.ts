import type pg from 'pg';
import type { Logger as Pino } from 'pino';
import { run, type Runner, type Task, type TaskList } from 'graphile-worker';
import type { ApiConfig } from './config.ts';
import type { IngestMetrics } from './metrics.ts';
import { markGaveUp, processUpload, type EnqueueRefresh } from './ingest/process.ts';
import { installWorkerSchema, sweepDeadJobs, withLiveness, workerLogger, TASK_IDENTIFIER as REFRESH_TASK } from '@warehouse/refresher';

/** graphile-worker's schema and logger adapter come from @warehouse/refresher (one of each). */
export { installWorkerSchema, workerLogger };

export interface IngestTaskDeps {
  pool: pg.Pool;
  logger: Pino;
  config: Pick<ApiConfig, 'maxErrors'>;
  metrics?: IngestMetrics;
  enqueueRefresh: EnqueueRefresh;
}

/**
 * Task `ingest_upload` ({ uploadId }). It runs under the job liveness lock (the refresher's
 * withLiveness), so the sweeper can tell a job whose worker died from one that is merely slow.
 * On its last attempt an internal error marks the upload failed.
 */
export function ingestUploadTask(deps: IngestTaskDeps): Task {
  return withLiveness(async (payload, helpers) => {
    const uploadId = Number((payload as { uploadId?: unknown })?.uploadId);
    if (!Number.isSafeInteger(uploadId) || uploadId <= 0) {
      helpers.logger.error(`ingest_upload payload ${JSON.stringify(payload)} has no numeric uploadId; dropping it`);
      return;
    }
    try {
      await processUpload({ pool: deps.pool, logger: deps.logger, maxErrors: deps.config.maxErrors, metrics: deps.metrics, enqueueRefresh: deps.enqueueRefresh }, uploadId);
    } catch (error) {
      if (helpers.job.attempts >= helpers.job.max_attempts) await markGaveUp(deps.pool, uploadId, helpers.job.attempts, error);
      throw error;
    }
  });
}

/** The tasks this worker runs under the liveness lock, and so sweeps when their worker is gone. */
export const SWEPT_TASKS = ['ingest_upload', REFRESH_TASK] as const;

/**
 * Release ingest and refresh jobs locked by a worker process that is gone (graphile-worker alone
 * would wait 4 hours). Returns the worker ids it unlocked.
 */
export function sweepDeadWorkerJobs(pool: pg.Pool, staleSeconds: number): Promise<string[]> {
  return sweepDeadJobs(pool, staleSeconds, SWEPT_TASKS);
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
  // Also gives the pool the error listeners graphile-worker's run() checks for.
  await installWorkerSchema({ pool, logger });
  const sweep = async () => {
    try {
      const ids = await sweepDeadWorkerJobs(pool, config.staleJobSeconds);
      if (ids.length) logger.warn({ workers: ids }, 'released jobs of worker(s) that are gone; they will be retried');
    } catch (error) {
      logger.error({ err: error }, 'sweeping jobs of dead workers failed');
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
    logger: workerLogger(logger),
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
