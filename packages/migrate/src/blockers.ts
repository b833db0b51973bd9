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

interface BlockerRow {
  pid: number;
  application_name: string | null;
  usename: string | null;
  state: string | null;
  query: string | null;
  held_ms: string | number;
  waiting_for: string;
  waited_ms: string | number;
}

function toBlocker(x: BlockerRow): Blocker {
  return {
    pid: x.pid,
    applicationName: x.application_name ?? '',
    user: x.usename,
    state: x.state,
    query: x.query ?? '',
    heldMs: Number(x.held_ms),
    waitingFor: x.waiting_for,
    waitedMs: Number(x.waited_ms),
  };
}

/**
 * Watches, from a second connection, who blocks backend `pid`. The connection is opened only
 * when a statement has waited a while (the fast path opens none) and kept for later attempts;
 * `close()` ends it.
 */
export class BlockerWatcher {
  private client?: Promise<pg.Client | undefined>;
  constructor(
    private readonly url: string,
    private readonly pid: number,
  ) {}

  private connect(): Promise<pg.Client | undefined> {
    this.client ??= (async () => {
      const client = new pg.Client({
        connectionString: this.url,
        application_name: 'warehouse-migrate-watch',
        connectionTimeoutMillis: 5_000,
      });
      client.on('error', () => {});
      try {
        await client.connect();
        return client;
      } catch {
        return undefined; // watching is best effort: the migration's own error is what matters
      }
    })();
    return this.client;
  }

  /**
   * Start polling after `afterMs`; `stop()` returns the last blockers seen. With `cancelAfterMs`,
   * a lock wait longer than that is ended from here (pg_cancel_backend) and `cancelled` says so:
   * the runner's lock_timeout holds even when the migration changed it where the parse cannot see
   * (EXECUTE of SQL built at run time, a function that calls set_config).
   */
  watch(afterMs: number, intervalMs = 200, cancelAfterMs?: number): { stop(): Blocker[]; readonly cancelled: boolean } {
    let last: Blocker[] = [];
    let stopped = false;
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const loop = async () => {
      const client = await this.connect();
      while (client && !stopped) {
        try {
          const r = await client.query<BlockerRow>(BLOCKERS_SQL, [this.pid]);
          if (r.rows.length > 0 && !stopped) last = r.rows.map(toBlocker);
          if (cancelAfterMs !== undefined && !stopped && r.rows.some((x) => Number(x.waited_ms) >= cancelAfterMs)) {
            cancelled = true;
            await client.query('select pg_cancel_backend($1)', [this.pid]);
            return;
          }
        } catch {
          return;
        }
        if (!stopped) await new Promise((res) => (timer = setTimeout(res, intervalMs)));
      }
    };
    timer = setTimeout(() => void loop(), afterMs);
    return {
      stop() {
        stopped = true;
        if (timer) clearTimeout(timer);
        return last;
      },
      get cancelled() {
        return cancelled;
      },
    };
  }

  async close(): Promise<void> {
    const client = await this.client;
    await client?.end().catch(() => {});
  }
}
