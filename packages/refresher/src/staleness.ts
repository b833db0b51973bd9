import type pg from 'pg';
import { lastUploadChanges } from '@warehouse/db/uploads';
import { configFromEnv } from './config.ts';
import { loadGraph, normalizeName, type MvGraph } from './graph.ts';
import { notSwapSchema } from './shadow.ts';
import { MV_MAPPING, MV_SETTINGS, type MvMapping, type MvSettings } from './mapping.ts';

type Queryable = Pick<pg.Pool | pg.ClientBase, 'query'>;

export interface MvStaleness {
  mv: string;
  /** C: the latest change of an input of the MV (an upload finished or reverted, a migration that rebuilt it), null when none. */
  changedAt: Date | null;
  /** What changed it, e.g. `upload:42`, `revert:42` or `migration:20261201000000_mv_receive_daily_amount`. */
  changedBy: string | null;
  /** csv_type of that change (null for a migration). */
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

interface Change {
  csv_type: string | null;
  what: string;
  at: Date;
}

/**
 * Per MV, the latest migration that rebuilt it or an input of it (log.migration_rebuild, written by
 * the migration runner): a migration counts for m when it created m WITH NO DATA, or created or
 * replaced a view or MV that m reads (directly or through views and MVs) — m then holds rows of the
 * old logic, or none. A migration that created m WITH DATA after its inputs does not count for m
 * (m was filled from them in that transaction), unless it also created one of m's inputs WITH NO DATA;
 * nor does any earlier migration.
 */
async function migrationChanges(db: Queryable): Promise<Map<string, Change>> {
  const out = new Map<string, Change>();
  const { rows: present } = await db.query(`select to_regclass('log.migration_rebuild') is not null as present`);
  if (!present[0]?.present) return out; // before the migration that creates it
  const { rows } = await db.query<{
    migration_name: string;
    relation: string;
    kind: string;
    with_data: boolean | null;
    rebuilt_at: Date;
  }>(`select migration_name, relation, kind, with_data, rebuilt_at from log.migration_rebuild`);
  if (!rows.length) return out;
  // Which MVs read each rebuilt relation, through views and MVs, from the catalog as it is now.
  const { rows: pairs } = await db.query<{ relation: string; mv: string }>(
    `with recursive src as (
       select r as relation, to_regclass(format('%I.%I', split_part(r, '.', 1), split_part(r, '.', 2))) as oid
         from unnest($1::text[]) r
     ), readers(relation, oid) as (
       select s.relation, rw.ev_class from src s
         join pg_depend d on d.refclassid = 'pg_class'::regclass and d.refobjid = s.oid and d.classid = 'pg_rewrite'::regclass
         join pg_rewrite rw on rw.oid = d.objid and rw.ev_class <> s.oid
       union
       select r.relation, rw.ev_class from readers r
         join pg_depend d on d.refclassid = 'pg_class'::regclass and d.refobjid = r.oid and d.classid = 'pg_rewrite'::regclass
         join pg_rewrite rw on rw.oid = d.objid and rw.ev_class <> r.oid
     )
     select distinct r.relation, n.nspname || '.' || c.relname as mv
       from readers r join pg_class c on c.oid = r.oid and c.relkind = 'm' join pg_namespace n on n.oid = c.relnamespace
      where ${notSwapSchema('n')}`,
    [[...new Set(rows.map((r) => r.relation))]],
  );
  const readersOf = new Map<string, string[]>();
  for (const p of pairs) readersOf.set(p.relation, [...(readersOf.get(p.relation) ?? []), p.mv]);
  const perMv = new Map<string, { name: string; at: Date; filled: boolean }[]>();
  const byMigration = new Map<string, typeof rows>();
  for (const r of rows) byMigration.set(r.migration_name, [...(byMigration.get(r.migration_name) ?? []), r]);
  for (const [name, rebuilt] of byMigration) {
    const hits = new Map<string, { at: Date; emptyInput: boolean; filled: boolean }>();
    const hit = (mv: string, at: Date, patch: { emptyInput?: boolean; filled?: boolean }) => {
      const h = hits.get(mv) ?? { at, emptyInput: false, filled: false };
      if (at > h.at) h.at = at;
      h.emptyInput ||= patch.emptyInput ?? false;
      h.filled ||= patch.filled ?? false;
      hits.set(mv, h);
    };
    for (const r of rebuilt) {
      if (r.kind === 'mv') {
        if (r.with_data) hit(r.relation, r.rebuilt_at, { filled: true });
        else hit(r.relation, r.rebuilt_at, {});
      }
      for (const mv of readersOf.get(r.relation) ?? [])
        hit(mv, r.rebuilt_at, { emptyInput: r.kind === 'mv' && r.with_data === false });
    }
    for (const [mv, h] of hits) {
      const list = perMv.get(mv) ?? [];
      list.push({ name, at: h.at, filled: h.filled && !h.emptyInput });
      perMv.set(mv, list);
    }
  }
  // An MV a migration created WITH DATA was filled from its inputs then: only later migrations count.
  for (const [mv, list] of perMv) {
    const filledAt = Math.max(-Infinity, ...list.filter((m) => m.filled).map((m) => m.at.getTime()));
    for (const m of list) {
      if (m.filled || m.at.getTime() <= filledAt) continue;
      const prev = out.get(mv);
      if (!prev || m.at > prev.at) out.set(mv, { csv_type: null, what: `migration:${m.name}`, at: m.at });
    }
  }
  return out;
}

/**
 * Staleness of every MV: C is the latest `finished_at` of a successful upload (a confirmed held
 * upload finishes as one) or `reverted_at` of a revert, over the csv_types that feed the MV; R is
 * the MV's latest successful refresh. Staleness is 0 when R started after C, else now − C.
 * A migration that rebuilt the MV or an input of it is a change too (migrationChanges).
 * `now` is the database's clock, like the timestamps compared with it.
 * @example const s = await mvStaleness(pool); s.get('mart.mv_receive_daily')?.stalenessSeconds
 */
export async function mvStaleness(db: Queryable, options: StalenessOptions = {}): Promise<Map<string, MvStaleness>> {
  const graph = options.graph ?? (await loadGraph(db));
  const settings = { ...MV_SETTINGS, ...options.settings };
  const defaultTargetMs = options.defaultTargetMs ?? configFromEnv().freshnessTargetMs;
  const changes = await lastUploadChanges(db);
  const byType = new Map(changes.map((r) => [r.csv_type, r]));
  const byMigration = await migrationChanges(db);
  const refreshed = await db.query<{ mv_name: string; started_at: Date; now: Date }>(
    `select mv_name, max(started_at) as started_at from log.mv_refresh_log where outcome = 'refreshed' group by mv_name`,
  );
  const lastOk = new Map(refreshed.rows.map((r) => [r.mv_name, r.started_at]));
  const now = (await db.query<{ now: Date }>(`select clock_timestamp() as now`)).rows[0]!.now.getTime();
  const feeds = csvTypesByMv(graph, options.mapping);
  const out = new Map<string, MvStaleness>();
  for (const mv of graph.nodes.keys()) {
    let change: Change | undefined = byMigration.get(mv);
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
