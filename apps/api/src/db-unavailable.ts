/**
 * Telling "the database is down or unreachable" apart from other failures, so the API answers
 * 503 E_DB_UNAVAILABLE (retry later) rather than 500, and the worker waits instead of exiting.
 */

/** Node socket errors of a connection that could not be made or was cut. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
/**
 * SQLSTATEs of a server shutting down, starting or refusing connections: class 08 (connection
 * exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
 */
const SQLSTATE = /^(08\d\d\d|57P0[123])$/;
/** Prisma's codes for an unreachable server, a connect timeout, a closed connection, an exhausted pool. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
/** node-postgres and pg-pool report a lost connection by message only. */
const MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)/i;

/** True when `error` (or an error it wraps, via `cause`) says the database cannot be reached. */
export function isDbUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || SQLSTATE.test(e.code) || PRISMA_CODES.has(e.code)))
    return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  // AggregateError (a connect to several addresses) and wrapped causes (Prisma's driver adapter).
  if (Array.isArray(e.errors) && e.errors.some((x) => isDbUnavailable(x, depth + 1))) return true;
  return isDbUnavailable(e.cause, depth + 1);
}

/**
 * Keep this process up through a database outage. graphile-worker 0.17.3 does not await its
 * failJob/completeJob (worker.js: `failJob({...})` after a task error), so when the database goes
 * away while a job runs, batchFailJobs' ECONNRESET becomes an unhandled rejection, which ends a
 * Node process. Such a rejection is logged and survived: the job stays locked in the database and
 * the dead-job sweeper (worker.ts) releases it once the database is back, so it is retried. Any
 * other unhandled rejection still ends the process (exit 1), as Node's default does.
 */
export function surviveDatabaseOutages(logger: {
  warn(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}): void {
  process.on('unhandledRejection', (reason) => {
    if (isDbUnavailable(reason)) {
      const e = reason as { code?: string; message?: string };
      logger.warn(
        { code: e.code, message: e.message },
        'database unavailable (unhandled in a library); the process stays up, the affected job is retried once the database is back',
      );
      return;
    }
    logger.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });
}
