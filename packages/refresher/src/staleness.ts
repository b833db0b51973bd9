import type pg from 'pg';
import { configFromEnv } from './config.ts';
import { loadGraph, normalizeName, type MvGraph } from './graph.ts';
import { MV_MAPPING, MV_SETTINGS, type MvMapping, type MvSettings } from './mapping.ts';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

export interface MvStaleness {
  mv: string;
  /** C: the latest change of an input of the MV (an upload finished, or reverted), null when none. */
  changedAt: Date | null;
  /** What changed it, e.g. `upload:42` or `revert:42`. */
  changedBy: string | null;
  /** csv_type of that change. */
  changedCsvType: string | null;
  /** Start of the latest successful refresh (any trigger). */
  lastRefreshStartedAt: Date | null;
  /** 0 when a successful refresh started after C (or nothing ever changed), else now − C. */
  stalenessSeconds: number;
  targetSeconds: number;
  overTarget: boolean;
}

export interface StalenessOptions {
  graph?: MvGraph;
  mapping?: MvMapping;
  settings?: Readonly<Record<string, MvSettings>>;
  /** Default target for MVs without their own (default from MV_FRESHNESS_TARGET_MS). */
  defaultTargetMs?: number;
}

/** Which csv_types feed each MV: a type feeds its mapped roots and everything downstream of them. */
export function csvTypesByMv(graph: MvGraph, mapping: MvMapping = MV_MAPPING): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const mv of graph.nodes.keys()) out.set(mv, []);
  for (const [csvType, roots] of Object.entries(mapping)) {
    const seen = new Set<string>();
    const stack = roots.map((r) => normalizeName(r.mv)).filter((mv) => graph.nodes.has(mv));
    while (stack.length) {
      const mv = stack.pop()!;
      if (seen.has(mv)) continue;
      seen.add(mv);
      out.get(mv)!.push(csvType);
      stack.push(...(graph.downstream.get(mv) ?? []));
    }
  }
  return out;
}

/**
 * Staleness of every MV: C is the latest `finished_at` of a successful upload (a confirmed held
 * upload finishes as one) or `reverted_at` of a revert, over the csv_types that feed the MV; R is
 * the MV's latest successful refresh. Staleness is 0 when R started after C, else now − C.
 * Migrations that rebuild an MV are not counted (the catalog keeps no creation time).
 * `now` is the database's clock, like the timestamps compared with it.
 * @example const s = await mvStaleness(pool); s.get('mart.mv_receive_daily')?.stalenessSeconds
 */
export async function mvStaleness(db: Queryable, options: StalenessOptions = {}): Promise<Map<string, MvStaleness>> {
  const graph = options.graph ?? (await loadGraph(db));
  const settings = { ...MV_SETTINGS, ...options.settings };
  const defaultTargetMs = options.defaultTargetMs ?? configFromEnv().freshnessTargetMs;
  const { rows: cols } = await db.query(
    `select column_name from information_schema.columns where table_schema = 'log' and table_name = 'upload_file' and column_name = 'reverted_at'`,
  );
  // reverted_at arrives with the uploads' revert migration; until then only finished uploads count.
  const reverts = cols.length
    ? `union all select csv_type, 'revert:' || id, reverted_at from log.upload_file where reverted_at is not null`
    : '';
  const changes = await db.query<{ csv_type: string; what: string; at: Date }>(`
    select distinct on (csv_type) csv_type, what, at from (
      select csv_type, 'upload:' || id as what, finished_at as at from log.upload_file where status = 'success' and finished_at is not null
      ${reverts}
    ) e order by csv_type, at desc`);
  const byType = new Map(changes.rows.map((r) => [r.csv_type, r]));
  const refreshed = await db.query<{ mv_name: string; started_at: Date; now: Date }>(
    `select mv_name, max(started_at) as started_at from log.mv_refresh_log where outcome = 'refreshed' group by mv_name`,
  );
  const lastOk = new Map(refreshed.rows.map((r) => [r.mv_name, r.started_at]));
  const now = (await db.query<{ now: Date }>(`select clock_timestamp() as now`)).rows[0]!.now.getTime();
  const feeds = csvTypesByMv(graph, options.mapping);
  const out = new Map<string, MvStaleness>();
  for (const mv of graph.nodes.keys()) {
    let change: { csv_type: string; what: string; at: Date } | undefined;
    for (const t of feeds.get(mv) ?? []) {
      const c = byType.get(t);
      if (c && (!change || c.at > change.at)) change = c;
    }
    const ok = lastOk.get(mv) ?? null;
    const fresh = !change || (ok !== null && ok > change.at);
    const stalenessSeconds = fresh ? 0 : Math.max(0, (now - change!.at.getTime()) / 1000);
    const targetSeconds = (settings[mv]?.freshnessTargetMs ?? defaultTargetMs) / 1000;
    out.set(mv, {
      mv,
      changedAt: change?.at ?? null,
      changedBy: change?.what ?? null,
      changedCsvType: change?.csv_type ?? null,
      lastRefreshStartedAt: ok,
      stalenessSeconds: Math.round(stalenessSeconds * 1000) / 1000,
      targetSeconds,
      overTarget: stalenessSeconds > targetSeconds,
    });
  }
  return out;
}
