#!/usr/bin/env tsx
// pnpm bench:refresh — orchestrated refresh vs psql, parallel vs sequential, reader p99 during
// concurrent vs plain refresh, and the freshness latency of an upload through a real API process.
// Works in a throw-away database on the env's server.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { ident, maskUrl, withClient, withDatabase } from '@warehouse/db';
import { libpqConnection, parseConnection, resolveDatabase } from '@warehouse/env';
import { migrate } from '@warehouse/migrate';
import { seedReferenceData } from '@warehouse/demo/seed';
import { CliError, defineCommand, envFlag, info, runCommand } from '@warehouse/command';
import {
  createLogger,
  loadGraph,
  quoteName,
  refreshAll,
  refresh,
  topoOrder,
  type RefreshResult,
} from '../src/index.ts';
import { formatFreshness, measureFreshness } from './freshness.ts';
import { formatIncremental, measureScale, ROWS_1X, type IncrementalFigures } from './incremental.ts';

const run = promisify(execFile);
const logger = createLogger({ level: 'warn' });

await runCommand(
  defineCommand({
    name: 'pnpm bench:refresh',
    summary: 'benchmark the MV refresh: overhead vs psql, parallel vs sequential, reader latency',
    description:
      "Creates a database bench_refresh_<random> on the env's server, migrates it, fills ref.calendar and\n" +
      'stg.shogun_final_receive (--rows, set-based) plus stg.shogun_final_shipment (rows / 5), then prints ratios\n' +
      'measured in this run. The database is dropped at the end unless --keep.',
    flags: {
      env: envFlag,
      rows: { type: 'string', default: '5000000', placeholder: 'N', description: 'receive rows to generate' },
      reps: {
        type: 'string',
        default: '2',
        placeholder: 'N',
        description: 'repetitions per measured side (median is printed)',
      },
      part: {
        type: 'string',
        default: 'all',
        placeholder: 'P',
        description: 'graph (refresh overhead, parallelism, readers), freshness (upload → dashboard), or all',
      },
      'fresh-reps': {
        type: 'string',
        default: '5',
        placeholder: 'N',
        description: 'uploads per debounce setting in the freshness part',
      },
      debounce: {
        type: 'string',
        default: '0,1000',
        placeholder: 'MS,…',
        description: 'MV_REFRESH_DEBOUNCE_MS settings compared in the freshness part (the last is the baseline)',
      },
      keep: { type: 'boolean', description: 'keep the bench database' },
      incremental: {
        type: 'boolean',
        description:
          'only the incremental part: a month file refreshed by its dates vs a whole rebuild vs REFRESH CONCURRENTLY, per --scales',
      },
      scales: {
        type: 'string',
        default: '1,10,50',
        placeholder: 'N,…',
        description: `multiples of the 5-year demo data (${ROWS_1X.toLocaleString('en')} receive rows) for --incremental`,
      },
    },
    examples: [
      'pnpm bench:refresh',
      'pnpm bench:refresh --rows 500000 --reps 2',
      'pnpm bench:refresh --part freshness --rows 285000',
      'pnpm bench:refresh --incremental --scales 1,10,50 --reps 3',
    ],
    async run({ flags }) {
      if (flags.incremental) {
        const scales = flags.scales.split(',').map(Number);
        if (!scales.length || scales.some((s) => !Number.isInteger(s) || s < 1))
          throw new CliError('E_USAGE', `--scales ${flags.scales} must be a comma-separated list of integers ≥ 1`);
        const reps = Number(flags.reps);
        if (!Number.isInteger(reps) || reps < 1)
          throw new CliError('E_USAGE', `--reps ${flags.reps} must be an integer ≥ 1`);
        const db = await resolveDatabase(flags.env, { log: info });
        try {
          const figures: IncrementalFigures[] = [];
          for (const s of scales) {
            figures.push(await measureScale(db.url, s, reps));
            process.stdout.write(`${formatIncremental(figures).join('\n')}\n`);
          }
        } finally {
          await db.release();
        }
        return;
      }
      const rows = Number(flags.rows);
      const reps = Number(flags.reps);
      if (!Number.isInteger(rows) || rows < 1000)
        throw new CliError('E_USAGE', `--rows ${flags.rows} must be an integer ≥ 1000`);
      if (!Number.isInteger(reps) || reps < 1)
        throw new CliError('E_USAGE', `--reps ${flags.reps} must be an integer ≥ 1`);
      const part = flags.part;
      if (!['all', 'graph', 'freshness'].includes(part))
        throw new CliError('E_USAGE', `--part ${part} is not graph, freshness or all`);
      const freshReps = Number(flags['fresh-reps']);
      if (!Number.isInteger(freshReps) || freshReps < 1)
        throw new CliError('E_USAGE', `--fresh-reps ${flags['fresh-reps']} must be an integer ≥ 1`);
      const debounces = flags.debounce.split(',').map(Number);
      if (!debounces.length || debounces.some((d) => !Number.isInteger(d) || d < 0))
        throw new CliError('E_USAGE', `--debounce ${flags.debounce} must be a comma-separated list of integers ≥ 0`);
      const db = await resolveDatabase(flags.env, { log: info });
      info(`${flags.env} → ${maskUrl(db.url)} (${db.sourceDetail})`);
      try {
        const name = `bench_refresh_${randomBytes(3).toString('hex')}`;
        await withClient(db.url, (c) => c.query(`create database ${ident(name)}`));
        const url = withDatabase(db.url, name);
        try {
          await bench(url, rows, reps, { part, freshReps, debounces });
        } finally {
          if (!flags.keep)
            await withClient(db.url, (c) => c.query(`drop database if exists ${ident(name)} with (force)`));
          else info(`kept database ${name}`);
        }
      } finally {
        await db.release();
      }
    },
  }),
);

async function bench(
  url: string,
  rows: number,
  reps: number,
  opts: { part: string; freshReps: number; debounces: number[] },
): Promise<void> {
  const t0 = Date.now();
  const m = await migrate({ url });
  if (m.failed) throw new Error(`migrating the bench database failed at ${m.failed.name}: ${m.failed.error.message}`);
  await withClient(url, async (c) => {
    await seedReferenceData(c, { from: '2020-01-01', to: '2026-12-31' });
    const up = await c.query(`insert into log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status)
      values ('shipment', 'final', 'bench.sql', 'bench', 0, 'success') returning id`);
    const uploadId = Number(up.rows[0].id);
    await loadReceive(c, rows, uploadId);
    await c.query(
      `insert into stg.shogun_final_shipment (slip_date, slip_no, line_no, vendor_cd, vendor_name, item_cd, item_name,
        net_weight_kg, quantity, unit_name, unit_price, amount, sales_rep, upload_file_id, source_line)
      select date '2020-01-01' + (g % 1826)::int, 'S' || (g / 2), (g % 2)::int + 1, 'V' || (g % 50), 'vendor', 'I' || (g % 20), 'item',
        (g % 900 + 100)::numeric, 1, 'kg', 30, (g % 900 + 100) * 30, 'rep ' || (g % 8), $2, (g % 100000)::int
      from generate_series(1, $1::bigint) g`,
      [Math.ceil(rows / 5), uploadId],
    );
    // Vacuum now so autovacuum of the fresh 5M rows does not land inside a measured run.
    await c.query('vacuum (analyze)');
  });
  info(`setup: ${rows.toLocaleString('en')} receive rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    if (opts.part !== 'graph') {
      check(await refreshAll({ pool, logger, trigger: 'bench:warmup' }));
      // A month of what --rows loaded (five years = 60 months): a file of another density would
      // replace far more rows than it brings, and the shrink guard would hold it instead of landing it.
      const fresh = await measureFreshness(url, {
        debounces: opts.debounces,
        reps: opts.freshReps,
        monthRows: Math.round(rows / 60),
        scale: rows / ROWS_1X,
        year: 2024,
      });
      process.stdout.write(
        `rows: ${rows.toLocaleString('en')} receive (${(rows / 285_000).toFixed(1)}× five years of demo data)\n${formatFreshness(fresh).join('\n')}\n`,
      );
      if (opts.part === 'freshness') return;
    }
    // The warm-up refresh populates what is not (plain) and tells the steady-state modes.
    const warm = await refreshAll({ pool, logger, trigger: 'bench:warmup' });
    const graph = await loadGraph(pool);
    const order = topoOrder(graph, new Set(graph.nodes.keys()));
    const modeOf = new Map(warm.results.map((r) => [r.mv, r.mode]));
    // An incremental table has no REFRESH: psql runs the whole rebuild the refresher does (applyFull).
    const statements = order.map((mv) => {
      const t = graph.nodes.get(mv)?.incremental;
      if (!t)
        return `refresh materialized view ${modeOf.get(mv) === 'concurrent' ? 'concurrently ' : ''}${quoteName(mv)}`;
      const [tbl, view, key] = [quoteName(t.name), quoteName(t.queryView), `"${t.key}"`];
      return `begin; select pg_advisory_xact_lock(8204, '${tbl}'::regclass::oid::int);
        create temp table incremental_new on commit drop as select * from ${view};
        create temp table incremental_keys on commit drop as select distinct ${key} as k from (
          (select * from ${tbl} except all select * from incremental_new) union all (select * from incremental_new except all select * from ${tbl})) d;
        delete from ${tbl} where ${key} in (select k from incremental_keys);
        insert into ${tbl} select * from incremental_new where ${key} in (select k from incremental_keys); commit;`;
    });
    info(`graph: ${order.length} MVs; ${warm.results.filter((r) => r.mode === 'concurrent').length} concurrent`);

    // 1. Overhead: orchestrated (sequential, with history and row counts) vs the same REFRESH statements through psql.
    const psqlMs: number[] = [];
    const orchMs: number[] = [];
    // psql gets the connection as a conninfo and the password in its environment, never in argv.
    const tool = libpqConnection(parseConnection(url));
    const viaPsql = async () =>
      psqlMs.push(
        await timed(() =>
          run(
            'psql',
            ['-X', '-q', '-w', '-v', 'ON_ERROR_STOP=1', '-d', tool.conninfo, ...statements.flatMap((s) => ['-c', s])],
            { env: tool.env },
          ),
        ),
      );
    const viaLib = async () =>
      orchMs.push(
        await timed(async () =>
          check(await refreshAll({ pool, logger, trigger: 'bench:seq', config: { concurrency: 1 } })),
        ),
      );
    // Alternate which side goes first (ABBA…) so warm-up and drift do not favour one side.
    for (let i = 0; i < reps; i++) {
      if (i % 2 === 0) {
        await viaPsql();
        await viaLib();
      } else {
        await viaLib();
        await viaPsql();
      }
    }
    // 2. Parallel (2 at a time) vs sequential, the whole graph: the mv_receive_daily chain and mv_shipment_daily are independent branches, and so are mv_receive_daily's five dependants.
    const parMs: number[] = [];
    for (let i = 0; i < reps; i++)
      parMs.push(
        await timed(async () =>
          check(await refreshAll({ pool, logger, trigger: 'bench:par', config: { concurrency: 2 } })),
        ),
      );
    // 3. Reader latency on the dashboard MV while it is refreshed, concurrent vs plain.
    const idle = await readerLatencies(url, async () => new Promise((r) => setTimeout(r, 2000)));
    const conc = await readerLatencies(url, async () => {
      check(await refresh(['mart.mv_receive_daily'], { pool, logger, includeDownstream: false }));
    });
    const plain = await readerLatencies(url, async () => {
      check(await refresh(['mart.mv_receive_daily'], { pool, logger, includeDownstream: false, mode: 'plain' }));
    });

    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const f = (n: number) => `${(n / 1000).toFixed(2)} s`;
    const out = [
      `rows: ${rows.toLocaleString('en')} receive, ${Math.ceil(rows / 5).toLocaleString('en')} shipment; reps ${reps} (medians)`,
      `whole graph, psql one by one:       ${f(med(psqlMs))}`,
      `whole graph, orchestrated (seq):    ${f(med(orchMs))}   overhead ratio ${(med(orchMs) / med(psqlMs)).toFixed(3)} (target ≤ 1.10)`,
      `whole graph, orchestrated (2 par):  ${f(med(parMs))}   parallel/sequential ${(med(parMs) / med(orchMs)).toFixed(3)}`,
      `reader p99, no refresh:             ${idle.p99.toFixed(1)} ms (p50 ${idle.p50.toFixed(1)}, n ${idle.n})`,
      `reader p99, during CONCURRENTLY:    ${conc.p99.toFixed(1)} ms (p50 ${conc.p50.toFixed(1)}, max ${conc.max.toFixed(0)}, n ${conc.n})`,
      `reader p99, during plain refresh:   ${plain.p99.toFixed(1)} ms (p50 ${plain.p50.toFixed(1)}, max ${plain.max.toFixed(0)}, n ${plain.n})`,
      `reader p99 ratio plain/concurrent:  ${(plain.p99 / conc.p99).toFixed(1)}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await pool.end();
  }
}

/** loadScaledReceive from @warehouse/demo when present; otherwise a set-based generate_series fill. */
async function loadReceive(c: pg.Client, rows: number, uploadId: number): Promise<void> {
  const specifier = '@warehouse/demo'; // by variable: the demo module may not exist in every checkout
  const demo = (await import(specifier).catch(() => null)) as {
    loadScaledReceive?: (
      c: pg.ClientBase,
      o: { rows: number; flavour: 'final'; truncate: boolean },
    ) => Promise<unknown>;
  } | null;
  if (demo?.loadScaledReceive) {
    await demo.loadScaledReceive(c, { rows, flavour: 'final', truncate: true });
    return;
  }
  await c.query(
    `insert into stg.shogun_final_receive (slip_date, slip_no, line_no, vendor_cd, vendor_name, item_cd, item_name,
      net_weight_kg, quantity, unit_name, unit_price, amount, upload_file_id, source_line)
    select date '2020-01-01' + (g % 1826)::int, 'R' || (g / 3), (g % 3)::int + 1, 'V' || (g % 200), 'vendor', 'I' || (g % 30), 'item',
      (g % 4000 + 50)::numeric, 1, 'kg', 15, (g % 4000 + 50) * 15, $2, (g % 100000)::int
    from generate_series(1, $1::bigint) g`,
    [rows, uploadId],
  );
}

function check(r: RefreshResult): RefreshResult {
  if (r.outcome !== 'ok')
    throw new Error(
      `refresh ${r.trigger} was ${r.outcome}: ${r.results
        .filter((x) => x.error)
        .map((x) => `${x.mv}: ${x.error}`)
        .join('; ')}`,
    );
  return r;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** A dashboard query in a loop on its own connection while `during` runs; latency percentiles in ms. */
async function readerLatencies(url: string, during: () => Promise<void>) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const samples: number[] = [];
  let stop = false;
  const loop = (async () => {
    let week = 1;
    while (!stop) {
      const t = performance.now();
      await client.query(
        'select ddate, receive_net_ton, slip_count from mart.mv_receive_daily where iso_year = $1 and iso_week = $2 order by ddate',
        [2023, week],
      );
      samples.push(performance.now() - t);
      week = (week % 52) + 1;
    }
  })();
  try {
    await during();
  } finally {
    stop = true;
    await loop;
    await client.end();
  }
  const s = samples.sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, p50: p(0.5), p99: p(0.99), max: s[s.length - 1] ?? NaN };
}
