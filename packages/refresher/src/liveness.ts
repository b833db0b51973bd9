import type pg from 'pg';
import { makeWorkerUtils, type Task } from 'graphile-worker';

/**
 * Liveness of graphile-worker jobs. graphile-worker frees a job whose worker died only after 4
 * hours (its lock timeout). A task wrapped by `withLiveness` holds a session advisory lock keyed
 * by its job id on a connection of the worker's pool while it runs; the connection — and so the
 * lock — goes away with the process. `sweepDeadJobs` releases jobs that have been locked for a
 * while by a worker whose job lock nobody holds, so they are retried at once.
 */
export const JOB_LIVENESS_CLASS = 8201;

const jobKey = (id: string | number) => Number(BigInt(id) % 2147483647n);

export function withLiveness(task: Task): Task {
  return (payload, helpers) =>
    helpers.withPgClient(async (client) => {
      const key = jobKey(helpers.job.id);
      await client.query('SELECT pg_advisory_lock($1, $2)', [JOB_LIVENESS_CLASS, key]);
      try {
        return await task(payload, helpers);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [JOB_LIVENESS_CLASS, key]).catch(() => {});
      }
    });
}

/**
 * Unlock the jobs of `taskIdentifiers` locked for more than `staleSeconds` whose liveness lock
 * nobody holds (their worker is gone). Only for tasks that are always run through withLiveness —
 * anything else would look dead. Returns the worker ids it unlocked.
 */
export async function sweepDeadJobs(
  pool: pg.Pool,
  staleSeconds: number,
  taskIdentifiers: readonly string[],
): Promise<string[]> {
  const { rows } = await pool.query<{ locked_by: string }>(
    `SELECT DISTINCT j.locked_by FROM graphile_worker.jobs j
      WHERE j.task_identifier = ANY($3::text[]) AND j.locked_by IS NOT NULL
        AND j.locked_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (
          SELECT 1 FROM pg_locks l
           WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND l.classid = $2 AND l.objid = (j.id % 2147483647)::oid)`,
    [staleSeconds, JOB_LIVENESS_CLASS, taskIdentifiers],
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
