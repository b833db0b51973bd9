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
}

export const DEFAULT_CONFIG: RefresherConfig = {
  concurrency: 2,
  lockTimeoutMs: 10_000,
  statementTimeoutMs: 15 * 60_000,
  slowThresholdMs: 60_000,
  maxAttempts: 4,
  backoffBaseMs: 250,
  backoffMaxMs: 10_000,
  debounceMs: 1_000,
};

const VARIABLES: Record<keyof RefresherConfig, string> = {
  concurrency: 'MV_REFRESH_CONCURRENCY',
  lockTimeoutMs: 'MV_REFRESH_LOCK_TIMEOUT_MS',
  statementTimeoutMs: 'MV_REFRESH_STATEMENT_TIMEOUT_MS',
  slowThresholdMs: 'MV_REFRESH_SLOW_MS',
  maxAttempts: 'MV_REFRESH_MAX_ATTEMPTS',
  backoffBaseMs: 'MV_REFRESH_BACKOFF_BASE_MS',
  backoffMaxMs: 'MV_REFRESH_BACKOFF_MAX_MS',
  debounceMs: 'MV_REFRESH_DEBOUNCE_MS',
};

/** Defaults overridden by `MV_REFRESH_*` environment variables (integers). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): RefresherConfig {
  const config = { ...DEFAULT_CONFIG };
  for (const [key, variable] of Object.entries(VARIABLES) as [keyof RefresherConfig, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    const min = key === 'concurrency' || key === 'maxAttempts' ? 1 : 0;
    if (!Number.isInteger(value) || value < min) {
      throw new RefresherError('E_BAD_CONFIG', `${variable}=${JSON.stringify(raw)} is not an integer ≥ ${min}; fix or unset it (default ${DEFAULT_CONFIG[key]})`);
    }
    config[key] = value;
  }
  return config;
}
