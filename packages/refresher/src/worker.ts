import {
  Logger as WorkerLogger,
  run,
  runMigrations,
  type Runner,
  type RunnerOptions,
  type Task,
  type TaskList,
} from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from 'pino';
import { configFromEnv } from './config.ts';
import { ALERT_TASK, alertRefreshResult, createAlertTask } from './alerts.ts';
import { createNightlyTask, createWatchTask, NIGHTLY_TASK, refresherCronItems, WATCH_TASK } from './schedule.ts';
import { RefresherError } from './errors.ts';
import { normalizeName } from './graph.ts';
import { CSV_TYPES, MV_MAPPING, isCsvType, type CsvType } from './mapping.ts';
import { refreshRoots } from './refresh.ts';
import { nightlyVerify } from './verify.ts';
import { withLiveness } from './liveness.ts';
import { createLogger } from './logger.ts';
import type { RefreshOptions, RefreshResult } from './types.ts';

/** graphile-worker task identifier owned by the refresher. */
export const TASK_IDENTIFIER = 'mv_refresh';
/** Every refresh job runs in this named queue: one at a time across all worker instances, so two
 *  runs never refresh the same MV at once and a request during a run waits for exactly one follow-up. */
export const QUEUE_NAME = 'mv_refresh';

export interface RefreshRequest {
  csvType?: CsvType;
  mvs?: string[];
  /** Every MV of the database (the nightly refresh, `POST /mv/refresh {all:true}`). */
  all?: boolean;
  trigger: string;
}

/** Jobs are queued as an array of requests: graphile-worker concatenates array payloads when a
 *  keyed job is replaced, so the triggers of coalesced requests are all kept. */
export type RefreshJobPayload = RefreshRequest | RefreshRequest[];

export interface EnqueueOptions {
  /** Trailing debounce: the job runs this long after the last request (default MV_REFRESH_DEBOUNCE_MS, see config.ts). */
  debounceMs?: number;
  maxAttempts?: number;
  /** Name of graphile-worker's schema (default graphile_worker). */
  schema?: string;
}

/**
 * The job key. One key for every refresh request: requests that arrive while a refresh job waits
 * are merged into it (graphile-worker concatenates array payloads on replace), and a request that
 * arrives while it runs creates exactly one follow-up job, which later requests join. With a key
 * per csv_type or per MV set, overlapping requests under different keys could each add a follow-up
 * for the same MV (e.g. a yard MV built on mv_receive_daily), so the guarantee "at most one
 * follow-up run per MV" needs a single key. The follow-up refreshes the union of the requests.
 */
export const JOB_KEY = 'mv_refresh';

/** Checks a request that may come from outside TypeScript (a job's JSON payload, a caller in JS). */
function validate(request: RefreshRequest): void {
  if (!request || typeof request.trigger !== 'string' || !request.trigger) {
    throw new RefresherError(
      'E_BAD_PAYLOAD',
      `refresh request ${JSON.stringify(request)} has no trigger; pass e.g. { csvType: '${CSV_TYPES[0]}', trigger: 'upload:42' }`,
    );
  }
  const csvType: unknown = request.csvType;
  if (csvType !== undefined && !isCsvType(csvType)) {
    throw new RefresherError(
      'E_UNKNOWN_CSV_TYPE',
      `csv_type ${JSON.stringify(csvType)} is not a CSV kind; known: ${CSV_TYPES.join(', ')}`,
    );
  }
  if (
    request.csvType === undefined &&
    request.all !== true &&
    !(Array.isArray(request.mvs) && request.mvs.length > 0)
  ) {
    throw new RefresherError(
      'E_BAD_PAYLOAD',
      `refresh request ${JSON.stringify(request)} names none of csvType, mvs, all; pass one of them`,
    );
  }
}

/**
 * Queue a refresh inside the caller's transaction: the job becomes visible only when the caller
 * commits (so the worker never refreshes before the upload's rows are there) and disappears on
 * rollback. All requests share one job key and coalesce (job_key_mode 'replace', see JOB_KEY).
 * @example await withTransaction(client, async () => { …insert rows…; await enqueueRefresh(client, { csvType: 'receive', trigger: 'upload:42' }); });
 */
export async function enqueueRefresh(
  client: pg.ClientBase,
  request: RefreshRequest,
  options: EnqueueOptions = {},
): Promise<{ jobId: string; jobKey: string }> {
  validate(request);
  // Defaults from the environment here, not at the call sites: every process that enqueues (the
  // API's ingest, the worker's cron, the CLI) honours the MV_REFRESH_* settings.
  const config = options.debounceMs === undefined ? configFromEnv() : undefined;
  const debounceMs = options.debounceMs ?? config!.debounceMs;
  const schema = `"${(options.schema ?? 'graphile_worker').replace(/"/g, '""')}"`;
  const jobKey = JOB_KEY;
  const payload: RefreshRequest[] = [request];
  // add_job returns an all-null row when, between its UPDATE and its INSERT, a worker locked the
  // keyed job; a second call then sees the lock, detaches the running job's key and inserts.
  for (let tries = 1; tries <= 5; tries++) {
    let rows: { id: string | null }[];
    try {
      ({ rows } = await client.query(
        `select id from ${schema}.add_job(
           identifier => $1::text, payload => $2::json, queue_name => $3::text,
           run_at => clock_timestamp() + $4::int * interval '1 millisecond', max_attempts => $5::int,
           job_key => $6::text, job_key_mode => 'replace')`,
        [TASK_IDENTIFIER, JSON.stringify(payload), QUEUE_NAME, debounceMs, options.maxAttempts ?? 3, jobKey],
      ));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '3F000' || code === '42883') {
        throw new RefresherError(
          'E_NO_WORKER_SCHEMA',
          `${schema}.add_job does not exist in this database; install graphile-worker's schema (start the worker once, or call installWorkerSchema from @warehouse/refresher)`,
          { cause: error },
        );
      }
      throw error;
    }
    if (rows[0]?.id != null) return { jobId: String(rows[0].id), jobKey };
  }
  throw new RefresherError(
    'E_ENQUEUE_CONTENDED',
    `could not queue ${TASK_IDENTIFIER} job ${jobKey} after 5 tries (the keyed job kept being locked); retry the request`,
  );
}

export function parsePayload(payload: unknown): RefreshRequest[] {
  const list = Array.isArray(payload) ? payload : [payload];
  for (const r of list) validate(r as RefreshRequest);
  return list as RefreshRequest[];
}

export interface RefreshTaskOptions extends RefreshOptions {
  /** Called with each run's result, e.g. to store the outcome on log.upload_file. */
  onResult?: (result: RefreshResult, requests: RefreshRequest[]) => Promise<void> | void;
  /** Open/resolve `mv_failed:<mv>` alert incidents after each run (default true; needs `pool`). */
  alerts?: boolean;
}

/**
 * The `mv_refresh` task. One job may carry several coalesced requests; they are refreshed in one
 * orchestrated run. A failed MV is a result, not an exception: retrying a division by zero repeats
 * it, and transient errors were already retried per MV. Only an unexpected error (database gone)
 * throws, and graphile-worker retries the job.
 */
export function createRefreshTask(options: RefreshTaskOptions): Task {
  // Every runner of mv_refresh holds the job's liveness lock, so a sweeper can free the job of a
  // killed worker (liveness.ts).
  return withLiveness(async (payload, helpers) => {
    const requests = parsePayload(payload);
    const roots = new Map<string, boolean>();
    const all = requests.some((r) => r.all === true);
    for (const r of requests) {
      const mapped = r.csvType ? MV_MAPPING[r.csvType] : [];
      for (const m of mapped) roots.set(normalizeName(m.mv), (roots.get(normalizeName(m.mv)) ?? false) || m.critical);
      for (const mv of r.mvs ?? []) roots.set(normalizeName(mv), true);
    }
    const trigger = [...new Set(requests.map((r) => r.trigger))].join(',');
    helpers.logger.info(`mv_refresh job ${helpers.job.id}: ${roots.size} root MV(s), trigger ${trigger}`);
    const config = { ...configFromEnv(), ...options.config };
    // `all` refreshes every MV; the named roots keep their criticality through MV_SETTINGS.
    const result = await refreshRoots(all ? 'all' : [...roots].map(([mv, critical]) => ({ mv, critical })), {
      ...options,
      config,
      trigger,
    });
    await options.onResult?.(result, requests);
    if (options.pool && options.alerts !== false) {
      await alertRefreshResult(options.pool, result, { logger: options.logger ?? createLogger(), config });
      // The nightly safety net: incremental tables checked against their queries (alert + rebuild on a difference).
      if (requests.some((r) => r.trigger === 'schedule'))
        await nightlyVerify(options.pool, result, { logger: options.logger ?? createLogger(), config });
    }
  });
}

/**
 * Every task of the refresher: `mv_refresh`, `alert_webhook`, and the cron tasks `mv_nightly` and
 * `mv_watch` (those need `pool` and `logger`). Run them with `refresherCronItems()` as the runner's
 * `parsedCronItems`.
 */
export function refreshTaskList(options: RefreshTaskOptions): TaskList {
  const tasks: TaskList = { [TASK_IDENTIFIER]: createRefreshTask(options), [ALERT_TASK]: createAlertTask() };
  if (options.pool && options.logger) {
    const config = options.config ? { ...configFromEnv(), ...options.config } : undefined;
    tasks[NIGHTLY_TASK] = createNightlyTask({
      pool: options.pool,
      logger: options.logger,
      config,
      enqueue: (client, request) => enqueueRefresh(client, request),
    });
    tasks[WATCH_TASK] = createWatchTask({ pool: options.pool, logger: options.logger, config });
  }
  return tasks;
}

/** pino's method for each of graphile-worker's log levels (`info` for any other). */
const PINO_METHOD: Readonly<Record<string, 'warn' | 'error' | 'debug'>> = {
  warning: 'warn',
  error: 'error',
  debug: 'debug',
};

/** graphile-worker's logger writing through pino. */
export function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const method = PINO_METHOD[level as string] ?? 'info';
    logger[method]({ ...scope, ...meta }, message);
  });
}

/**
 * Give a pool the 'error' and 'connect' listeners graphile-worker expects (it warns "Your pool
 * doesn't have error handlers!" otherwise): a connection the server closes while idle (57P01 on
 * shutdown or restart) is logged, not an uncaught error. Leaves listeners the caller set alone.
 */
export function handlePoolErrors(pool: pg.Pool, logger?: Logger): pg.Pool {
  const log = (error: Error & { code?: string }, what: string) =>
    logger?.warn({ code: error.code, message: error.message }, what);
  if (pool.listenerCount('error') === 0)
    pool.on('error', (error) => log(error, 'idle database connection failed; the pool opens a new one when needed'));
  if (pool.listenerCount('connect') === 0)
    pool.on('connect', (client) => client.on('error', (error) => log(error, 'database connection failed')));
  return pool;
}

/** Create/upgrade graphile-worker's schema (idempotent). */
export async function installWorkerSchema(options: {
  pool?: pg.Pool;
  connectionString?: string;
  logger?: Logger;
}): Promise<void> {
  if (options.pool) handlePoolErrors(options.pool, options.logger);
  await runMigrations({
    pgPool: options.pool,
    connectionString: options.connectionString,
    logger: options.logger ? workerLogger(options.logger) : undefined,
  });
}

export interface RefreshWorkerOptions extends RefreshTaskOptions {
  /** graphile-worker's own connection (it keeps one for LISTEN); kept apart from the refresh pool. */
  connectionString: string;
  pollInterval?: number;
  /** Run the nightly and watch cron items (default false; they need `pool` and `logger`). */
  cron?: boolean;
  /** Passed to graphile-worker's run() (e.g. `useNodeTime` for tests that move the clock). */
  runnerOptions?: Partial<RunnerOptions>;
}

/** A worker that runs only the refresh task (the API runs its own runner with both tasks). */
export async function runRefreshWorker(options: RefreshWorkerOptions): Promise<Runner> {
  return run({
    connectionString: options.connectionString,
    concurrency: 1,
    noHandleSignals: true,
    pollInterval: options.pollInterval ?? 500,
    logger: options.logger ? workerLogger(options.logger) : undefined,
    taskList: refreshTaskList(options),
    parsedCronItems: options.cron && options.pool && options.logger ? refresherCronItems() : [],
    ...options.runnerOptions,
  });
}
