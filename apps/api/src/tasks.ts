import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { TaskList } from 'graphile-worker';
import { recordRefreshOutcomes } from '@warehouse/db/uploads';
import { refreshTaskList, type RefreshResult, type RefreshRequest } from '@warehouse/refresher';

/**
 * Store a refresh run's outcome on the uploads it covered (every coalesced `upload:<id>` and
 * `revert:<id>` trigger). `refresh_run_id` points at the run's first log.mv_refresh_log row.
 */
export async function recordRefreshOutcome(
  pool: pg.Pool,
  result: RefreshResult,
  requests: RefreshRequest[],
): Promise<void> {
  const ids = requests
    .map((r) => /^(?:upload|revert):(\d+)$/.exec(r.trigger)?.[1])
    .filter((x): x is string => !!x)
    .map(Number);
  await recordRefreshOutcomes(pool, ids, result.outcome, result.runId);
}

/** The refresher's `mv_refresh` task, recording outcomes on log.upload_file. */
export function refreshTasks(opts: { pool: pg.Pool; logger: Logger; registry?: Registry }): TaskList {
  return refreshTaskList({
    pool: opts.pool,
    logger: opts.logger,
    registry: opts.registry,
    onResult: (result, requests) => recordRefreshOutcome(opts.pool, result, requests),
  });
}
