import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isCalendarDate } from '@warehouse/db/dates';
import { isRole, type Role } from '@warehouse/db/accounts';

/**
 * Company sign-in (OpenID Connect), on when OIDC_ISSUER is set. The provider's redirect URI to
 * register is `<PUBLIC_URL or the console's address>/api/auth/callback/<providerId>`.
 */
export interface OidcConfig {
  /** better-auth's provider id, in the callback path (fixed: `oidc`). */
  providerId: 'oidc';
  /** The issuer (OIDC_ISSUER), e.g. https://accounts.google.com; discovery is `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Email domains that may sign in (OIDC_ALLOWED_DOMAINS, comma-separated, lower case); anyone else is refused. */
  allowedDomains: string[];
  /** The claim whose value(s) pick the role (OIDC_ROLE_CLAIM, default `groups`; a string or an array of strings). */
  roleClaim: string;
  /** Claim value → role (OIDC_ROLE_MAP, `value=role,…`); the highest mapped role wins. */
  roleMap: Record<string, Role>;
  /** The role of a user whose claim maps to none (OIDC_DEFAULT_ROLE, default viewer; `none` refuses them). */
  defaultRole: Role | null;
  /** The provider's name on the sign-in button, 「<label>でサインイン」 (OIDC_LABEL, e.g. Google Workspace); empty: 「会社のアカウントでサインイン」. */
  label: string;
}
/**
 * The API's configuration: every environment variable the app and its workers read is read and
 * validated here, once; everything else receives a typed `ApiConfig`.
 */
export interface ApiConfig {
  /** The environment the API runs as (WAREHOUSE_ENV, default local_dev): its URL, its guard. */
  dbEnv: string;
  /**
   * Explicit connection URL (DATABASE_URL), raw: `resolveDatabase(dbEnv, { explicit })` reads it
   * first, before DATABASE_URL_<NAME> and the registry, with libpq's rules like every other URL.
   */
  databaseUrl: string | undefined;
  host: string;
  port: number;
  /**
   * Retired: a shared token. When set, it is kept as an admin's API key named "API_TOKEN (migrated)"
   * (auth/first-run.ts), so `Authorization: Bearer <API_TOKEN>` keeps working until that key is revoked.
   */
  apiToken: string | undefined;
  /** Sign-in and roles (AUTH, default on); `off` opens every route to anyone, for local experiments only. */
  auth: boolean;
  /** The console's address as people type it (PUBLIC_URL), e.g. https://warehouse.example; https turns on Secure cookies. */
  publicUrl: string | undefined;
  /** Signs the session cookies (AUTH_SECRET); unset: a random secret made once and kept in the database. */
  authSecret: string | undefined;
  /** A session unused this long ends (SESSION_IDLE_MINUTES, default 480). */
  sessionIdleMinutes: number;
  /** A session ends this long after sign-in however much it is used (SESSION_MAX_HOURS, default 168). */
  sessionMaxHours: number;
  /** Sign-in attempts per client address per minute (AUTH_SIGNIN_PER_MINUTE, default 10). */
  signInPerMinute: number;
  /** How long a looked-up session or key is reused in this process, ms (AUTH_CACHE_MS, default 5000); 0 = every request asks the database. */
  authCacheMs: number;
  /** Largest accepted file in bytes (UPLOAD_MAX_BYTES, default 2 GiB). */
  uploadMaxBytes: number;
  /**
   * An upload's body must bring at least `uploadMinBytesPerSec` × this many ms / 1000 bytes (and at
   * least one byte) in every window of this length, else it is ended with 408 (UPLOAD_BODY_TIMEOUT_MS,
   * default 30,000). A body that does not arrive at all is ended after one window.
   */
  uploadBodyTimeoutMs: number;
  /** The minimum rate of an upload's body over each window, bytes per second (UPLOAD_MIN_BYTES_PER_SEC, default 1024). */
  uploadMinBytesPerSec: number;
  /** Upload requests one client (IP address) may have running at once; more answer 429 (UPLOAD_MAX_CONCURRENT_PER_CLIENT, default 3). */
  uploadMaxPerClient: number;
  /** Where a request's files are spooled until the whole body has arrived (UPLOAD_SPOOL_DIR, default the OS temp directory). */
  uploadSpoolDir: string;
  /** Size of one `log.upload_blob` chunk in bytes. */
  blobChunkBytes: number;
  /** How many row errors a failed upload keeps in log.upload_error (first N by line; INGEST_MAX_ERRORS, default 10,000). */
  maxErrors: number;
  /** How many of them the upload's own summary (`errors` of GET /uploads/:id) repeats (INGEST_ERROR_SUMMARY, default 50). */
  errorSummary: number;
  /** Earliest plausible slip date, YYYY-MM-DD (INGEST_DATE_MIN, default 2000-01-01). */
  dateMin: string;
  /** Latest plausible slip date, YYYY-MM-DD (INGEST_DATE_MAX); unset: one year after the day of the ingest. */
  dateMax: string | undefined;
  /** graphile-worker concurrency of this process. */
  workerConcurrency: number;
  /** An ingest job locked this long by a worker that is gone (no advisory lock) is released. */
  staleJobSeconds: number;
  /** How often the stale-job sweeper runs. */
  sweepIntervalMs: number;
  /** Attempts for an ingest job before graphile-worker gives up. */
  ingestMaxAttempts: number;
  /**
   * Shrink guard (INGEST_SHRINK_GUARD_PERCENT, default 50): an upload that would keep fewer than
   * this percentage of the rows it supersedes is held until confirmed; 0 turns the guard off.
   */
  shrinkGuardPercent: number;
  logLevel: string;
  /** Built console (apps/web/dist) served at `/`; undefined = not served (WEB_DIST=off). */
  webDist: string | undefined;
  /** LOG_FORMAT: `pretty` (human-readable) or `json`; unset = pretty on a terminal, JSON otherwise. */
  logFormat: 'json' | 'pretty' | undefined;
  /** Company sign-in (OIDC_*), undefined when OIDC_ISSUER is unset. */
  oidc: OidcConfig | undefined;
}

export class ConfigError extends Error {
  readonly code = 'E_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function int(vars: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = vars[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new ConfigError(
      `${name}=${JSON.stringify(raw)} is not an integer ≥ ${min}; unset it to use the default ${fallback}`,
    );
  }
  return n;
}

function onOff(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ConfigError(`AUTH=${JSON.stringify(raw)} is not on or off; unset it to require sign-in (the default)`);
}

function publicUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:'))
    throw new ConfigError(
      `PUBLIC_URL=${JSON.stringify(raw)} is not an http(s) address; write the console's address, e.g. https://warehouse.example`,
    );
  return u.origin;
}

function logFormat(raw: string | undefined): ApiConfig['logFormat'] {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'json' || raw === 'pretty') return raw;
  throw new ConfigError(
    `LOG_FORMAT=${JSON.stringify(raw)} is not json or pretty; unset it to get pretty lines on a terminal and JSON otherwise`,
  );
}

function isoDate(vars: NodeJS.ProcessEnv, name: string, fallback: string | undefined): string | undefined {
  const raw = vars[name];
  if (raw === undefined || raw === '') return fallback;
  if (!isCalendarDate(raw)) {
    throw new ConfigError(
      `${name}=${JSON.stringify(raw)} is not a date; write it as YYYY-MM-DD${fallback ? ` or unset it to use the default ${fallback}` : ''}`,
    );
  }
  return raw;
}

const OIDC_VARS = [
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_ALLOWED_DOMAINS',
  'OIDC_ROLE_CLAIM',
  'OIDC_ROLE_MAP',
  'OIDC_DEFAULT_ROLE',
  'OIDC_LABEL',
] as const;

/** OIDC_* read together: all or nothing, each checked, the error naming the variable and the fix. */
export function oidcConfig(vars: NodeJS.ProcessEnv): OidcConfig | undefined {
  const set = OIDC_VARS.filter((n) => vars[n] !== undefined && vars[n] !== '');
  if (set.length === 0) return undefined;
  const need = (name: (typeof OIDC_VARS)[number], what: string): string => {
    const v = vars[name]?.trim();
    if (!v)
      throw new ConfigError(
        `${name} is not set but ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'}: company sign-in needs ${what}; set it, or unset every OIDC_* variable to turn company sign-in off`,
      );
    return v;
  };
  const issuerRaw = need(
    'OIDC_ISSUER',
    "the provider's issuer URL (e.g. https://login.microsoftonline.com/<tenant>/v2.0)",
  );
  let issuer: URL | undefined;
  try {
    issuer = new URL(issuerRaw);
  } catch {
    issuer = undefined;
  }
  if (!issuer || (issuer.protocol !== 'https:' && issuer.protocol !== 'http:') || issuer.search || issuer.hash)
    throw new ConfigError(
      `OIDC_ISSUER=${JSON.stringify(issuerRaw)} is not an http(s) issuer URL; write the issuer as the provider documents it, e.g. https://accounts.google.com (without /.well-known/openid-configuration)`,
    );
  const clientId = need('OIDC_CLIENT_ID', 'the client id the provider gave this application');
  const clientSecret = need('OIDC_CLIENT_SECRET', 'the client secret the provider gave this application');
  const allowedDomains = need('OIDC_ALLOWED_DOMAINS', 'the email domain(s) allowed to sign in, e.g. example.co.jp')
    .split(',')
    .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
    .filter(Boolean);
  for (const d of allowedDomains)
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d))
      throw new ConfigError(
        `OIDC_ALLOWED_DOMAINS has ${JSON.stringify(d)}, which is not an email domain; write domains separated by commas, e.g. example.co.jp,example.com`,
      );
  const roleMap: Record<string, Role> = {};
  for (const pair of (vars.OIDC_ROLE_MAP ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const i = pair.lastIndexOf('=');
    const value = pair.slice(0, i).trim();
    const role = pair.slice(i + 1).trim();
    if (i <= 0 || !value || !isRole(role))
      throw new ConfigError(
        `OIDC_ROLE_MAP has ${JSON.stringify(pair)}; write claim-value=role pairs separated by commas, the role one of viewer, staff, admin (e.g. warehouse-admins=admin,warehouse-staff=staff)`,
      );
    roleMap[value] = role;
  }
  const dflt = vars.OIDC_DEFAULT_ROLE?.trim() || 'viewer';
  if (dflt !== 'none' && !isRole(dflt))
    throw new ConfigError(
      `OIDC_DEFAULT_ROLE=${JSON.stringify(dflt)} is not viewer, staff, admin or none; it is the role of a user whose claim maps to no role (none refuses them); unset it for viewer`,
    );
  return {
    providerId: 'oidc',
    issuer: issuer.href.replace(/\/$/, ''),
    clientId,
    clientSecret,
    allowedDomains,
    roleClaim: vars.OIDC_ROLE_CLAIM?.trim() || 'groups',
    roleMap,
    defaultRole: dflt === 'none' ? null : dflt,
    label: vars.OIDC_LABEL?.trim() || '',
  };
}

const toYmd = (iso: string) => Number(iso.replace(/-/g, ''));

/**
 * The plausible slip dates for an ingest starting at `now`: INGEST_DATE_MIN .. INGEST_DATE_MAX, or
 * .. one year after `now` (UTC) when no maximum is set. As yyyymmdd numbers (validate.ts's DateWindow).
 */
export function dateWindow(
  config: Pick<ApiConfig, 'dateMin' | 'dateMax'>,
  now: Date = new Date(),
): { min: number; max: number } {
  let max: number;
  if (config.dateMax) max = toYmd(config.dateMax);
  else {
    const d = new Date(now.getTime());
    d.setUTCFullYear(d.getUTCFullYear() + 1);
    max = d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  }
  return { min: toYmd(config.dateMin), max };
}

/** Read and validate the configuration from environment variables (defaults suit `pnpm start`). */
export function loadConfig(vars: NodeJS.ProcessEnv = process.env, overrides: Partial<ApiConfig> = {}): ApiConfig {
  const config: ApiConfig = {
    dbEnv: vars.WAREHOUSE_ENV || 'local_dev',
    databaseUrl: vars.DATABASE_URL || undefined,
    host: vars.HOST || '127.0.0.1',
    port: int(vars, 'PORT', 3000, 0),
    apiToken: vars.API_TOKEN || undefined,
    auth: onOff(vars.AUTH),
    publicUrl: publicUrl(vars.PUBLIC_URL),
    authSecret: vars.AUTH_SECRET || undefined,
    sessionIdleMinutes: int(vars, 'SESSION_IDLE_MINUTES', 480, 1),
    sessionMaxHours: int(vars, 'SESSION_MAX_HOURS', 168, 1),
    signInPerMinute: int(vars, 'AUTH_SIGNIN_PER_MINUTE', 10, 1),
    authCacheMs: int(vars, 'AUTH_CACHE_MS', 5000, 0),
    uploadMaxBytes: int(vars, 'UPLOAD_MAX_BYTES', 2 * 1024 ** 3, 1),
    uploadBodyTimeoutMs: int(vars, 'UPLOAD_BODY_TIMEOUT_MS', 30_000, 100),
    uploadMinBytesPerSec: int(vars, 'UPLOAD_MIN_BYTES_PER_SEC', 1024, 0),
    uploadMaxPerClient: int(vars, 'UPLOAD_MAX_CONCURRENT_PER_CLIENT', 3, 1),
    uploadSpoolDir: vars.UPLOAD_SPOOL_DIR || tmpdir(),
    blobChunkBytes: int(vars, 'UPLOAD_BLOB_CHUNK_BYTES', 1024 ** 2, 1024),
    maxErrors: int(vars, 'INGEST_MAX_ERRORS', 10_000, 1),
    errorSummary: int(vars, 'INGEST_ERROR_SUMMARY', 50, 1),
    dateMin: isoDate(vars, 'INGEST_DATE_MIN', '2000-01-01')!,
    dateMax: isoDate(vars, 'INGEST_DATE_MAX', undefined),
    workerConcurrency: int(vars, 'WORKER_CONCURRENCY', 2, 1),
    staleJobSeconds: int(vars, 'INGEST_STALE_JOB_SECONDS', 30, 0),
    sweepIntervalMs: int(vars, 'INGEST_SWEEP_INTERVAL_MS', 15_000, 100),
    ingestMaxAttempts: int(vars, 'INGEST_MAX_ATTEMPTS', 5, 1),
    shrinkGuardPercent: int(vars, 'INGEST_SHRINK_GUARD_PERCENT', 50, 0),
    logLevel: vars.LOG_LEVEL || 'info',
    webDist:
      vars.WEB_DIST === 'off' ? undefined : vars.WEB_DIST || fileURLToPath(new URL('../../web/dist', import.meta.url)),
    logFormat: logFormat(vars.LOG_FORMAT),
    oidc: oidcConfig(vars),
  };
  if (config.shrinkGuardPercent > 100) {
    throw new ConfigError(
      `INGEST_SHRINK_GUARD_PERCENT=${config.shrinkGuardPercent} is above 100; use 0..100 (50 holds an upload that keeps less than half of the rows it replaces, 0 turns the guard off)`,
    );
  }
  const merged = { ...config, ...overrides };
  if (merged.dateMax && merged.dateMax < merged.dateMin) {
    throw new ConfigError(
      `INGEST_DATE_MAX=${merged.dateMax} is before INGEST_DATE_MIN=${merged.dateMin}; the maximum must not be earlier than the minimum`,
    );
  }
  return merged;
}
