/**
 * `pnpm mv:verify`: each incremental table against its declared query's full result. Reports;
 * with `repair`, rebuilds the tables that differ (and refreshes what reads them) and checks again.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { openIncident, resolveIncident, type AlertOptions } from './alerts.ts';
import { RefresherError } from './errors.ts';
import { normalizeName } from './graph.ts';
import { loadIncrementalTables, verifyIncremental, type VerifyResult } from './incremental.ts';
import { refresh } from './refresh.ts';
import type { RefreshResult } from './types.ts';

export interface VerifyOptions {
  pool?: pg.Pool;
  /** Used when no pool is given (opened and closed here). */
  url?: string;
  /** Rebuild the tables that differ, then verify them again. */
  repair?: boolean;
  logger?: Logger;
  /** Recorded in the refresh history of a repair (default `verify`). */
  trigger?: string;
}

export interface VerifyReport {
  /** True when every table equals its query (after the repair, with `repair`). */
  ok: boolean;
  /** One per table, as found before any repair. */
  results: VerifyResult[];
  /** With `repair` and differences: the rebuild's result and the check after it. */
  repair?: { refresh: RefreshResult; after: VerifyResult[] };
}

/**
 * Verify the named incremental tables (`mart.mv_x` or `mv_x`), or all of them.
 * @example const { ok, results } = await verifyTables('all', { url });
 */
export async function verifyTables(names: readonly string[] | 'all', options: VerifyOptions): Promise<VerifyReport> {
  if (!options.pool && !options.url)
    throw new RefresherError('E_BAD_CONFIG', 'verifyTables needs options.pool or options.url');
  const pool =
    options.pool ?? new pg.Pool({ connectionString: options.url, max: 2, application_name: 'warehouse-verify' });
  try {
    const tables = await loadIncrementalTables(pool);
    const wanted = names === 'all' ? [...tables.keys()] : names.map((n) => normalizeName(n));
    const unknown = wanted.filter((n) => !tables.has(n));
    if (unknown.length) {
      throw new RefresherError(
        'E_NOT_INCREMENTAL',
        `${unknown.join(', ')} ${unknown.length === 1 ? 'is not an incremental table' : 'are not incremental tables'} in this database; known: ${[...tables.keys()].join(', ') || 'none'} (declared by \`-- incremental by COL\` in packages/db/prisma/views; ordinary MVs are refreshed whole and need no check)`,
      );
    }
    const results: VerifyResult[] = [];
    for (const n of wanted) results.push(await verifyIncremental(pool, tables.get(n)!));
    const bad = results.filter((r) => !r.ok).map((r) => r.name);
    if (!options.repair || bad.length === 0) return { ok: bad.length === 0, results };
    const r = await refresh(bad, { pool, full: true, trigger: options.trigger ?? 'verify', logger: options.logger });
    const after: VerifyResult[] = [];
    for (const n of bad) after.push(await verifyIncremental(pool, tables.get(n)!));
    return { ok: r.outcome !== 'failed' && after.every((a) => a.ok), results, repair: { refresh: r, after } };
  } finally {
    if (!options.pool) await pool.end();
  }
}

/**
 * After the nightly full refresh (trigger `schedule`): an incremental table whose full rebuild had
 * to rewrite keys, or that still differs from its query now, drifted from what its incremental
 * refreshes should have kept. Each is an alert (`mv_drift:<table>`, resolved by the next clean
 * night) and, when it still differs, another full rebuild.
 */
export async function nightlyVerify(
  pool: pg.Pool,
  nightly: RefreshResult,
  options: AlertOptions,
): Promise<VerifyReport> {
  const report = await verifyTables('all', { pool, repair: true, trigger: 'schedule:verify', logger: options.logger });
  const rewritten = new Map(
    nightly.results.filter((r) => r.strategy === 'full' && (r.keyCount ?? 0) > 0).map((r) => [r.mv, r.keyCount!]),
  );
  for (const r of report.results) {
    const key = `mv_drift:${r.name}`;
    const after = report.repair?.after.find((a) => a.name === r.name);
    if (r.ok && !rewritten.has(r.name)) {
      await resolveIncident(
        pool,
        key,
        `equal to its declared query after the nightly refresh (run ${nightly.runId})`,
        options,
      );
      continue;
    }
    const found = r.ok
      ? `its nightly full rebuild rewrote ${rewritten.get(r.name)} key(s) that the incremental refreshes had left different`
      : `it differs from its declared query after the nightly full rebuild on ${r.differences.length} key(s) (${r.differences
          .slice(0, 10)
          .map((d) => `${d.key} ${d.kind}`)
          .join(', ')}); rebuilt again: ${after?.ok ? 'now equal' : 'STILL DIFFERENT'}`;
    await openIncident(
      pool,
      {
        key,
        kind: 'mv_drift',
        subject: r.name,
        since: new Date(),
        text: `incremental table ${r.name} drifted: ${found}. Look: pnpm mv:verify ${r.name}, pnpm mv:history ${r.name}`,
        look: `pnpm mv:verify ${r.name}`,
        fields: {
          table: r.name,
          rewrittenKeys: rewritten.get(r.name) ?? 0,
          differences: r.differences.slice(0, 100),
          repaired: after ? after.ok : null,
          runId: nightly.runId,
        },
      },
      options,
    );
  }
  return report;
}
