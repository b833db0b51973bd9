import type pg from 'pg';
import { DbError } from '@warehouse/db';

/** Prisma's advisory lock key, so this runner and `prisma migrate deploy` exclude each other. */
export const MIGRATION_LOCK_ID = 72707369;

export interface LockHolder {
  pid: number;
  applicationName: string;
  user: string | null;
  clientAddr: string | null;
  backendStart: Date | null;
  state: string | null;
}

/** Sessions holding the migration lock in the current database. */
export async function lockHolders(client: pg.ClientBase): Promise<LockHolder[]> {
  // A one-argument (bigint) advisory lock appears with classid = high 32 bits, objid = low, objsubid = 1.
  const r = await client.query(
    `select l.pid, a.application_name, a.usename, a.client_addr::text as client_addr, a.backend_start, a.state
       from pg_locks l left join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.classid = 0 and l.objid = $1 and l.objsubid = 1
        and l.database = (select oid from pg_database where datname = current_database())
        and l.pid <> pg_backend_pid()`,
    [MIGRATION_LOCK_ID],
  );
  return r.rows.map((x) => ({
    pid: x.pid,
    applicationName: x.application_name ?? '',
    user: x.usename,
    clientAddr: x.client_addr,
    backendStart: x.backend_start,
    state: x.state,
  }));
}

export function describeHolders(holders: LockHolder[]): string {
  if (holders.length === 0) return 'a session that released it just now';
  return holders
    .map(
      (h) =>
        `pid ${h.pid} (application_name ${JSON.stringify(h.applicationName)}${h.user ? `, user ${h.user}` : ''}${h.clientAddr ? `, from ${h.clientAddr}` : ''}${h.backendStart ? `, connected since ${h.backendStart.toISOString()}` : ''})`,
    )
    .join(', ');
}

export interface LockOptions {
  /** How long to wait for another migrator (default 30 s). */
  timeoutMs?: number;
  /** Called once when the lock is busy and we start waiting. */
  onWait?: (holders: LockHolder[]) => void;
}

/**
 * Run `fn` holding the migration advisory lock on this connection. Waits up to `timeoutMs`
 * by polling pg_try_advisory_lock (so it never hangs), then fails with E_LOCK_TIMEOUT naming
 * the holder. Always releases explicitly.
 */
export async function withMigrationLock<T>(
  client: pg.ClientBase,
  options: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let waited = false;
  let delay = 20;
  for (;;) {
    const r = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [MIGRATION_LOCK_ID]);
    if (r.rows[0]?.ok) break;
    if (!waited) {
      waited = true;
      options.onWait?.(await lockHolders(client));
    }
    if (Date.now() >= deadline) {
      const holders = await lockHolders(client);
      throw new DbError(
        'E_LOCK_TIMEOUT',
        `could not take the migration lock (advisory lock ${MIGRATION_LOCK_ID}) within ${timeoutMs} ms: it is held by ${describeHolders(holders)}; ` +
          `wait for that migration to finish, or end it with select pg_terminate_backend(<pid>) if it is stuck, or raise lockTimeoutMs / --lock-timeout`,
      );
    }
    await new Promise((res) => setTimeout(res, Math.min(delay, Math.max(1, deadline - Date.now()))));
    delay = Math.min(delay * 2, 250);
  }
  try {
    return await fn();
  } finally {
    await client.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_ID]).catch(() => {});
  }
}
