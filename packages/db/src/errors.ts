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
  | 'E_MIGRATION_TRANSACTION_CONTROL'
  | 'E_MIGRATION_SESSION_STATE'
  | 'E_MIGRATION_SESSION_LEFT_OPEN'
  | 'E_MIGRATION_SESSION_RESTORE'
  | 'E_MIGRATION_LOCK_TIMEOUT'
  | 'E_MIGRATION_FILL_FAILED'
  | 'E_PLAN_CHANGED'
  | 'E_SQL_PARSE'
  | 'E_BAD_ARGUMENT'
  | 'E_IDENTITY_UNREADABLE'
  | 'E_CONN_REFUSED'
  | 'E_CONN_INVALID'
  | 'E_ENV_PROTECTED'
  | 'E_MARKER_UNWRITABLE'
  | 'E_TARGET_CHANGED'
  | 'E_CATALOG'
  | 'E_CATALOG_IN_USE'
  | 'E_NOT_MIGRATED';

export class DbError extends Error {
  readonly code: DbErrorCode;
  constructor(code: DbErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DbError';
    this.code = code;
  }
}
