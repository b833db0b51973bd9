/**
 * The API's configuration: every environment variable the app and its workers read is read and
 * validated here, once; everything else receives a typed `ApiConfig`.
 */
export interface ApiConfig {
  /** Environment name for `resolveDatabase` when no DATABASE_URL is given (default local_dev). */
  dbEnv: string;
  /** Explicit connection URL (DATABASE_URL); wins over `dbEnv`. */
  databaseUrl: string | undefined;
  host: string;
  port: number;
  /** When set, upload routes require `Authorization: Bearer <token>`. */
  apiToken: string | undefined;
  /** Largest accepted file in bytes (UPLOAD_MAX_BYTES, default 2 GiB). */
  uploadMaxBytes: number;
  /** Size of one `log.upload_blob` chunk in bytes. */
  blobChunkBytes: number;
  /** How many row errors a failed upload keeps (first N by line). */
  maxErrors: number;
  /** graphile-worker concurrency of this process. */
  workerConcurrency: number;
  /** An ingest job locked this long by a worker that is gone (no advisory lock) is released. */
  staleJobSeconds: number;
  /** How often the stale-job sweeper runs. */
  sweepIntervalMs: number;
  /** Attempts for an ingest job before graphile-worker gives up. */
  ingestMaxAttempts: number;
  logLevel: string;
  /** LOG_FORMAT: `pretty` (human-readable) or `json`; unset = pretty on a terminal, JSON otherwise. */
  logFormat: 'json' | 'pretty' | undefined;
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
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not an integer ≥ ${min}; unset it to use the default ${fallback}`);
  }
  return n;
}

function logFormat(raw: string | undefined): ApiConfig['logFormat'] {
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'json' || raw === 'pretty') return raw;
  throw new ConfigError(`LOG_FORMAT=${JSON.stringify(raw)} is not json or pretty; unset it to get pretty lines on a terminal and JSON otherwise`);
}

/** Read and validate the configuration from environment variables (defaults suit `pnpm start`). */
export function loadConfig(vars: NodeJS.ProcessEnv = process.env, overrides: Partial<ApiConfig> = {}): ApiConfig {
  const config: ApiConfig = {
    dbEnv: vars.WAREHOUSE_ENV || 'local_dev',
    databaseUrl: vars.DATABASE_URL || undefined,
    host: vars.HOST || '127.0.0.1',
    port: int(vars, 'PORT', 3000, 0),
    apiToken: vars.API_TOKEN || undefined,
    uploadMaxBytes: int(vars, 'UPLOAD_MAX_BYTES', 2 * 1024 ** 3, 1),
    blobChunkBytes: int(vars, 'UPLOAD_BLOB_CHUNK_BYTES', 1024 ** 2, 1024),
    maxErrors: int(vars, 'INGEST_MAX_ERRORS', 50, 1),
    workerConcurrency: int(vars, 'WORKER_CONCURRENCY', 2, 1),
    staleJobSeconds: int(vars, 'INGEST_STALE_JOB_SECONDS', 30, 0),
    sweepIntervalMs: int(vars, 'INGEST_SWEEP_INTERVAL_MS', 15_000, 100),
    ingestMaxAttempts: int(vars, 'INGEST_MAX_ATTEMPTS', 5, 1),
    logLevel: vars.LOG_LEVEL || 'info',
    logFormat: logFormat(vars.LOG_FORMAT),
  };
  return { ...config, ...overrides };
}
