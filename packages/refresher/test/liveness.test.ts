import { run, type Runner } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installWorkerSchema,
  JOB_LIVENESS_CLASS,
  sweepDeadJobs,
  TASK_IDENTIFIER,
  withLiveness,
  workerLogger,
} from '../src/index.ts';
import { freshDatabase, quiet, session, until, type Fixture } from './helpers.ts';

const workerLoggerQuiet = workerLogger(quiet);

let f: Fixture;
beforeAll(async () => {
  f = await freshDatabase();
  await installWorkerSchema({ pool: f.pool });
});
afterAll(() => f?.close());

const holdsLiveness = async (jobId: string) =>
  (
    await f.pool.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = ($2::bigint % 2147483647)::oid AND objsubid = 2`,
      [JOB_LIVENESS_CLASS, jobId],
    )
  ).rowCount === 1;

describe('job liveness', () => {
  it('a task run through withLiveness holds its job lock while it runs, and not after', async () => {
    const seen: boolean[] = [];
    let id = '';
    const runner: Runner = await run({
      pgPool: f.pool,
      concurrency: 1,
      noHandleSignals: true,
      pollInterval: 100,
      logger: workerLoggerQuiet,
      parsedCronItems: [],
      taskList: {
        probe: withLiveness(async (_payload, helpers) => {
          id = helpers.job.id;
          seen.push(await holdsLiveness(id));
        }),
      },
    });
    try {
      await f.pool.query(`SELECT graphile_worker.add_job('probe', '{}'::json)`);
      await until(
        async () => seen.length === 1 && (await f.pool.query('SELECT 1 FROM graphile_worker.jobs')).rowCount === 0,
        'probe job done',
      );
    } finally {
      await runner.stop();
    }
    expect(seen).toEqual([true]);
    expect(await holdsLiveness(id)).toBe(false);
  });

  it('sweeps mv_refresh and ingest jobs of a dead worker, not a live one, not other tasks, not fresh locks', async () => {
    const add = async (task: string) =>
      String(
        (
          await f.pool.query(
            `SELECT id FROM graphile_worker.add_job($1, '{}'::json, run_at => now() + interval '1 day')`,
            [task],
          )
        ).rows[0].id,
      );
    const lock = (id: string, worker: string, ago: string) =>
      f.pool.query(
        `UPDATE graphile_worker._private_jobs SET locked_by = $2, locked_at = now() - $3::interval WHERE id = $1`,
        [id, worker, ago],
      );
    const dead = await add(TASK_IDENTIFIER);
    const deadIngest = await add('ingest_upload');
    const live = await add(TASK_IDENTIFIER);
    const other = await add('someone_elses_task');
    const fresh = await add(TASK_IDENTIFIER);
    await lock(dead, 'worker-dead', '1 hour');
    await lock(deadIngest, 'worker-dead-2', '1 hour');
    await lock(live, 'worker-live', '1 hour');
    await lock(other, 'worker-other', '1 hour');
    await lock(fresh, 'worker-fresh', '1 second');
    const holder = await session(f.db.url);
    try {
      await holder.query('SELECT pg_advisory_lock($1, ($2::bigint % 2147483647)::int)', [JOB_LIVENESS_CLASS, live]);
      const swept = await sweepDeadJobs(f.pool, 30, [TASK_IDENTIFIER, 'ingest_upload']);
      expect(swept.sort()).toEqual(['worker-dead', 'worker-dead-2']);
      const { rows } = await f.pool.query(`SELECT id::text, locked_by FROM graphile_worker.jobs ORDER BY id`);
      expect(Object.fromEntries(rows.map((r) => [r.id, r.locked_by]))).toEqual({
        [dead]: null,
        [deadIngest]: null,
        [live]: 'worker-live',
        [other]: 'worker-other',
        [fresh]: 'worker-fresh',
      });
    } finally {
      await holder.end();
    }
  });
});
