import type pg from 'pg';
import { loadGraph } from './graph.ts';
import { mvStaleness } from './staleness.ts';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

export interface MvStatusRow {
  mv: string;
  populated: boolean;
  uniqueIndex: string | null;
  /** MVs it reads (directly or through views). */
  upstream: string[];
  lastRefreshAt: Date | null;
  lastDurationMs: number | null;
  lastMode: string | null;
  lastRowCount: number | null;
  /** What asked for the last successful refresh, e.g. `upload:42`, `api`, `schedule`. */
  lastTrigger: string | null;
  /** Error of the latest attempt when that attempt failed (null once a later refresh succeeded). */
  lastError: string | null;
  lastErrorAt: Date | null;
  /** 0 when refreshed since its inputs last changed, else seconds since that change (staleness.ts). */
  stalenessSeconds: number;
  /** The change it is behind (e.g. `upload:42`), null when fresh. */
  behind: string | null;
  /** Since when it is behind, null when fresh. */
  staleSince: Date | null;
  freshnessTargetSeconds: number;
  overTarget: boolean;
}

/** Every MV of the database with its catalog state and its refresh history. */
export async function mvStatus(db: Queryable): Promise<MvStatusRow[]> {
  const graph = await loadGraph(db);
  const hasLog = (await db.query(`select to_regclass('log.mv_refresh_log') is not null as ok`)).rows[0].ok;
  const history = new Map<string, Record<string, unknown>>();
  if (hasLog) {
    const { rows } = await db.query(`
      select m.mv_name,
        ok.finished_at as last_refresh_at, ok.duration_ms, ok.mode, ok.row_count, ok.trigger,
        bad.error, bad.finished_at as error_at
      from (select distinct mv_name from log.mv_refresh_log) m
      left join lateral (select * from log.mv_refresh_log l where l.mv_name = m.mv_name and l.outcome = 'refreshed'
                         order by l.finished_at desc limit 1) ok on true
      left join lateral (select * from log.mv_refresh_log l where l.mv_name = m.mv_name and l.outcome in ('failed', 'skipped')
                           and l.started_at > coalesce(ok.finished_at, '-infinity')
                         order by l.started_at desc limit 1) bad on true`);
    for (const r of rows) history.set(r.mv_name, r);
  }
  const staleness = await mvStaleness(db, { graph });
  return [...graph.nodes.values()].map((n) => {
    const h = history.get(n.name);
    const s = staleness.get(n.name)!;
    return {
      mv: n.name,
      populated: n.populated,
      uniqueIndex: n.uniqueIndex,
      upstream: n.upstream,
      lastRefreshAt: (h?.last_refresh_at as Date | null) ?? null,
      lastDurationMs: (h?.duration_ms as number | null) ?? null,
      lastMode: (h?.mode as string | null) ?? null,
      lastRowCount: h?.row_count == null ? null : Number(h.row_count),
      lastTrigger: (h?.trigger as string | null) ?? null,
      lastError: (h?.error as string | null) ?? null,
      lastErrorAt: (h?.error_at as Date | null) ?? null,
      stalenessSeconds: s.stalenessSeconds,
      behind: s.stalenessSeconds > 0 ? s.changedBy : null,
      staleSince: s.stalenessSeconds > 0 ? s.changedAt : null,
      freshnessTargetSeconds: s.targetSeconds,
      overTarget: s.overTarget,
    };
  });
}
