import type { Runner } from 'graphile-worker';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  loadIncrementalTables,
  configFromEnv,
  enqueueRefresh,
  installWorkerSchema,
  localTimeMatcher,
  refresherCronItems,
  RefresherError,
  runRefreshWorker,
  watchOnce,
  type RefreshResult,
} from '../src/index.ts';
import { freshDatabase, quiet, until, type Fixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await freshDatabase({ poolSize: 10 });
  await installWorkerSchema({ connectionString: f.db.url });
});
afterAll(() => f?.close());
afterEach(() => {
  vi.useRealTimers();
  delete process.env.MV_REFRESH_DEBOUNCE_MS;
});

/** The next 03:00 in Asia/Tokyo (18:00 UTC, no DST there) after `from`. */
function nextTokyo3am(from: Date): Date {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), 18, 0, 0));
  if (d <= from) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

describe('settings from the environment', () => {
  it('enqueueRefresh applies MV_REFRESH_DEBOUNCE_MS when the caller passes nothing, from the statement clock', async () => {
    process.env.MV_REFRESH_DEBOUNCE_MS = '60000';
    const client = await f.pool.connect();
    try {
      await client.query('begin');
      // A long ingest transaction: now() stays at its start, the debounce counts from the enqueue.
      await client.query(`select pg_sleep(0.3)`);
      await enqueueRefresh(client, { csvType: 'receive', trigger: 'upload:1' });
      const { rows } = await client.query(
        `select extract(epoch from run_at - now()) as from_tx_start, extract(epoch from run_at - clock_timestamp()) as from_now
         from graphile_worker.jobs where task_identifier = 'mv_refresh'`,
      );
      await client.query('rollback');
      expect(rows).toHaveLength(1);
      expect(Number(rows[0].from_now)).toBeGreaterThan(55);
      expect(Number(rows[0].from_now)).toBeLessThanOrEqual(60);
      expect(Number(rows[0].from_tx_start)).toBeGreaterThan(60); // counted from the enqueue, not the transaction start
    } finally {
      client.release();
    }
  });

  it('refuses a malformed setting with the variable and the fix', () => {
    expect(() => configFromEnv({ MV_REFRESH_DEBOUNCE_MS: '1s' })).toThrow(
      /MV_REFRESH_DEBOUNCE_MS="1s" is not an integer ≥ 0; fix or unset it/,
    );
    expect(() => configFromEnv({ ALERT_WEBHOOK_URL: 'slack' })).toThrow(
      /ALERT_WEBHOOK_URL="slack" is not an http\(s\) URL/,
    );
  });
});

describe('watch', () => {
  it('opens one incident for an MV past its target and for a failed upload, resolves them when they clear', async () => {
    const { rows } = await f.pool.query(
      `insert into log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status, started_at, finished_at)
       values ('shipment', 'final', 's.csv', 'a', 1, 'success', now() - interval '2 hours', now() - interval '1 hour'),
              ('receive', 'final', 'bad.csv', 'b', 1, 'failed', now(), now()) returning id`,
    );
    const [ok, bad] = rows.map((r) => Number(r.id));
    const config = { ...configFromEnv({}), freshnessTargetMs: 60_000 };
    await watchOnce(f.pool, { logger: quiet, config });
    await watchOnce(f.pool, { logger: quiet, config });
    const open = await f.pool.query(
      `select key, kind, detail->>'text' as text from log.alert_incident where resolved_at is null order by key`,
    );
    expect(open.rows.map((r) => r.key)).toEqual(['mv_stale:mart.mv_shipment_daily', `upload:${bad}`]);
    expect(open.rows[0].text).toMatch(
      new RegExp(`mart\\.mv_shipment_daily is 6\\d min behind the last shipment change \\(upload:${ok} `),
    );
    expect(open.rows[1].text).toMatch(new RegExp(`upload ${bad} \\(receive, bad\\.csv\\) failed.*GET /uploads/${bad}`));
    await f.pool.query(`update log.upload_file set status = 'success' where id = $1`, [bad]);
    await f.pool
      .query(`insert into log.mv_refresh_log (mv_name, trigger, run_id, started_at, finished_at, mode, outcome, attempts)
      values ('mart.mv_shipment_daily', 'test', 'r', clock_timestamp(), clock_timestamp(), 'plain', 'refreshed', 1)`);
    await watchOnce(f.pool, { logger: quiet, config });
    expect((await f.pool.query(`select 1 from log.alert_incident where resolved_at is null`)).rowCount).toBe(0);
    expect((await f.pool.query(`select 1 from log.alert_incident`)).rowCount).toBe(2);
  });
});

// Last: the faked clock writes history rows dated at the next 03:00, which would make every MV look fresh.
describe('nightly refresh through graphile-worker cron', () => {
  it('matches 03:00 Asia/Tokyo in the UTC digests graphile-worker passes, and can be switched off', () => {
    const match = localTimeMatcher('03:00', 'Asia/Tokyo');
    expect(match({ min: 0, hour: 18, date: 1, month: 12, dow: 2 })).toBe(true);
    expect(match({ min: 0, hour: 3, date: 1, month: 12, dow: 2 })).toBe(false);
    // A DST zone keeps its local time: 03:00 in Berlin is 01:00 UTC in July (CEST, UTC+2).
    const july = () => new Date('2026-07-01T12:00:00Z');
    expect(localTimeMatcher('03:00', 'Europe/Berlin', july)({ min: 0, hour: 1, date: 1, month: 7, dow: 3 })).toBe(true);
    expect(
      refresherCronItems({ nightlyAt: '03:00', nightlyTimeZone: 'Asia/Tokyo' })
        .map((i) => i.task)
        .sort(),
    ).toEqual(['mv_nightly', 'mv_watch']);
    expect(refresherCronItems(configFromEnv({ MV_REFRESH_NIGHTLY_AT: 'off' })).map((i) => i.task)).toEqual([
      'mv_watch',
    ]);
    expect(() => configFromEnv({ MV_REFRESH_NIGHTLY_AT: '3am' })).toThrow(
      /MV_REFRESH_NIGHTLY_AT="3am" is neither HH:MM/,
    );
    expect(() => configFromEnv({ MV_REFRESH_NIGHTLY_TZ: 'Mars/Olympus' })).toThrow(RefresherError);
  });

  it('runs when the clock reaches 03:00 Tokyo: every MV refreshed with trigger schedule, old history and failed jobs removed', async () => {
    // Retention inputs: a 100-day-old history row, a permanently failed old job, a fresh row that stays.
    await f.pool
      .query(`insert into log.mv_refresh_log (mv_name, trigger, run_id, started_at, finished_at, mode, outcome, attempts)
      values ('mart.mv_receive_daily', 'old', 'old-run', now() - interval '100 days', now() - interval '100 days', 'plain', 'refreshed', 1),
             ('mart.mv_receive_daily', 'recent', 'recent-run', now() - interval '1 day', now() - interval '1 day', 'plain', 'refreshed', 1)`);
    await f.pool.query(`select graphile_worker.add_job('gone_task', '{}'::json, max_attempts => 1)`);
    await f.pool.query(
      `update graphile_worker._private_jobs set attempts = 1, updated_at = now() - interval '100 days'`,
    );

    const at = nextTokyo3am(new Date());
    // Only Date is faked (graphile-worker's cron reads Date.now(); the runner uses Node's time for due
    // jobs): the clock starts 1.5 s before 03:00 and keeps running.
    vi.useFakeTimers({ toFake: ['Date'], now: at.getTime() - 1500, shouldAdvanceTime: true });
    const results: RefreshResult[] = [];
    const runner: Runner = await runRefreshWorker({
      connectionString: f.db.url,
      pool: f.pool,
      logger: quiet,
      pollInterval: 100,
      cron: true,
      runnerOptions: { useNodeTime: true },
      onResult: (r) => void results.push(r),
    });
    try {
      expect(results).toEqual([]);
      const r = (await until(async () => results.find((x) => x.trigger === 'schedule'), 'the scheduled run'))!;
      const mvs = (await f.pool.query(`select count(*)::int as n from pg_matviews`)).rows[0].n;
      const incremental = await loadIncrementalTables(f.pool);
      expect(r.results).toHaveLength(mvs + incremental.size);
      // Incremental tables are rebuilt whole by the nightly run.
      for (const t of incremental.keys()) expect(r.results.find((x) => x.mv === t)).toMatchObject({ strategy: 'full' });
      expect(r.outcome).toBe('ok');
      const { rows } = await f.pool.query(`select distinct trigger from log.mv_refresh_log where run_id = $1`, [
        r.runId,
      ]);
      expect(rows).toEqual([{ trigger: 'schedule' }]);
      const cron = await f.pool.query(
        `select last_execution from graphile_worker._private_known_crontabs where identifier = 'mv_nightly'`,
      );
      expect(cron.rows[0].last_execution.toISOString()).toBe(at.toISOString());
      await until(
        async () => (await f.pool.query(`select 1 from log.mv_refresh_log where trigger = 'old'`)).rowCount === 0,
        'retention',
      );
      expect((await f.pool.query(`select 1 from log.mv_refresh_log where trigger = 'recent'`)).rowCount).toBe(1);
      expect(
        (await f.pool.query(`select 1 from graphile_worker.jobs where task_identifier = 'gone_task'`)).rowCount,
      ).toBe(0);
    } finally {
      await runner.stop();
    }
  });
});
