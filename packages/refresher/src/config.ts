import { RefresherError } from './errors.ts';

/** Run defaults; the only module of this package that reads environment variables. */
export interface RefresherConfig {
  /** How many MVs may refresh at once (independent branches). */
  concurrency: number;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  /** A refresh slower than this logs a warning. */
  slowThresholdMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Trailing debounce of queued refreshes. */
  debounceMs: number;
  /** Freshness target of an MV without its own (MvSettings.freshnessTargetMs). */
  freshnessTargetMs: number;
  /** Rows of log.mv_refresh_log, resolved alert incidents and permanently failed jobs older than this are deleted nightly. */
  retentionDays: number;
  /** Delivery attempts of one alert (graphile-worker's backoff between them). */
  alertMaxAttempts: number;
  /** Where alerts are POSTed (JSON with a Slack-compatible `text`); unset → alerts are only logged. */
  alertWebhookUrl: string | undefined;
  /** Local time `HH:MM` of the nightly refresh of every MV, or null when disabled. */
  nightlyAt: string | null;
  /** IANA time zone of `nightlyAt`. */
  nightlyTimeZone: string;
}

export const DEFAULT_CONFIG: RefresherConfig = {
  concurrency: 2,
  lockTimeoutMs: 10_000,
  statementTimeoutMs: 15 * 60_000,
  slowThresholdMs: 60_000,
  maxAttempts: 4,
  backoffBaseMs: 250,
  backoffMaxMs: 10_000,
  // 0, from pnpm bench:refresh --part freshness (docs/design.md): a job due later than now is found
  // only by graphile-worker's next poll (1 s in the API), so any debounce > 0 cost ~1 s of queueing;
  // at 0 the job's NOTIFY wakes a worker at commit. Coalescing does not need it: requests that arrive
  // while a refresh runs join one follow-up job (JOB_KEY).
  debounceMs: 0,
  freshnessTargetMs: 10 * 60_000,
  retentionDays: 90,
  alertMaxAttempts: 10,
  alertWebhookUrl: undefined,
  nightlyAt: '03:00',
  nightlyTimeZone: 'Asia/Tokyo',
};

type IntKey = { [K in keyof RefresherConfig]: RefresherConfig[K] extends number ? K : never }[keyof RefresherConfig];

const INT_VARIABLES: Record<IntKey, string> = {
  concurrency: 'MV_REFRESH_CONCURRENCY',
  lockTimeoutMs: 'MV_REFRESH_LOCK_TIMEOUT_MS',
  statementTimeoutMs: 'MV_REFRESH_STATEMENT_TIMEOUT_MS',
  slowThresholdMs: 'MV_REFRESH_SLOW_MS',
  maxAttempts: 'MV_REFRESH_MAX_ATTEMPTS',
  backoffBaseMs: 'MV_REFRESH_BACKOFF_BASE_MS',
  backoffMaxMs: 'MV_REFRESH_BACKOFF_MAX_MS',
  debounceMs: 'MV_REFRESH_DEBOUNCE_MS',
  freshnessTargetMs: 'MV_FRESHNESS_TARGET_MS',
  retentionDays: 'MV_REFRESH_RETENTION_DAYS',
  alertMaxAttempts: 'ALERT_MAX_ATTEMPTS',
};

const MIN_ONE: ReadonlySet<IntKey> = new Set(['concurrency', 'maxAttempts', 'retentionDays', 'alertMaxAttempts']);

/** Every environment variable this package reads, for --help texts and docs. */
export const CONFIG_VARIABLES = [
  ...Object.values(INT_VARIABLES),
  'ALERT_WEBHOOK_URL',
  'MV_REFRESH_NIGHTLY_AT',
  'MV_REFRESH_NIGHTLY_TZ',
];

/**
 * Defaults overridden by environment variables: `MV_REFRESH_*` integers, `MV_FRESHNESS_TARGET_MS`,
 * `ALERT_WEBHOOK_URL`, `ALERT_MAX_ATTEMPTS`, `MV_REFRESH_NIGHTLY_AT` (`HH:MM` or `off`) and
 * `MV_REFRESH_NIGHTLY_TZ`. Throws E_BAD_CONFIG naming the variable and the fix.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): RefresherConfig {
  const config = { ...DEFAULT_CONFIG };
  for (const [key, variable] of Object.entries(INT_VARIABLES) as [IntKey, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    const min = MIN_ONE.has(key) ? 1 : 0;
    if (!Number.isInteger(value) || value < min) {
      throw new RefresherError(
        'E_BAD_CONFIG',
        `${variable}=${JSON.stringify(raw)} is not an integer ≥ ${min}; fix or unset it (default ${DEFAULT_CONFIG[key]})`,
      );
    }
    config[key] = value;
  }
  const url = env.ALERT_WEBHOOK_URL;
  if (url) {
    let ok: boolean;
    try {
      ok = ['http:', 'https:'].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok)
      throw new RefresherError(
        'E_BAD_CONFIG',
        `ALERT_WEBHOOK_URL=${JSON.stringify(url)} is not an http(s) URL; fix or unset it (alerts are then only logged)`,
      );
    config.alertWebhookUrl = url;
  }
  const at = env.MV_REFRESH_NIGHTLY_AT;
  if (at !== undefined && at !== '') {
    if (at === 'off') config.nightlyAt = null;
    else if (/^([01]\d|2[0-3]):[0-5]\d$/.test(at)) config.nightlyAt = at;
    else
      throw new RefresherError(
        'E_BAD_CONFIG',
        `MV_REFRESH_NIGHTLY_AT=${JSON.stringify(at)} is neither HH:MM (24 h) nor off; e.g. 03:00 (default)`,
      );
  }
  const tz = env.MV_REFRESH_NIGHTLY_TZ;
  if (tz) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      throw new RefresherError(
        'E_BAD_CONFIG',
        `MV_REFRESH_NIGHTLY_TZ=${JSON.stringify(tz)} is not an IANA time zone; e.g. Asia/Tokyo (default)`,
      );
    }
    config.nightlyTimeZone = tz;
  }
  return config;
}
