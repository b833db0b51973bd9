export type RefresherErrorCode =
  | 'E_UNKNOWN_CSV_TYPE'
  | 'E_BAD_PAYLOAD'
  | 'E_NO_LOG_TABLE'
  | 'E_NO_WORKER_SCHEMA'
  | 'E_ENQUEUE_CONTENDED'
  | 'E_BAD_CONFIG'
  | 'E_NOT_INCREMENTAL';

/** Typed error with a stable code; the message names the object, the value and the fix. */
export class RefresherError extends Error {
  readonly code: RefresherErrorCode;
  constructor(code: RefresherErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RefresherError';
    this.code = code;
  }
}

/** SQLSTATEs worth another attempt: the same statement may succeed a moment later. */
const TRANSIENT_SQLSTATES = new Set([
  '55P03', // lock_not_available (lock_timeout)
  '40P01', // deadlock_detected
  '40001', // serialization_failure
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

const TRANSIENT_NODE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** Lock timeout, deadlock, serialization failure or a lost connection. Anything else is final. */
export function isTransient(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_SQLSTATES.has(code)) return true;
    if (code.startsWith('08')) return true; // connection_exception class
    if (TRANSIENT_NODE_CODES.has(code)) return true;
  }
  const message = (error as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    /Connection terminated|connection (?:error|ended)|Client has encountered a connection error/i.test(message)
  );
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)
      ? `${error.message} (SQLSTATE ${code})`
      : error.message;
  }
  return String(error);
}
