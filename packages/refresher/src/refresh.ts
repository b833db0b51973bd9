import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import { createLogger } from './logger.ts';
import { Registry } from 'prom-client';
import { configFromEnv, type RefresherConfig } from './config.ts';
import { RefresherError, errorText, isTransient } from './errors.ts';
import { loadGraph, normalizeName, topoOrder, withDownstream, type MvGraph } from './graph.ts';
import { assertLogTable, logAttemptEnd, logAttemptStart, logSkipped } from './history.ts';
import { applyFull, applyKeys, touchedKeys, uploadIdsOf, type IncrementalTable, type Strategy } from './incremental.ts';
import { MV_MAPPING, MV_SETTINGS, type CsvType, type MvMapping, type MvSettings } from './mapping.ts';
import { refreshMetrics, type RefreshMetrics } from './metrics.ts';
import { chooseMode, quoteName } from './mode.ts';
import type { Clock, MvResult, Outcome, RefreshMode, RefreshOptions, RefreshResult } from './types.ts';

export const systemClock: Clock = { now: () => Date.now(), sleep: (ms) => delay(ms).then(() => undefined) };

interface Root {
  mv: string;
  critical: boolean;
}

interface Ctx {
  pool: pg.Pool;
  logger: Logger;
  clock: Clock;
  random: () => number;
  metrics: RefreshMetrics;
  config: RefresherConfig;
  settings: Readonly<Record<string, MvSettings>>;
  trigger: string;
  runId: string;
  forcePlain: boolean;
  countRows: boolean;
  /** Rebuild incremental tables whole, whatever the trigger (`mv:refresh --full`). */
  full: boolean;
  /** Incremental tables of the graph, by name. */
  incremental: Map<string, IncrementalTable>;
}

let defaultLogger: Logger | undefined;
const defaultRegistry = new Registry();

/**
 * Refresh the MVs an upload of `csvType` affects (the mapping's roots and everything downstream).
 * The kind is the contract's type: callers parse outside input once, at their boundary
 * (`isCsvType` from @warehouse/db/kinds: the CLI's flag, the worker's payload, the API's body).
 * @example const r = await refreshForCsvType('receive', { pool, trigger: 'upload:42' });
 */
export async function refreshForCsvType(csvType: CsvType, options: RefreshOptions = {}): Promise<RefreshResult> {
  const mapping: MvMapping = options.mapping ?? MV_MAPPING;
  const roots = (mapping[csvType] ?? []).map((m) => ({ mv: normalizeName(m.mv), critical: m.critical }));
  return run(roots, { trigger: `csv:${csvType}`, ...options });
}

/**
 * Refresh the named MVs (`mart.mv_x` or `mv_x` for mart) and, by default, everything downstream.
 * @example await refresh(['mart.mv_receive_daily'], { url, trigger: 'cli' });
 */
export async function refresh(names: readonly string[], options: RefreshOptions = {}): Promise<RefreshResult> {
  const critical = options.critical ?? true;
  return run(
    names.map((n) => ({ mv: normalizeName(n), critical })),
    { trigger: 'manual', ...options },
  );
}

/** Refresh every MV of the database in dependency order. */
export async function refreshAll(options: RefreshOptions = {}): Promise<RefreshResult> {
  return run('all', { trigger: 'all', ...options });
}

/** Refresh the given roots (and downstream); used by the worker task for coalesced requests. */
export async function refreshRoots(requested: Root[] | 'all', options: RefreshOptions): Promise<RefreshResult> {
  return run(requested, options);
}

async function run(requested: Root[] | 'all', options: RefreshOptions): Promise<RefreshResult> {
  // MV_REFRESH_* reach every process that refreshes (API, worker, CLI) unless the caller overrides them.
  const config = { ...configFromEnv(), ...options.config };
  const ownPool = !options.pool;
  if (ownPool && !options.url)
    throw new RefresherError(
      'E_BAD_CONFIG',
      'refresh needs options.pool or options.url; pass one (e.g. from resolveDatabase(env).url)',
    );
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? config.concurrency,
      application_name: 'warehouse-refresher',
    });
  if (ownPool) pool.on('error', () => {});
  const settings = { ...MV_SETTINGS, ...options.settings };
  const ctx: Ctx = {
    pool,
    logger: options.logger ?? (defaultLogger ??= createLogger()),
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    metrics: refreshMetrics(options.registry ?? defaultRegistry),
    config,
    settings,
    trigger: options.trigger ?? 'manual',
    runId: randomUUID(),
    forcePlain: options.mode === 'plain',
    countRows: options.countRows ?? true,
    full: options.full ?? false,
    incremental: new Map(),
  };
  try {
    await assertLogTable(pool);
    const graph = await loadGraph(pool);
    for (const n of graph.nodes.values()) if (n.incremental) ctx.incremental.set(n.name, n.incremental);
    const roots: Root[] =
      requested === 'all'
        ? [...graph.nodes.keys()].map((mv) => ({ mv, critical: settings[mv]?.critical ?? false }))
        : requested;
    const results: MvResult[] = [];
    const known = roots.filter((r) => graph.nodes.has(r.mv));
    for (const r of roots.filter((r) => !graph.nodes.has(r.mv))) {
      results.push({
        mv: r.mv,
        mode: 'plain',
        status: 'failed',
        ms: 0,
        attempts: 0,
        critical: r.critical,
        error: `${r.mv} is not a materialized view in this database; check the name (pnpm mv:status lists them) or apply the migration that creates it (pnpm db:migrate)`,
      });
    }
    const critical = new Map<string, boolean>();
    for (const r of known) critical.set(r.mv, (critical.get(r.mv) ?? false) || r.critical);
    const selected =
      options.includeDownstream === false
        ? new Set(known.map((r) => r.mv))
        : withDownstream(
            graph,
            known.map((r) => r.mv),
          );
    for (const mv of selected) if (!critical.has(mv)) critical.set(mv, settings[mv]?.critical ?? false);
    ctx.logger.info({ runId: ctx.runId, trigger: ctx.trigger, mvs: [...selected] }, 'mv refresh run started');
    results.push(...(await schedule(ctx, graph, selected, critical)));
    const result: RefreshResult = { runId: ctx.runId, trigger: ctx.trigger, results, outcome: outcomeOf(results) };
    ctx.logger[result.outcome === 'ok' ? 'info' : 'error'](
      {
        runId: ctx.runId,
        outcome: result.outcome,
        failed: results.filter((r) => r.status !== 'refreshed').map((r) => r.mv),
      },
      'mv refresh run finished',
    );
    return result;
  } finally {
    if (ownPool) await pool.end();
  }
}

/** failed: a critical MV failed or was skipped; degraded: an optional one; ok otherwise. */
export function outcomeOf(results: MvResult[]): Outcome {
  if (results.some((r) => r.critical && r.status !== 'refreshed')) return 'failed';
  if (results.some((r) => r.status !== 'refreshed')) return 'degraded';
  return 'ok';
}

/** Run the selected MVs in dependency order, independent branches in parallel up to the limit. */
async function schedule(
  ctx: Ctx,
  graph: MvGraph,
  selected: Set<string>,
  critical: Map<string, boolean>,
): Promise<MvResult[]> {
  const order = topoOrder(graph, selected);
  // Among MVs ready to start, critical ones first (stable: topological order otherwise), so a
  // dashboard MV does not queue behind slow optional ones that share its upstream.
  const startOrder = [...order].sort((a, b) => Number(critical.get(b)) - Number(critical.get(a)));
  const done = new Map<string, MvResult>();
  const pending = new Set(order);
  const skipLogs: Promise<void>[] = [];
  const limit = Math.max(1, ctx.config.concurrency);
  await new Promise<void>((resolve, reject) => {
    let active = 0;
    const pump = () => {
      for (const mv of startOrder) {
        if (!pending.has(mv)) continue;
        const ups = (graph.nodes.get(mv)?.upstream ?? []).filter((u) => selected.has(u));
        const broken = ups.find((u) => done.has(u) && done.get(u)!.status !== 'refreshed');
        if (broken) {
          pending.delete(mv);
          const reason = `upstream ${broken} ${done.get(broken)!.status}`;
          const mode: RefreshMode = chooseMode(graph.nodes.get(mv)!, ctx.forcePlain).mode;
          done.set(mv, { mv, mode, status: 'skipped', ms: 0, attempts: 0, critical: critical.get(mv)!, reason });
          ctx.logger.warn({ runId: ctx.runId, mv, reason }, 'mv refresh skipped');
          skipLogs.push(
            logSkipped(ctx.pool, {
              mv,
              trigger: ctx.trigger,
              runId: ctx.runId,
              startedAt: new Date(ctx.clock.now()),
              mode,
              reason,
            }).catch(() => {}),
          );
          continue;
        }
        if (active >= limit || !ups.every((u) => done.get(u)?.status === 'refreshed')) continue;
        pending.delete(mv);
        active++;
        refreshOne(ctx, mv, critical.get(mv)!).then((r) => {
          done.set(mv, r);
          active--;
          pump();
        }, reject);
      }
      if (pending.size === 0 && active === 0) resolve();
    };
    pump();
  });
  await Promise.all(skipLogs);
  return order.map((mv) => done.get(mv)!);
}

async function refreshOne(ctx: Ctx, mv: string, critical: boolean): Promise<MvResult> {
  const { config, clock, logger, metrics } = ctx;
  const s = ctx.settings[mv] ?? {};
  const lockTimeoutMs = s.lockTimeoutMs ?? config.lockTimeoutMs;
  const statementTimeoutMs = s.statementTimeoutMs ?? config.statementTimeoutMs;
  const started = clock.now();
  let mode: RefreshMode = 'plain';
  let reason: string | undefined;
  let strategy: Strategy = 'full';
  let keys: string[] | null = null;
  let keyCount: number | null = null;
  let lastError: unknown;
  let attempt: number;
  for (attempt = 1; attempt <= config.maxAttempts; attempt++) {
    let client: pg.PoolClient | undefined;
    let broken: Error | undefined;
    let logId: string | undefined;
    const attemptStart = clock.now();
    try {
      client = await ctx.pool.connect();
      const inc = ctx.incremental.get(mv);
      if (inc) {
        // Upload/revert/confirm runs recompute the dates those uploads touched; anything else
        // (nightly, manual, --full, an unknown upload) rebuilds whole.
        const ids = ctx.full ? null : uploadIdsOf(ctx.trigger);
        keys = ids ? await touchedKeys(client, ids) : null;
        strategy = keys ? 'incremental' : 'full';
        mode = 'concurrent';
        reason = keys
          ? `incremental table: ${keys.length} key(s) touched by ${ctx.trigger} recomputed (delete + insert in one transaction)`
          : `incremental table rebuilt whole (${ctx.full ? 'full requested' : ids ? 'an upload of the trigger is unknown' : `trigger ${ctx.trigger}`}); only differing keys are written`;
      } else {
        // Mode is read just before the refresh: the MV may have been populated or indexed since.
        const { rows } = await client.query(
          `select c.relispopulated as populated,
             exists (select 1 from pg_index x where x.indrelid = c.oid and x.indisunique and x.indisvalid
                     and x.indpred is null and x.indexprs is null) as has_unique
           from pg_class c where c.oid = to_regclass($1)`,
          [quoteName(mv)],
        );
        if (!rows[0])
          throw Object.assign(new Error(`${mv} no longer exists (dropped during the run)`), { code: '42P01' });
        ({ mode, reason } = chooseMode(
          { populated: rows[0].populated, uniqueIndex: rows[0].has_unique ? 'yes' : null },
          ctx.forcePlain,
        ));
        strategy = 'full';
      }
      logId = await logAttemptStart(client, {
        mv,
        trigger: ctx.trigger,
        runId: ctx.runId,
        mode,
        modeReason: reason,
        attempt,
        startedAt: new Date(attemptStart),
        strategy,
      });
      await client.query('begin');
      await client.query(`select set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)`, [
        `${lockTimeoutMs}ms`,
        `${statementTimeoutMs}ms`,
      ]);
      if (inc) keyCount = keys ? await applyKeys(client, inc, keys) : (await applyFull(client, inc)).length;
      else
        await client.query(`refresh materialized view ${mode === 'concurrent' ? 'concurrently ' : ''}${quoteName(mv)}`);
      const rowCount = ctx.countRows
        ? Number((await client.query(`select count(*)::bigint as n from ${quoteName(mv)}`)).rows[0].n)
        : null;
      await client.query('commit');
      const finished = clock.now();
      await logAttemptEnd(client, logId, {
        outcome: 'refreshed',
        finishedAt: new Date(finished),
        rowCount,
        durationMs: finished - attemptStart,
        keyCount,
      });
      const ms = finished - started;
      metrics.duration.observe({ mv, mode, strategy, outcome: 'refreshed' }, ms / 1000);
      metrics.lastSuccess.set({ mv }, finished / 1000);
      const fields = { runId: ctx.runId, mv, mode, strategy, keyCount, reason, ms, attempts: attempt, rowCount };
      if (ms > config.slowThresholdMs)
        logger.warn({ ...fields, thresholdMs: config.slowThresholdMs }, 'mv refresh slower than threshold');
      else logger.info(fields, 'mv refreshed');
      return { mv, mode, status: 'refreshed', ms, attempts: attempt, critical, reason, rowCount, strategy, keyCount };
    } catch (error) {
      lastError = error;
      if (client) await client.query('rollback').catch((e: Error) => (broken = e));
      if (logId) {
        const end = {
          outcome: 'failed' as const,
          finishedAt: new Date(clock.now()),
          error: errorText(error),
          durationMs: clock.now() - attemptStart,
        };
        await logAttemptEnd(broken || !client ? ctx.pool : client, logId, end).catch((e) =>
          logger.error({ mv, err: e }, 'could not write refresh history'),
        );
      }
    } finally {
      client?.release(broken);
    }
    const transient = isTransient(lastError);
    if (!transient || attempt >= config.maxAttempts) break;
    const wait = backoff(config, attempt, ctx.random);
    metrics.retries.inc({ mv });
    logger.warn(
      { runId: ctx.runId, mv, attempt, waitMs: Math.round(wait), err: errorText(lastError) },
      'mv refresh attempt failed, retrying',
    );
    await clock.sleep(wait);
  }
  const ms = clock.now() - started;
  const attempts = Math.min(attempt, config.maxAttempts);
  metrics.duration.observe({ mv, mode, strategy, outcome: 'failed' }, ms / 1000);
  metrics.failures.inc({ mv, mode });
  logger.error({ runId: ctx.runId, mv, mode, attempts, critical, err: errorText(lastError) }, 'mv refresh failed');
  return { mv, mode, status: 'failed', ms, attempts, critical, reason, error: errorText(lastError), strategy };
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoff(
  config: Pick<RefresherConfig, 'backoffBaseMs' | 'backoffMaxMs'>,
  attempt: number,
  random: () => number,
): number {
  const exp = Math.min(config.backoffMaxMs, config.backoffBaseMs * 2 ** (attempt - 1));
  return exp / 2 + random() * (exp / 2);
}
