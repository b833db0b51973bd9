import type pg from 'pg';
import type { Logger } from 'pino';
import type { Task } from 'graphile-worker';
import { withPoolClient, withTransaction } from '@warehouse/db/pg';
import { configFromEnv, type RefresherConfig } from './config.ts';
import type { RefreshResult } from './types.ts';

/** graphile-worker task that POSTs one alert to ALERT_WEBHOOK_URL. */
export const ALERT_TASK = 'alert_webhook';

export type AlertKind = 'mv_failed' | 'mv_stale' | 'mv_drift' | 'upload_failed' | 'upload_held';

export interface Alert {
  /** One incident per key at a time, e.g. `mv_failed:mart.mv_receive_daily`, `upload:42`. */
  key: string;
  kind: AlertKind;
  /** The MV or upload concerned. */
  subject: string;
  /** One line a person reads in the chat channel. */
  text: string;
  /** When the trouble started. */
  since: Date;
  /** The command or URL that shows more. */
  look: string;
  fields?: Record<string, unknown>;
}

/** The webhook's JSON body: Slack-compatible `text` plus the structured fields. */
export interface AlertBody {
  text: string;
  event: 'opened' | 'resolved';
  key: string;
  kind: AlertKind;
  subject: string;
  since: string;
  look: string;
  incidentId: string;
  resolvedAt?: string;
  fields?: Record<string, unknown>;
}

export interface AlertOptions {
  logger: Logger;
  config?: Pick<RefresherConfig, 'alertWebhookUrl' | 'alertMaxAttempts'>;
  /** graphile-worker's schema (default graphile_worker). */
  schema?: string;
}

async function deliver(client: pg.ClientBase, body: AlertBody, options: AlertOptions): Promise<void> {
  const config = options.config ?? configFromEnv();
  const log =
    body.event === 'opened' ? options.logger.error.bind(options.logger) : options.logger.info.bind(options.logger);
  log({ alert: body }, `alert ${body.event}: ${body.text}`);
  if (!config.alertWebhookUrl) return;
  // Queued in the incident's transaction: the webhook is called (and retried) by the worker, never
  // inline, so a webhook that is down cannot hold up a refresh or an upload.
  const schema = `"${(options.schema ?? 'graphile_worker').replace(/"/g, '""')}"`;
  await client.query(`select ${schema}.add_job($1::text, $2::json, max_attempts => $3::int)`, [
    ALERT_TASK,
    JSON.stringify(body),
    config.alertMaxAttempts,
  ]);
}

/**
 * Open an incident unless one with the key is open, and queue its alert. Returns false when the
 * incident was already open (the alert went out then). Serialized per key by an advisory lock, so
 * several workers noticing the same trouble send one alert.
 */
export async function openIncident(pool: pg.Pool, alert: Alert, options: AlertOptions): Promise<boolean> {
  return withPoolClient(pool, (client) =>
    withTransaction(client, async () => {
      await client.query(`select pg_advisory_xact_lock(hashtext('alert_incident'), hashtext($1))`, [alert.key]);
      const open = await client.query(`select 1 from log.alert_incident where key = $1 and resolved_at is null`, [
        alert.key,
      ]);
      if (open.rowCount) return false;
      const detail = {
        text: alert.text,
        look: alert.look,
        since: alert.since.toISOString(),
        fields: alert.fields ?? {},
      };
      const { rows } = await client.query(
        `insert into log.alert_incident (key, kind, subject, opened_at, detail) values ($1, $2, $3, clock_timestamp(), $4) returning id`,
        [alert.key, alert.kind, alert.subject, detail],
      );
      await deliver(
        client,
        {
          ...detail,
          event: 'opened',
          key: alert.key,
          kind: alert.kind,
          subject: alert.subject,
          incidentId: String(rows[0].id),
        },
        options,
      );
      return true;
    }),
  );
}

/** Resolve the open incident with this key, if any, and queue one "resolved" alert. */
export async function resolveIncident(
  pool: pg.Pool,
  key: string,
  why: string,
  options: AlertOptions,
): Promise<boolean> {
  return withPoolClient(pool, (client) =>
    withTransaction(client, async () => {
      await client.query(`select pg_advisory_xact_lock(hashtext('alert_incident'), hashtext($1))`, [key]);
      const { rows } = await client.query(
        `update log.alert_incident set resolved_at = clock_timestamp() where key = $1 and resolved_at is null
       returning id, kind, subject, opened_at, resolved_at, detail`,
        [key],
      );
      const r = rows[0];
      if (!r) return false;
      const text = `RESOLVED: ${r.subject}: ${why} (open since ${r.opened_at.toISOString()})`;
      await deliver(
        client,
        {
          text,
          event: 'resolved',
          key,
          kind: r.kind,
          subject: r.subject,
          since: r.detail.since,
          look: r.detail.look,
          incidentId: String(r.id),
          resolvedAt: r.resolved_at.toISOString(),
          fields: r.detail.fields,
        },
        options,
      );
      return true;
    }),
  );
}

/** Keys of the open incidents whose key starts with `prefix`. */
export async function openIncidentKeys(db: Pick<pg.Pool, 'query'>, prefix: string): Promise<string[]> {
  const { rows } = await db.query(
    `select key from log.alert_incident where resolved_at is null and starts_with(key, $1)`,
    [prefix],
  );
  return rows.map((r) => r.key as string);
}

/**
 * After a refresh run: a critical MV whose refresh failed opens `mv_failed:<mv>` naming the uploads
 * of the run and the MVs skipped because of it (they are not alerted on their own: one cause, one
 * alert); an MV refreshed resolves its incident.
 */
export async function alertRefreshResult(pool: pg.Pool, result: RefreshResult, options: AlertOptions): Promise<void> {
  const uploads = result.trigger.split(',').filter((t) => t.startsWith('upload:'));
  for (const r of result.results) {
    const key = `mv_failed:${r.mv}`;
    if (r.status === 'refreshed') {
      await resolveIncident(pool, key, `refreshed (run ${result.runId}, trigger ${result.trigger})`, options);
    } else if (r.status === 'failed' && r.critical) {
      const skipped = result.results
        .filter((x) => x.status === 'skipped' && x.reason === `upstream ${r.mv} failed`)
        .map((x) => x.mv);
      const cause = uploads.length ? ` after ${uploads.join(', ')}` : ` (trigger ${result.trigger})`;
      const look = [
        `pnpm mv:history ${r.mv}`,
        'pnpm mv:status',
        ...(uploads[0] ? [`GET /uploads/${uploads[0].slice(7)}`] : []),
      ];
      await openIncident(
        pool,
        {
          key,
          kind: 'mv_failed',
          subject: r.mv,
          since: new Date(),
          text: `critical MV ${r.mv} failed to refresh${cause}: ${r.error ?? 'unknown error'}${skipped.length ? `; not refreshed either: ${skipped.join(', ')}` : ''}. Look: ${look.join(', ')}`,
          look: look[0]!,
          fields: {
            mv: r.mv,
            error: r.error ?? null,
            skipped,
            runId: result.runId,
            trigger: result.trigger,
            uploads: uploads.map((u) => Number(u.slice(7))),
          },
        },
        options,
      );
    }
  }
}

/**
 * Task `alert_webhook`: POST the alert; any answer but 2xx (or no answer within 10 s) throws, and
 * graphile-worker retries with its exponential backoff up to ALERT_MAX_ATTEMPTS.
 */
export function createAlertTask(
  options: { config?: Pick<RefresherConfig, 'alertWebhookUrl'>; fetch?: typeof fetch } = {},
): Task {
  return async (payload, helpers) => {
    const url = (options.config ?? configFromEnv()).alertWebhookUrl;
    if (!url) {
      helpers.logger.warn(`alert ${helpers.job.id} not delivered: ALERT_WEBHOOK_URL is unset now`);
      return;
    }
    const res = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer().catch(() => undefined); // free the connection
    if (!res.ok) throw new Error(`alert webhook answered ${res.status} ${res.statusText}; will retry`);
  };
}
