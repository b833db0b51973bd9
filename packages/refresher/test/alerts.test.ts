import type { Runner } from 'graphile-worker';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enqueueRefresh,
  installWorkerSchema,
  mvStaleness,
  runRefreshWorker,
  syncUploadIncidents,
  type RefreshResult,
} from '../src/index.ts';
import { freshDatabase, quiet, session, until, type Fixture } from './helpers.ts';
import { startReceiver, type Receiver } from '../src/testing/webhook.ts';

// The worker below gets no config: these settings reach it through the environment, as in production.
process.env.MV_REFRESH_LOCK_TIMEOUT_MS = '100';
process.env.MV_REFRESH_MAX_ATTEMPTS = '1';

const MV = 'mart.mv_receive_daily';
let f: Fixture;
let hook: Receiver;
let runner: Runner;
const results: RefreshResult[] = [];

beforeAll(async () => {
  f = await freshDatabase({ poolSize: 10 });
  hook = await startReceiver();
  process.env.ALERT_WEBHOOK_URL = hook.url;
  await installWorkerSchema({ connectionString: f.db.url });
  runner = await runRefreshWorker({
    connectionString: f.db.url,
    pool: f.pool,
    logger: quiet,
    pollInterval: 100,
    onResult: (r) => void results.push(r),
  });
});
afterAll(async () => {
  await runner?.stop();
  await hook?.close();
  await f?.close();
});

/** A successful receive upload, as the ingest job leaves it. */
async function upload(): Promise<number> {
  const { rows } = await f.pool.query(
    `insert into log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status, started_at, finished_at)
     values ('receive', 'final', 'r.csv', md5(random()::text), 1, 'success', clock_timestamp(), clock_timestamp()) returning id`,
  );
  return Number(rows[0].id);
}

async function requestRefresh(trigger: string): Promise<void> {
  const client = await f.pool.connect();
  try {
    await enqueueRefresh(client, { csvType: 'receive', trigger }, { debounceMs: 0 });
  } finally {
    client.release();
  }
}

/** Wait until the run for `trigger` is done and its alert jobs were delivered or gave up trying. */
async function settled(trigger: string): Promise<RefreshResult> {
  const r = (await until(async () => results.find((x) => x.trigger === trigger), `refresh run ${trigger}`))!;
  await refreshJobDone();
  await until(
    async () =>
      (
        await f.pool.query(
          `select 1 from graphile_worker.jobs where task_identifier = 'alert_webhook' and attempts < max_attempts`,
        )
      ).rowCount === 0,
    'alert jobs delivered',
  );
  return r;
}

/** The mv_refresh job is gone: its run, and the alerts it opened, are committed. */
const refreshJobDone = () =>
  until(
    async () =>
      (await f.pool.query(`select 1 from graphile_worker.jobs where task_identifier = 'mv_refresh'`)).rowCount === 0,
    'mv_refresh job done',
  );

const staleness = async () => (await mvStaleness(f.pool)).get(MV)!.stalenessSeconds;

/** Holds ACCESS EXCLUSIVE on mart.mv_receive_daily (an incremental table, so LOCK TABLE works) until released. */
async function holdLock(): Promise<pg.Client> {
  const locker = await session(f.db.url);
  await locker.query('begin');
  await locker.query(`lock table ${MV} in access exclusive mode`);
  return locker;
}

describe('alerts, staleness', () => {
  it('a failing critical MV alerts once naming the MV and the upload, staleness rises, one "resolved" after a refresh', async () => {
    const first = await upload();
    const s0 = await staleness();
    expect(s0).toBeGreaterThan(0);
    const locker = await holdLock();
    try {
      await requestRefresh(`upload:${first}`);
      const r1 = await settled(`upload:${first}`);
      expect(r1.results.find((x) => x.mv === MV)).toMatchObject({ status: 'failed', attempts: 1 });
      expect(r1.results.find((x) => x.mv === MV)!.error).toMatch(/lock timeout/);
      expect(hook.bodies).toHaveLength(1);
      expect(hook.bodies[0]).toMatchObject({
        event: 'opened',
        kind: 'mv_failed',
        subject: MV,
        fields: { uploads: [first] },
      });
      expect(hook.bodies[0]!.text).toContain(MV);
      expect(hook.bodies[0]!.text).toContain(`upload:${first}`);
      expect(hook.bodies[0]!.text).toContain('mart.mv_target_card_per_day'); // skipped dependant, named in the same alert
      const s1 = await staleness();
      expect(s1).toBeGreaterThan(s0);

      // The same incident again: no second alert.
      const second = await upload();
      await requestRefresh(`upload:${second}`);
      await settled(`upload:${second}`);
      expect(hook.bodies).toHaveLength(1);
      expect(await staleness()).toBeGreaterThan(0);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    await requestRefresh('retry');
    const ok = await settled('retry');
    expect(ok.outcome).toBe('ok');
    expect(hook.bodies).toHaveLength(2);
    expect(hook.bodies[1]).toMatchObject({
      event: 'resolved',
      kind: 'mv_failed',
      subject: MV,
      incidentId: hook.bodies[0]!.incidentId,
    });
    expect(hook.bodies[1]!.text).toMatch(/^RESOLVED: mart\.mv_receive_daily/);
    expect(await staleness()).toBe(0);
    const { rows } = await f.pool.query(
      `select key, resolved_at is not null as resolved from log.alert_incident order by id`,
    );
    expect(rows).toEqual([{ key: `mv_failed:${MV}`, resolved: true }]);
  });

  it('a webhook that is down is retried by the queue; the refresh is not held up', async () => {
    hook.failNext = 1;
    const before = hook.requests.length;
    const id = await upload();
    const locker = await holdLock();
    try {
      await requestRefresh(`upload:${id}`);
      const r = (await until(async () => results.find((x) => x.trigger === `upload:${id}`), 'refresh run'))!;
      expect(r.outcome).toBe('failed');
      // The refresh job is done while the alert is still waiting for its retry.
      await refreshJobDone();
      await until(async () => hook.requests.length > before, 'first delivery attempt');
      const job = await until(
        async () =>
          (
            await f.pool.query(
              `select attempts, last_error from graphile_worker.jobs where task_identifier = 'alert_webhook' and last_error is not null`,
            )
          ).rows[0],
        'failed attempt recorded',
      );
      expect(job.attempts).toBe(1);
      expect(job.last_error).toMatch(/503/);
      expect(hook.requests.length).toBe(before + 1);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    await until(async () => hook.requests.length >= before + 2, 'retried delivery', 60_000);
    const attempts = hook.requests.slice(before);
    expect(attempts.map(([status]) => status)).toEqual([503, 200]);
    expect(attempts[0]![1].incidentId).toBe(attempts[1]![1].incidentId);
    expect(attempts[1]![1]).toMatchObject({ event: 'opened', subject: MV, fields: { uploads: [id] } });
  });
});

describe('upload incidents', () => {
  /** The webhook bodies of one upload's incident, once `n` of them arrived. */
  const bodies = (id: number, n: number) =>
    until(async () => {
      const got = hook.bodies.filter((b) => b.key === `upload:${id}`);
      return got.length >= n ? got : undefined;
    }, `${n} webhook bodies for upload ${id}`);

  it('a confirmed upload the worker already took resolves as confirmed, naming its state (the race the confirm route loses)', async () => {
    const { rows } = await f.pool.query(
      `insert into log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status, held_reason, started_at, finished_at)
       values ('receive', 'final', 'held.csv', md5(random()::text), 1, 'held', 'replaces 12 rows with 2', clock_timestamp(), clock_timestamp())
       returning id`,
    );
    const id = Number(rows[0].id);
    expect(await syncUploadIncidents(f.pool, { logger: quiet }, { uploadId: id })).toEqual({ opened: 1, resolved: 0 });
    // Confirmed, and the ingest job has already moved it on before anyone resolves the incident.
    await f.pool.query(`update log.upload_file set status = 'processing', confirmed_at = now() where id = $1`, [id]);
    expect((await syncUploadIncidents(f.pool, { logger: quiet })).resolved).toBeGreaterThanOrEqual(1);
    const [opened, resolved] = (await bodies(id, 2))!;
    expect(opened).toMatchObject({ event: 'opened', kind: 'upload_held' });
    expect(resolved).toMatchObject({ event: 'resolved', kind: 'upload_held' });
    expect(resolved!.text).toMatch(new RegExp(`^RESOLVED: upload ${id}: confirmed; the upload is now processing \\(`));
  });
});
