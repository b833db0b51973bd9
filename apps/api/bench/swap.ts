#!/usr/bin/env tsx
/**
 * pnpm bench:swap — deploy a change of mart.mv_receive_daily's query (an incremental table read by
 * the receive dashboards, with eight dependants) while the dashboards are read through the HTTP API
 * (the real Fastify app, listening on 127.0.0.1 in this process), at 1×, 10×, 50× (…) of the
 * five-year demo data (1× = 285 000 final receive rows), in both forms the generator writes:
 * `in-transaction` (drop + recreate WITH DATA inside the migration: the baseline) and `swap`
 * (expand/fill/swap), each on a fresh copy of the same populated database, on one throw-away
 * PostgreSQL, in the same run. Per scale and form it prints: reads failed (non-200 or an empty
 * answer), reads' p50/p99 before and during the deploy and the p99 ratio, the longest ACCESS
 * EXCLUSIVE lock the deploy held on a relation of schema mart (what the dashboards read; sampled from
 * pg_locks every --sample-ms, so exact to that), the runner's own figures (MigrateResult.longestLock,
 * the swap's transaction) and the deploy's total time. Nothing fails on time: a shared machine is
 * noisy; compare the two forms' rows of one scale.
 *
 * Options: --scales 1,10 (× five years of demo data), --readers 4, --baseline-ms 3000, --sample-ms 10.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { DEFAULT_CATALOG_DIR, readState, topoOrder } from '@warehouse/migrate/catalog';
import { loadScaledReceive } from '@warehouse/demo';
import { DEFAULT_SCHEMA_PATH, newMigration } from '@warehouse/migrate/engine';
import { DEFAULT_MIGRATIONS_DIR, migrate, type MigrateResult } from '@warehouse/migrate';
import { ident, withClient, withDatabase } from '@warehouse/db/pg';
import { seedReference } from '@warehouse/demo/seed';
import { startTestServer } from '@warehouse/migrate/testing';
import { build } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const { values: flags } = parseArgs({
  options: {
    scales: { type: 'string', default: '1,10' },
    readers: { type: 'string', default: '4' },
    'baseline-ms': { type: 'string', default: '3000' },
    'sample-ms': { type: 'string', default: '10' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  console.log(`pnpm bench:swap [--scales 1,10,50] [--readers 4] [--baseline-ms 3000] [--sample-ms 10]

  --scales       multiples of the five-year demo data (1× = 285,000 receive rows), comma-separated
  --readers      concurrent HTTP readers of the dashboards
  --baseline-ms  how long they read before the deploy starts (the "before" figures)
  --sample-ms    how often pg_locks is sampled for the deploy's ACCESS EXCLUSIVE locks on mart`);
  process.exit(0);
}
const SCALES = flags.scales.split(',').map(Number);
const READERS = Number(flags.readers);
const BASELINE_MS = Number(flags['baseline-ms']);
const SAMPLE_MS = Number(flags['sample-ms']);
if (SCALES.some((s) => !(s > 0)) || !(READERS >= 1) || !(BASELINE_MS >= 100) || !(SAMPLE_MS >= 1)) {
  console.error('--scales must be positive numbers, --readers ≥ 1, --baseline-ms ≥ 100, --sample-ms ≥ 1');
  process.exit(1);
}
const ONE_X = 285_000;
const APP_NAME = 'bench-swap-deploy';

/** The dashboards' requests (apps/api routes) with dates inside the demo data, and what an answer must hold. */
const READS: { path: string; rows: (b: Record<string, unknown[]>) => number }[] = [
  { path: '/inbound/daily?from=2024-03-01&to=2024-03-31', rows: (b) => b.days!.length },
  { path: '/dashboard/weekly?from=2024-01-01&to=2024-06-30', rows: (b) => b.weeks!.length },
  { path: '/dashboard/month?month=2024-03', rows: (b) => b.days!.length },
  { path: '/dashboard/monthly?from=2023-01-01&to=2024-06-30', rows: (b) => b.months!.length },
  { path: '/dashboard/profile?year=2024', rows: (b) => b.weeks!.length },
];

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

function startReaders(base: string, n: number) {
  const samples: { at: number; ms: number; ok: boolean; error?: string }[] = [];
  let stop = false;
  const loops = Array.from({ length: n }, async (_, k) => {
    let i = k;
    while (!stop) {
      const r = READS[i++ % READS.length]!;
      const t0 = performance.now();
      try {
        const res = await fetch(`${base}${r.path}`);
        const body = (await res.json()) as Record<string, unknown[]>;
        const ms = performance.now() - t0;
        const error = !res.ok
          ? `${res.status} ${JSON.stringify(body).slice(0, 120)}`
          : r.rows(body)
            ? undefined
            : 'empty';
        samples.push({ at: t0, ms, ok: !error, error: error && `${r.path.split('?')[0]}: ${error}` });
      } catch (e) {
        samples.push({ at: t0, ms: performance.now() - t0, ok: false, error: (e as Error).message });
      }
    }
  });
  return {
    samples,
    stop: async () => {
      stop = true;
      await Promise.all(loops);
    },
  };
}

/**
 * The longest ACCESS EXCLUSIVE lock the deploy's connection held on a relation of schema mart:
 * pg_locks sampled every SAMPLE_MS; a lock is one (transaction, relation) seen in consecutive samples.
 */
function startLockSampler(url: string) {
  const seen = new Map<string, { first: number; last: number; rel: string }>();
  let stop = false;
  const loop = (async () => {
    const c = new pg.Client({ connectionString: url, application_name: 'bench-swap-sampler' });
    await c.connect();
    try {
      while (!stop) {
        const now = performance.now();
        const { rows } = await c.query<{ tx: string; rel: string }>(
          `select l.virtualtransaction || '/' || l.relation as tx, n.nspname || '.' || cl.relname as rel
             from pg_locks l join pg_stat_activity a on a.pid = l.pid
             join pg_class cl on cl.oid = l.relation join pg_namespace n on n.oid = cl.relnamespace
            where a.application_name = $1 and l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'
              and l.granted and n.nspname = 'mart' and cl.relkind in ('r', 'v', 'm')`,
          [APP_NAME],
        );
        for (const r of rows) {
          const s = seen.get(r.tx);
          if (s) s.last = now;
          else seen.set(r.tx, { first: now, last: now, rel: r.rel });
        }
        await new Promise((res) => setTimeout(res, SAMPLE_MS));
      }
    } finally {
      await c.end();
    }
  })();
  return {
    stop: async () => {
      stop = true;
      await loop;
      let best = { ms: 0, rel: '-' };
      for (const s of seen.values()) if (s.last - s.first > best.ms) best = { ms: s.last - s.first, rel: s.rel };
      // Seen once: held less than one sample interval.
      if (seen.size && best.ms === 0) best = { ms: SAMPLE_MS, rel: `${[...seen.values()][0]!.rel} (< 1 sample)` };
      return best;
    },
  };
}

/** Fill the incremental tables from their query views and refresh every MV, in graph order. */
async function populate(url: string): Promise<void> {
  await withClient(url, async (c) => {
    const state = await readState(c, ['mart', 'ref']);
    const order = topoOrder(state.objects.keys(), (n) => state.objects.get(n)!.reads);
    for (const n of order) {
      const o = state.objects.get(n)!;
      if (o.kind === 'table') {
        await c.query(`TRUNCATE ${n}`);
        await c.query(`INSERT INTO ${n} SELECT * FROM ${o.reads[0]}`);
      } else if (o.kind === 'matview') await c.query(`REFRESH MATERIALIZED VIEW ${n}`);
    }
    await c.query('ANALYZE');
  });
}

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const server = await startTestServer();
const admin = server.adminUrl;
const work = mkdtempSync(path.join(os.tmpdir(), 'bench-swap-'));
const lines: string[] = [];
try {
  // One copy of the migrations and catalog per form, each with the generated change of mv_receive_daily.
  const forms = ['in-transaction', 'swap'] as const;
  const dirs: Record<string, string> = {};
  for (const form of forms) {
    const root = path.join(work, form);
    const dir = path.join(root, 'migrations');
    const views = path.join(root, 'views');
    cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    cpSync(DEFAULT_CATALOG_DIR, views, { recursive: true });
    const schema = path.join(root, 'schema.prisma');
    cpSync(DEFAULT_SCHEMA_PATH, schema);
    const file = path.join(views, 'mart', 'mv_receive_daily.sql');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'COALESCE(SUM(w.net_weight_kg), 0) / 1000 AS',
        'COALESCE(SUM(w.net_weight_kg), 0) / 1000.0 AS',
      ),
    );
    const gen = await newMigration({
      url: admin,
      dir,
      schema,
      catalogDir: views,
      name: 'receive change',
      rebuild: form,
    });
    if (!gen.created || gen.plan?.up.mode !== form) throw new Error(`generating the ${form} change failed`);
    console.error(`generated ${form}: ${gen.created} (rebuilds ${gen.plan.up.creates.length} objects)`);
    dirs[form] = dir;
  }
  // The database at head (the change not applied), seeded, with no receive rows yet.
  const base = 'bench_swap_base';
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${ident(base)}`));
  const baseUrl = withDatabase(admin, base);
  const head = await migrate({ url: baseUrl, dir: DEFAULT_MIGRATIONS_DIR });
  if (head.failed) throw head.failed.error;
  await withClient(baseUrl, (c) => seedReference(c));

  lines.push(
    `readers: ${READERS} over HTTP (${READS.map((r) => r.path.split('?')[0]).join(', ')}); locks sampled every ${SAMPLE_MS} ms; load at start ${load()} (${os.cpus().length} cores)`,
    '',
    `| scale | rows | form | reads before | failed | p50 / p99 before (ms) | p50 / p99 during (ms) | p99 during / before | longest ACCESS EXCLUSIVE on mart (ms, sampled) | runner: longest lock / swap tx (ms) | deploy (ms) | load |`,
    `|---|---|---|---|---|---|---|---|---|---|---|---|`,
  );
  for (const scale of SCALES) {
    const rows = Math.round(ONE_X * scale);
    const tpl = `bench_swap_x${String(scale).replace('.', '_')}`;
    await withClient(admin, (c) => c.query(`CREATE DATABASE ${ident(tpl)} TEMPLATE ${ident(base)}`));
    const tplUrl = withDatabase(admin, tpl);
    const t0 = performance.now();
    await withClient(tplUrl, (c) => loadScaledReceive(c, { rows, flavour: 'final', truncate: true }));
    const t1 = performance.now();
    await populate(tplUrl);
    console.error(
      `${scale}×: ${rows.toLocaleString('en')} rows generated in ${((t1 - t0) / 1000).toFixed(1)} s, MVs populated in ${((performance.now() - t1) / 1000).toFixed(1)} s (load ${load()})`,
    );
    for (const form of forms) {
      const name = `${tpl}_${form.replace('-', '_')}`;
      const c0 = performance.now();
      await withClient(admin, (c) => c.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(tpl)}`));
      console.error(`  copied for ${form} in ${((performance.now() - c0) / 1000).toFixed(1)} s`);
      const url = withDatabase(admin, name);
      const pool = new pg.Pool({ connectionString: url, max: Math.max(10, READERS * 2) });
      pool.on('error', () => {});
      const app = await build({
        pool,
        databaseUrl: url,
        // Sign-in off, as bench:web's sections 1-3: the deploy's effect on reads is the measure here.
        config: loadConfig({}, { logLevel: 'silent', webDist: 'off', auth: false }),
        logger: pino({ level: 'silent' }),
      });
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      try {
        for (const r of READS) {
          const res = await fetch(`${address}${r.path}`);
          const body = (await res.json()) as Record<string, unknown[]>;
          if (!res.ok || !r.rows(body))
            throw new Error(`GET ${r.path} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
        }
        const readers = startReaders(address, READERS);
        await new Promise((r) => setTimeout(r, BASELINE_MS));
        const locks = startLockSampler(url);
        const d0 = performance.now();
        const result: MigrateResult = await migrate({ url, dir: dirs[form]!, applicationName: APP_NAME });
        const d1 = performance.now();
        const held = await locks.stop();
        // Reads after the deploy count as "during" until they stop (they may have queued behind it).
        await readers.stop();
        if (result.failed) throw result.failed.error;
        const before = readers.samples.filter((s) => s.at < d0);
        const during = readers.samples.filter((s) => s.at >= d0 && s.at < d1);
        const failed = readers.samples.filter((s) => !s.ok);
        const p = (xs: typeof before, q: number) =>
          pct(
            xs.filter((s) => s.ok).map((s) => s.ms),
            q,
          );
        const ratio = p(during, 99) / p(before, 99);
        lines.push(
          `| ${scale}× | ${rows.toLocaleString('en')} | ${form} | ${before.length} | ${failed.length}${failed.length ? ` (${[...new Set(failed.map((f) => f.error))].slice(0, 2).join('; ')})` : ''} | ${p(before, 50).toFixed(1)} / ${p(before, 99).toFixed(1)} | ${p(during, 50).toFixed(1)} / ${p(during, 99).toFixed(1)} (${during.length} reads) | ${ratio.toFixed(1)}× | ${Math.round(held.ms)} (${held.rel}) | ${result.longestLock ? `${result.longestLock.ms} (${result.longestLock.what})` : '-'} / ${result.swaps.length ? Math.max(...result.swaps.map((x) => x.lockMs)) : '-'} | ${Math.round(d1 - d0)} | ${load()} |`,
        );
        console.error(lines[lines.length - 1]);
      } finally {
        await app.close();
        await pool.end();
        await withClient(admin, (c) => c.query(`DROP DATABASE ${ident(name)} WITH (FORCE)`));
      }
    }
    await withClient(admin, (c) => c.query(`DROP DATABASE ${ident(tpl)} WITH (FORCE)`));
  }
  console.log(lines.join('\n'));
} finally {
  rmSync(work, { recursive: true, force: true });
  await server.stop();
}
