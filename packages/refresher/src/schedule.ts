import { parseCronItems, type ParsedCronItem, type Task, type TimestampDigest } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from 'pino';
import { alertRefreshResult, openIncident, resolveIncident, type AlertOptions } from './alerts.ts';
import { configFromEnv, type RefresherConfig } from './config.ts';
import { LOG_TABLE } from './history.ts';
import { mvStaleness } from './staleness.ts';
import { syncUploadIncidents } from './upload-alerts.ts';

/** Cron task: queue a refresh of every MV (trigger `schedule`), then apply the retention. */
export const NIGHTLY_TASK = 'mv_nightly';
/** Cron task, every minute: alert on MVs past their freshness target and on failed or held uploads. */
export const WATCH_TASK = 'mv_watch';

/** Minutes after UTC midnight of `HH:MM` in `timeZone` at the instant `at`. */
function utcMinuteOf(hhmm: string, timeZone: string, at: Date): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!);
  const offsetMin = Math.round((local - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
  return (((h * 60 + m - offsetMin) % 1440) + 1440) % 1440;
}

/**
 * graphile-worker matches cron items against UTC; this matcher matches `HH:MM` in a time zone,
 * with the zone's offset at the moment of matching (so DST zones keep their local time).
 */
export function localTimeMatcher(
  hhmm: string,
  timeZone: string,
  now: () => Date = () => new Date(),
): (d: TimestampDigest) => boolean {
  return (d) => d.hour * 60 + d.min === utcMinuteOf(hhmm, timeZone, now());
}

/** The refresher's cron items for graphile-worker's runner (`parsedCronItems`). */
export function refresherCronItems(
  config: Pick<RefresherConfig, 'nightlyAt' | 'nightlyTimeZone'> = configFromEnv(),
): ParsedCronItem[] {
  const items: Parameters<typeof parseCronItems>[0] = [
    {
      task: WATCH_TASK,
      identifier: WATCH_TASK,
      match: '* * * * *',
      options: { queueName: WATCH_TASK, jobKey: WATCH_TASK, maxAttempts: 1 },
    },
  ];
  if (config.nightlyAt) {
    items.push({
      task: NIGHTLY_TASK,
      identifier: NIGHTLY_TASK,
      match: localTimeMatcher(config.nightlyAt, config.nightlyTimeZone),
      // A worker that was down at the time catches up within 6 hours.
      options: { backfillPeriod: 6 * 3600_000, jobKey: NIGHTLY_TASK, maxAttempts: 5 },
    });
  }
  return parseCronItems(items);
}

export interface RetentionResult {
  refreshLogRows: number;
  incidents: number;
  failedJobs: number;
}

/** Delete refresh history, resolved incidents and permanently failed jobs older than `days`. */
export async function applyRetention(
  db: Pick<pg.Pool | pg.ClientBase, 'query'>,
  days: number,
  schema = 'graphile_worker',
): Promise<RetentionResult> {
  const q = `"${schema.replace(/"/g, '""')}"`;
  const a = await db.query(
    `delete from ${LOG_TABLE} where started_at < now() - $1::int * interval '1 day' and outcome <> 'running'`,
    [days],
  );
  const b = await db.query(`delete from log.alert_incident where resolved_at < now() - $1::int * interval '1 day'`, [
    days,
  ]);
  // Succeeded jobs are deleted by graphile-worker itself; what stays is jobs that used up their attempts.
  const c = await db.query(
    `delete from ${q}._private_jobs where attempts >= max_attempts and locked_at is null and updated_at < now() - $1::int * interval '1 day'`,
    [days],
  );
  return { refreshLogRows: a.rowCount ?? 0, incidents: b.rowCount ?? 0, failedJobs: c.rowCount ?? 0 };
}

export interface ScheduleTaskOptions {
  pool: pg.Pool;
  logger: Logger;
  config?: RefresherConfig;
  /** Queue the refresh (the worker module's enqueueRefresh; injected to keep the import graph flat). */
  enqueue: (client: pg.ClientBase, request: { all: true; trigger: string }) => Promise<unknown>;
}

/** Task `mv_nightly`: one coalesced refresh of every MV through the refresh job key, then retention. */
export function createNightlyTask(options: ScheduleTaskOptions): Task {
  return async (_payload, helpers) => {
    const config = options.config ?? configFromEnv();
    await helpers.withPgClient((client) => options.enqueue(client, { all: true, trigger: 'schedule' }));
    const removed = await applyRetention(options.pool, config.retentionDays);
    options.logger.info(
      { ...removed, retentionDays: config.retentionDays },
      'nightly refresh queued; retention applied',
    );
  };
}

/** Task `mv_watch`: open/resolve `mv_stale:<mv>` and `upload:<id>` incidents. */
export function createWatchTask(options: Omit<ScheduleTaskOptions, 'enqueue'>): Task {
  return async () => {
    await watchOnce(options.pool, { logger: options.logger, config: options.config ?? configFromEnv() });
  };
}

/** One pass of the watch: stale MVs, and failed/held uploads of the last 7 days (syncUploadIncidents). */
export async function watchOnce(pool: pg.Pool, options: AlertOptions & { config: RefresherConfig }): Promise<void> {
  const staleness = await mvStaleness(pool, { defaultTargetMs: options.config.freshnessTargetMs });
  for (const s of staleness.values()) {
    const key = `mv_stale:${s.mv}`;
    if (s.overTarget) {
      const behind = Math.round(s.stalenessSeconds / 60);
      await openIncident(
        pool,
        {
          key,
          kind: 'mv_stale',
          subject: s.mv,
          since: s.changedAt!,
          text: `${s.mv} is ${behind} min behind the last ${s.changedCsvType ?? 'schema'} change (${s.changedBy} at ${s.changedAt!.toISOString()}); target ${Math.round(s.targetSeconds / 60)} min. Look: pnpm mv:status, GET /mv`,
          look: 'pnpm mv:status',
          fields: {
            mv: s.mv,
            stalenessSeconds: s.stalenessSeconds,
            targetSeconds: s.targetSeconds,
            changedBy: s.changedBy,
          },
        },
        options,
      );
    } else if (s.stalenessSeconds === 0) {
      await resolveIncident(pool, key, 'refreshed since the change', options);
    }
  }
  // The ingest job alerts as it marks an upload; this pass catches what a dead process left behind.
  await syncUploadIncidents(pool, options);
}

export { alertRefreshResult };
