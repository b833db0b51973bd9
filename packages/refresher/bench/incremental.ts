// pnpm bench:refresh --incremental: a month file's refresh of mart.mv_receive_daily (an incremental
// table), only its dates vs a whole rebuild vs REFRESH … CONCURRENTLY of the same query as an MV,
// at several multiples of the 5-year demo data, each in its own throw-away database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ident, withClient, withDatabase } from '@warehouse/db';
import { loadScaledReceive } from '@warehouse/demo';
import { migrate } from '@warehouse/migrate';
import { seedReferenceData } from '@warehouse/demo/seed';
import { stgColumns } from '@warehouse/db/uploads';
import { info } from '@warehouse/command';
import { createLogger, loadIncrementalTables, refresh, refreshForCsvType, verifyIncremental } from '../src/index.ts';

const logger = createLogger({ level: 'warn' });
const RECEIVE = 'mart.mv_receive_daily';
/** Five years of demo receive rows (57 000 a year) and a month file of today's size. */
export const ROWS_1X = 285_000;
export const MONTH_ROWS = 4750;

export interface IncrementalFigures {
  scale: number;
  rows: number;
  dates: number;
  /** Medians, ms: the table's own refresh (history duration) by dates / whole; the MV's REFRESH statement. */
  incrementalMs: number;
  fullMs: number;
  concurrentlyMs: number;
  /** Wall time of the whole refresh an upload of receive runs (table by its dates + every MV built on it). */
  uploadRefreshMs: number;
  differingKeys: number;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Replace the receive rows of March 2024 with `rows` new ones, as an upload does; returns its id. */
export async function landMonth(c: pg.ClientBase, rows: number, rep: number): Promise<number> {
  await c.query('begin');
  const { rows: up } = await c.query<{ id: string }>(
    `insert into log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status, started_at, finished_at)
     values ('receive', 'final', 'month.csv', 'bench', 0, 'success', now(), now()) returning id`,
  );
  const id = Number(up[0]!.id);
  const range = `slip_date between date '2024-03-01' and date '2024-03-31'`;
  const cols = await stgColumns(c, 'stg.shogun_final_receive');
  await c.query(
    `with moved as (delete from stg.shogun_final_receive where ${range} returning ${cols})
     insert into stg.shogun_final_receive_history (${cols}, superseded_by_upload_id, superseded_at)
       select ${cols}, $1::bigint, now() from moved`,
    [id],
  );
  await c.query(
    `insert into stg.shogun_final_receive (slip_date, slip_no, line_no, vendor_cd, vendor_name, item_cd, item_name,
       net_weight_kg, quantity, unit_name, unit_price, amount, upload_file_id, source_line)
     select date '2024-03-01' + (g % 31)::int, 'M${rep}-' || g, 1, 'V1', 'vendor', 'I1', 'item',
       (g % 3000 + 100 + ${rep})::numeric, 1, 'kg', 15, (g % 3000 + 100) * 15, $1, g::int
     from generate_series(1, $2::int) g`,
    [id, rows],
  );
  await c.query(
    `insert into log.upload_touched_date (upload_file_id, slip_date)
     select $1, d::date from generate_series(date '2024-03-01', date '2024-03-31', interval '1 day') d`,
    [id],
  );
  await c.query('commit');
  return id;
}

/** One scale in a fresh database on the server of `serverUrl`. */
export async function measureScale(serverUrl: string, scale: number, reps: number): Promise<IncrementalFigures> {
  const name = `bench_incr_${randomBytes(3).toString('hex')}`;
  await withClient(serverUrl, (c) => c.query(`create database ${ident(name)}`));
  const url = withDatabase(serverUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    const t0 = Date.now();
    const m = await migrate({ url });
    if (m.failed) throw new Error(`migrating ${name} failed at ${m.failed.name}: ${m.failed.error.message}`);
    const rows = ROWS_1X * scale;
    await withClient(url, async (c) => {
      await seedReferenceData(c, { from: '2020-01-01', to: '2026-12-31' });
      await loadScaledReceive(c, { rows, flavour: 'final', truncate: true });
      // The same query as an ordinary MV: the baseline the issue measured (REFRESH … CONCURRENTLY).
      await c.query(
        `create materialized view public.mv_receive_daily_as_mv as select * from mart.mv_receive_daily__query`,
      );
      await c.query(`create unique index on public.mv_receive_daily_as_mv (ddate)`);
      await c.query('vacuum (analyze)');
    });
    const full = await refresh([RECEIVE], {
      pool,
      logger,
      trigger: 'bench:warmup',
      full: true,
      includeDownstream: false,
    });
    if (full.outcome !== 'ok') throw new Error(`warm-up rebuild failed: ${full.results[0]?.error}`);
    info(`${scale}×: ${rows.toLocaleString('en')} receive rows ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const t = (await loadIncrementalTables(pool)).get(RECEIVE)!;
    const inc: number[] = [];
    const fullMs: number[] = [];
    const conc: number[] = [];
    const upload: number[] = [];
    let differing = 0;
    const client = await pool.connect();
    try {
      for (let i = 0; i < reps; i++) {
        // A month file lands; its refresh by dates, then (same data) the whole rebuild and the MV refresh.
        const id = await landMonth(client, MONTH_ROWS, i);
        // The table's own refresh time as the history records it (keys looked up, delete + insert,
        // history rows written), not the run's graph loading.
        const r = await refresh([RECEIVE], { pool, logger, trigger: `upload:${id}`, includeDownstream: false });
        if (r.results[0]?.strategy !== 'incremental' || r.outcome !== 'ok')
          throw new Error(`expected an incremental refresh, got ${JSON.stringify(r.results[0])}`);
        inc.push(r.results[0].ms);
        const v = await verifyIncremental(pool, t);
        differing += v.differences.length;
        const f = await refresh([RECEIVE], {
          pool,
          logger,
          trigger: 'bench:full',
          full: true,
          includeDownstream: false,
        });
        if (f.outcome !== 'ok') throw new Error(`full rebuild ${f.outcome}: ${f.results[0]?.error}`);
        fullMs.push(f.results[0]!.ms);
        conc.push(
          await timed(() => client.query('refresh materialized view concurrently public.mv_receive_daily_as_mv')),
        );
        const id2 = await landMonth(client, MONTH_ROWS, i + 100);
        upload.push(
          await timed(async () => {
            const r = await refreshForCsvType('receive', { pool, logger, trigger: `upload:${id2}` });
            if (r.outcome !== 'ok') throw new Error(`upload refresh ${r.outcome}`);
          }),
        );
      }
    } finally {
      client.release();
    }
    return {
      scale,
      rows,
      dates: 31,
      incrementalMs: med(inc),
      fullMs: med(fullMs),
      concurrentlyMs: med(conc),
      uploadRefreshMs: med(upload),
      differingKeys: differing,
    };
  } finally {
    await pool.end();
    await withClient(serverUrl, (c) => c.query(`drop database if exists ${ident(name)} with (force)`));
  }
}

export function formatIncremental(rows: IncrementalFigures[]): string[] {
  const f = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);
  const out = [
    `month file (${MONTH_ROWS.toLocaleString('en')} rows, 31 dates) → mart.mv_receive_daily; medians`,
    'scale  receive rows   by dates   whole rebuild   REFRESH CONCURRENTLY (MV)   ratio full/dates   ratio MV/dates   upload refresh (table + dependants)   differing keys',
  ];
  for (const r of rows)
    out.push(
      `${`${r.scale}×`.padEnd(6)} ${r.rows.toLocaleString('en').padStart(12)}   ${f(r.incrementalMs).padStart(8)}   ${f(r.fullMs).padStart(13)}   ${f(r.concurrentlyMs).padStart(25)}   ${(r.fullMs / r.incrementalMs).toFixed(1).padStart(16)}   ${(r.concurrentlyMs / r.incrementalMs).toFixed(1).padStart(14)}   ${f(r.uploadRefreshMs).padStart(35)}   ${r.differingKeys}`,
    );
  return out;
}
