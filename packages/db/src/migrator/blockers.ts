import pg from 'pg';

/** A session that holds a lock our migration waits for. */
export interface Blocker {
  pid: number;
  applicationName: string;
  user: string | null;
  state: string | null;
  /** Its current (or last, when idle in transaction) statement. */
  query: string;
  /** How long its transaction (or, outside one, its statement) has been running, in ms: it has held the lock at most this long. */
  heldMs: number;
  /** The lock we wait for: mode and relation (or lock type). */
  waitingFor: string;
  /** How long we had waited when this was seen, in ms. */
  waitedMs: number;
}

export function describeBlockers(blockers: Blocker[]): string {
  return blockers
    .map(
      (b) =>
        `pid ${b.pid} (application_name ${JSON.stringify(b.applicationName)}${b.user ? `, user ${b.user}` : ''}, ${b.state ?? 'state unknown'}, ` +
        `its transaction open for ${(b.heldMs / 1000).toFixed(1)} s, query ${JSON.stringify(b.query.length > 200 ? `${b.query.slice(0, 200)}…` : b.query)}) ` +
        `holds the lock we waited for (${b.waitingFor}, waited ${(b.waitedMs / 1000).toFixed(1)} s)`,
    )
    .join('; ');
}

const BLOCKERS_SQL = `
select b.pid, b.application_name, b.usename, b.state, b.query,
       (extract(epoch from (now() - coalesce(b.xact_start, b.query_start))) * 1000)::bigint as held_ms,
       w.mode || ' on ' || coalesce(w.relation::regclass::text, w.locktype) as waiting_for,
       (extract(epoch from (now() - coalesce(w.waitstart, now()))) * 1000)::bigint as waited_ms
  from pg_locks w
  cross join lateral unnest(pg_blocking_pids($1)) as bp(pid)
  join pg_stat_activity b on b.pid = bp.pid
 where w.pid = $1 and not w.granted`;

/**
 * Watch, from a second connection, who blocks backend `pid` — only once a statement has run for
 * `afterMs` (the fast path opens no connection). `stop()` returns the last blockers seen, so a lock
 * timeout can name the session that held the lock, its query and how long it had held it.
 */
export function watchBlockers(url: string, pid: number, afterMs: number, intervalMs = 200): { stop(): Promise<Blocker[]> } {
  let last: Blocker[] = [];
  let client: pg.Client | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  const poll = async () => {
    try {
      if (!client) {
        client = new pg.Client({ connectionString: url, application_name: 'warehouse-migrate-watch', connectionTimeoutMillis: 5_000 });
        client.on('error', () => {});
        await client.connect();
      }
      while (!stopped) {
        const r = await client.query(BLOCKERS_SQL, [pid]);
        if (r.rows.length > 0) {
          last = r.rows.map((x) => ({
            pid: x.pid,
            applicationName: x.application_name ?? '',
            user: x.usename,
            state: x.state,
            query: x.query ?? '',
            heldMs: Number(x.held_ms),
            waitingFor: x.waiting_for,
            waitedMs: Number(x.waited_ms),
          }));
        }
        await new Promise((res) => (timer = setTimeout(res, intervalMs)));
      }
    } catch {
      // watching is best effort: the migration's own error is what matters
    }
  };
  timer = setTimeout(() => (polling = poll()), afterMs);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // a poll that is sleeping never resolves its timer: don't wait for it, just end the connection
      await Promise.race([polling, new Promise((res) => setTimeout(res, 50))]);
      await client?.end().catch(() => {});
      return last;
    },
  };
}
