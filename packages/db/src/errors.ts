/**
 * Typed errors with stable codes. The CLI maps codes to exit codes; the API maps them to
 * HTTP statuses. A message names the object, the value and the fix.
 */
export type DbErrorCode =
  | 'E_ENV_UNKNOWN'
  | 'E_ENV_NO_URL'
  | 'E_ENV_REGISTRY'
  | 'E_EMBEDDED'
  | 'E_LOCK_TIMEOUT'
  | 'E_MIGRATION_FAILED'
  | 'E_MIGRATION_EDITED'
  | 'E_MIGRATION_BLOCKED'
  | 'E_MIGRATION_MISSING'
  | 'E_MIGRATION_REQUIRES'
  | 'E_MIGRATION_NO_DOWN'
  | 'E_MIGRATION_DIR'
  | 'E_BAD_ARGUMENT'
  | 'E_NOT_MIGRATED';

export class DbError extends Error {
  readonly code: DbErrorCode;
  constructor(code: DbErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DbError';
    this.code = code;
  }
}

/** Hide the password of a connection URL so it can be printed. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:****@');
  }
}
