#!/usr/bin/env tsx
/**
 * pnpm bench:swap — deploy a change of mart.mv_receive_daily's query (an incremental table read by
 * the receive dashboards, with eight dependants) while dashboard reads run, at 1×, 10× (…) of the
 * five-year demo data (1× = 285 000 final receive rows), in both forms the generator writes:
 * `in-transaction` (today's: drop + recreate WITH DATA inside the migration) and `swap`
 * (expand/fill/swap), each on a fresh copy of the same populated database, on one throw-away server
 * in the same run. Reads are the dashboards' queries (receive days and weeks, the target card, the
 * five-year averages) sent straight to PostgreSQL by `--readers` connections in a loop (not through
 * the HTTP API). Reported per scale and form: reads failed, reads' p50/p99 before and during the
 * deploy, the longest lock the runner held (MigrateResult.longestLock: a migration's transaction —
 * for swap, the expand's DDL transaction, which takes only ACCESS SHARE on what readers use — or
 * the swap's transaction), the swap's transaction alone, and the deploy's total time.
 *
 * Options: --scales 1,10 (× five years of demo data), --readers 4, --baseline-ms 3000.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEFAULT_CATALOG_DIR } from '../src/catalog/files.ts';
import { readState } from '../src/catalog/state.ts';
import { topoOrder } from '../src/catalog/refs.ts';
import { loadScaledReceive } from '../src/demo/index.ts';
import { DEFAULT_SCHEMA_PATH } from '../src/engine/migrations.ts';
import { newMigration } from '../src/engine/workflow.ts';
import { DEFAULT_MIGRATIONS_DIR } from '../src/migrator/files.ts';
import { migrate, type MigrateResult } from '../src/migrator/index.ts';
import { ident, withClient, withDatabase } from '../src/pg/with.ts';
import { seedReference } from '../src/seed/index.ts';
import { startTestServer } from '../src/testing/index.ts';

const argOf = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
if (process.argv.includes('--help')) {
  console.log('pnpm bench:swap [--scales 1,10] [--readers 4] [--baseline-ms 3000]');
  process.exit(0);
}
const SCALES = argOf('scales', '1,10').split(',').map(Number);
const READERS = Number(argOf('readers', '4'));
const BASELINE_MS = Number(argOf('baseline-ms', '3000'));
const ONE_X = 285_000;

/** The dashboards' reads (apps/api routes), with a date inside the data. */
const READS = [
  `SELECT ddate, receive_net_ton, slip_count FROM mart.mv_receive_daily WHERE ddate BETWEEN DATE '2024-03-01' AND DATE '2024-03-31' ORDER BY ddate`,
  `SELECT * FROM mart.v_receive_weekly WHERE week_start BETWEEN DATE '2024-01-01' AND DATE '2024-06-30' ORDER BY week_start`,
  `SELECT * FROM mart.mv_target_card_per_day WHERE ddate = DATE '2024-03-15'`,
  `SELECT * FROM mart.mv_inb_avg5y_day_biz WHERE iso_week = 11 ORDER BY iso_dow`,
];

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

function startReaders(url: string, n: number) {
  const samples: { at: number; ms: number; ok: boolean; error?: string }[] = [];
  let stop = false;
  const loops = Array.from({ length: n }, async (_, k) => {
    const c = new pg.Client({ connectionString: url, application_name: 'bench-swap-reader' });
    await c.connect();
    let i = k;
    while (!stop) {
      const t0 = performance.now();
      try {
        const r = await c.query(READS[i++ % READS.length]!);
        const ok = r.rows.length > 0;
        samples.push({ at: t0, ms: performance.now() - t0, ok, error: ok ? 'empty result' : undefined });
      } catch (e) {
        samples.push({ at: t0, ms: performance.now() - t0, ok: false, error: (e as Error).message });
      }
    }
    await c.end();
  });
  return {
    samples,
    stop: async () => {
      stop = true;
      await Promise.all(loops);
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
    const t0 = performance.now();
    const gen = await newMigration({
      url: admin,
      dir,
      schema,
      catalogDir: views,
      name: 'receive change',
      rebuild: form,
    });
    if (!gen.created || gen.plan?.up.mode !== form) throw new Error(`generating the ${form} change failed`);
    console.error(
      `generated ${form}: ${gen.created} (${Math.round(performance.now() - t0)} ms; rebuilds ${gen.plan.up.creates.length} objects)`,
    );
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
    `| scale | rows | form | reads before | failed | p50 / p99 before (ms) | p50 / p99 during (ms) | p99 ratio | longest lock held (ms) | swap transaction (ms) | deploy (ms) |`,
    `|---|---|---|---|---|---|---|---|---|---|---|`,
  );
  for (const scale of SCALES) {
    const rows = Math.round(ONE_X * scale);
    const tpl = `bench_swap_x${scale}`;
    await withClient(admin, (c) => c.query(`CREATE DATABASE ${ident(tpl)} TEMPLATE ${ident(base)}`));
    const tplUrl = withDatabase(admin, tpl);
    const t0 = performance.now();
    await withClient(tplUrl, (c) => loadScaledReceive(c, { rows, flavour: 'final', truncate: true }));
    await populate(tplUrl);
    console.error(`${scale}×: ${rows} rows loaded and populated in ${Math.round(performance.now() - t0)} ms`);
    for (const form of forms) {
      const name = `${tpl}_${form.replace('-', '_')}`;
      await withClient(admin, (c) => c.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(tpl)}`));
      const url = withDatabase(admin, name);
      const readers = startReaders(url, READERS);
      await new Promise((r) => setTimeout(r, BASELINE_MS));
      const d0 = performance.now();
      const result: MigrateResult = await migrate({ url, dir: dirs[form]!, applicationName: 'bench-swap' });
      const d1 = performance.now();
      await readers.stop();
      if (result.failed) throw result.failed.error;
      const before = readers.samples.filter((s) => s.at < d0);
      const during = readers.samples.filter((s) => s.at >= d0 && s.at < d1);
      const failed = readers.samples.filter((s) => !s.ok);
      const p = (xs: typeof before, q: number) =>
        pct(
          xs.filter((s) => s.ok).map((s) => s.ms),
          q,
        ).toFixed(1);
      lines.push(
        `| ${scale}× | ${rows.toLocaleString('en')} | ${form} | ${before.length} | ${failed.length}${failed.length ? ` (${[...new Set(failed.map((f) => f.error))].slice(0, 2).join('; ')})` : ''} | ${p(before, 50)} / ${p(before, 99)} | ${p(during, 50)} / ${p(during, 99)} (${during.length} reads) | ${(Number(p(during, 99)) / Number(p(before, 99))).toFixed(1)}× | ${result.longestLock ? `${result.longestLock.ms} (${result.longestLock.what})` : '-'} | ${result.swaps.length ? Math.max(...result.swaps.map((x) => x.lockMs)) : '-'} | ${Math.round(d1 - d0)} |`,
      );
      console.error(lines[lines.length - 1]);
      await withClient(admin, (c) => c.query(`DROP DATABASE ${ident(name)} WITH (FORCE)`));
    }
    await withClient(admin, (c) => c.query(`DROP DATABASE ${ident(tpl)} WITH (FORCE)`));
  }
  console.log(lines.join('\n'));
} finally {
  rmSync(work, { recursive: true, force: true });
  await server.stop();
}
