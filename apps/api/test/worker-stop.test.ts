import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Task } from 'graphile-worker';
import type { TestDatabase } from '@warehouse/migrate/testing';
import { loadConfig } from '../src/config.ts';
import { startWorker, type WorkerHandle } from '../src/worker.ts';
import { silent, testDatabase, waitFor } from './helper.ts';

let db: TestDatabase;
let check: pg.Pool;
beforeAll(async () => {
  db = await testDatabase();
  check = new pg.Pool({ connectionString: db.url, max: 1 });
  check.on('error', () => {});
});
afterAll(async () => {
  await check?.end();
  await db?.drop();
});

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

it('stop() resolves only once the outcomes of the jobs it let finish are written, so the pool can end at once', async () => {
  // The worker's own pool, as startServer gives it one, ended right after stop() as the server does.
  const pool = new pg.Pool({ connectionString: db.url, max: 6, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  let worker: WorkerHandle | undefined;
  try {
    const started = { ok: gate(), fail: gate() };
    const finish = gate();
    const gated =
      (name: 'ok' | 'fail'): Task =>
      async () => {
        started[name].open();
        await finish.opened;
        if (name === 'fail') throw new Error('gated job failed on purpose');
      };
    worker = await startWorker({
      pool,
      logger: silent,
      config: loadConfig({}, { logLevel: 'silent', workerConcurrency: 2, sweepIntervalMs: 60_000 }),
      enqueueRefresh: async () => {},
      tasks: { gated_ok: gated('ok'), gated_fail: gated('fail') },
      pollInterval: 50,
    });
    // One in a named queue (as ingest jobs are: the queue is unlocked with the job), one not.
    const add = async (call: string) => (await check.query<{ id: string }>(`SELECT id FROM ${call}`)).rows[0]!.id;
    const okId = await add(`graphile_worker.add_job('gated_ok', '{}', queue_name => 'gated')`);
    const failId = await add(`graphile_worker.add_job('gated_fail', '{}', max_attempts => 5)`);
    await Promise.all([started.ok.opened, started.fail.opened]);

    let released = 0;
    worker.runner.events.on('worker:release', () => released++);
    const stopped = worker.stop();
    // The jobs end after graphile-worker has let go of its workers and of its LISTEN connection
    // (its UNLISTEN is the last database round trip of its shutdown): from their end to stop()
    // resolving, only promise callbacks run, as when a job outlasts that part of a real stop.
    await waitFor('the workers and the LISTEN connection to be let go', async () => {
      return released === 2 && pool.totalCount > 0 && pool.idleCount === pool.totalCount;
    });
    finish.open();
    await stopped;
    const atStop = { waiting: pool.waitingCount, checkedOut: pool.totalCount - pool.idleCount };
    await pool.end();
    // A request still queued on an ended pool is never served: it rejects 10 s later ("timeout
    // exceeded when trying to connect"), unhandled, in whatever runs next in this process.
    const queuedAfterEnd = pool.waitingCount;

    const jobs = await check.query<{
      id: string;
      attempts: number;
      last_error: string | null;
      locked_by: string | null;
    }>('SELECT id, attempts, last_error, locked_by FROM graphile_worker.jobs WHERE id = ANY($1::bigint[])', [
      [okId, failId],
    ]);
    const queue = await check.query<{ locked_by: string | null }>(
      `SELECT locked_by FROM graphile_worker._private_job_queues WHERE queue_name = 'gated'`,
    );
    expect({ atStop, queuedAfterEnd, jobs: jobs.rows, queue: queue.rows }).toEqual({
      atStop: { waiting: 0, checkedOut: 0 },
      queuedAfterEnd: 0,
      // The success is deleted, the failure recorded (unlocked, to be retried with its error).
      jobs: [{ id: failId, attempts: 1, last_error: expect.stringContaining('failed on purpose'), locked_by: null }],
      queue: [{ locked_by: null }],
    });
  } finally {
    if (!pool.ended) {
      await worker?.stop().catch(() => {});
      await pool.end();
    }
  }
});

it('stop() does not wait forever for a client that is never given back: it warns and resolves', async () => {
  const pool = new pg.Pool({ connectionString: db.url, max: 6, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => {});
  const lines: { msg: string; checkedOut?: number; waiting?: number }[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const worker = await startWorker({
    pool,
    logger,
    config: loadConfig({}, { logLevel: 'silent', workerConcurrency: 1, sweepIntervalMs: 60_000 }),
    enqueueRefresh: async () => {},
    pollInterval: 50,
    settleLimitMs: 300,
  });
  const leaked = await pool.connect(); // a bug elsewhere: checked out, never released
  try {
    await worker.stop();
    expect(lines.filter((l) => l.msg.startsWith('worker stop:'))).toEqual([
      expect.objectContaining({ checkedOut: 1, waiting: 0 }),
    ]);
  } finally {
    leaked.release();
    await pool.end();
  }
});
