#!/usr/bin/env tsx
/**
 * pnpm bench:history — the history page's reads (GET /uploads: one page of 50 and the total) over
 * 100,000 uploads, through the API over HTTP on a throw-away PostgreSQL: p50 and p95 per kind of
 * page (first, deep, last, each filter, combined), with the indexes the history needs, against a
 * baseline measured in the same run on the same data: the same requests with those indexes
 * dropped. The goal is a page in ≤ 100 ms at p95; nothing here fails on time (a shared machine is
 * noisy) — it prints the figures and the ratio.
 *
 * Options: --uploads N (default 100000), --reps N (requests per page kind, default 60).
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import {
  createMigratedTemplate,
  createTestDatabase,
  insertSyntheticUploads,
  startTestServer,
} from '@warehouse/migrate/testing';
import { uploadsPageSql, type ListFilter } from '@warehouse/db/uploads';
import { build } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

const { values: flags } = parseArgs({
  options: {
    uploads: { type: 'string', default: '100000' },
    reps: { type: 'string', default: '60' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  console.log(`pnpm bench:history [--uploads N] [--reps N]

  --uploads N  uploads inserted into log.upload_file (default 100000)
  --reps N     requests measured per kind of page, after 5 unmeasured (default 60)`);
  process.exit(0);
}
const UPLOADS = Number(flags.uploads);
const REPS = Number(flags.reps);
if (!(UPLOADS >= 1000) || !(REPS >= 5)) {
  console.error('--uploads must be ≥ 1000 and --reps ≥ 5');
  process.exit(1);
}

/**
 * The indexes the history's reads use (migrations 20261207133515_upload_history_indexes and
 * 20261207164240_upload_uploader).
 */
const INDEXES = [
  'upload_file_uploaded_by_id_idx',
  'upload_file_status_id_idx',
  'upload_file_csv_type_flavour_id_idx',
  'upload_file_created_at_idx',
  'upload_file_date_to_date_from_idx',
];

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (v: number) => `${v.toFixed(1).padStart(6)} ms`;

const server = await startTestServer();
const db = await createTestDatabase(server.adminUrl, {
  template: await createMigratedTemplate(server.adminUrl),
  prefix: 'bench_history',
});
const pool = new pg.Pool({ connectionString: db.url, max: 10 });
pool.on('error', () => {});
const app = await build({
  pool,
  databaseUrl: db.url,
  // sign-in off: this measures the history's queries (bench:web measures the cost of a session or key)
  config: loadConfig({}, { logLevel: 'silent', webDist: 'off', auth: false }),
  logger: pino({ level: 'silent' }),
});
try {
  let t0 = performance.now();
  // Ten uploads a day (three kinds, flash and final, resent files): 100,000 is 27 years of them.
  // Uploaded by 25 people in turn; one more made one upload in a thousand (a rare uploader).
  const people = Array.from({ length: 25 }, (_, i) => ({ id: `user-${i}`, name: `担当者 ${i}` }));
  await insertSyntheticUploads(pool, {
    count: UPLOADS,
    start: '2000-01-04T09:00:00+09:00',
    spacingMinutes: 144,
    uploaders: people,
  });
  await pool.query(`UPDATE log.upload_file SET uploaded_by = 'rare', uploaded_by_name = '臨時' WHERE id % 1000 = 7`);
  await pool.query('VACUUM ANALYZE log.upload_file');
  const span = (
    await pool.query<{ first: string; last: string }>(
      `SELECT to_char(min(created_at) AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD') AS first,
              to_char(max(created_at) AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD') AS last FROM log.upload_file`,
    )
  ).rows[0]!;
  console.log(
    `bench:history — ${UPLOADS.toLocaleString('en')} uploads made ${span.first} .. ${span.last} (inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s), ${REPS} requests per page kind\n`,
  );
  const mid = (
    await pool.query<{ d: string }>(
      `SELECT to_char(date_from, 'YYYY-MM') AS d FROM log.upload_file WHERE id >= $1 AND date_from IS NOT NULL ORDER BY id LIMIT 1`,
      [Math.floor(UPLOADS / 2)],
    )
  ).rows[0]!.d;
  const [y, m] = mid.split('-');
  const monthEnd = new Date(Date.UTC(Number(y), Number(m), 0)).toISOString().slice(0, 10);
  const pages: [string, string][] = [
    ['first page', 'limit=50'],
    ['page 1,000 (offset 49,950)', 'limit=50&offset=49950'],
    ['last page', `limit=50&offset=${UPLOADS - 50}`],
    ['status failed', 'status=failed&limit=50'],
    ['status held, page 10', 'status=held&limit=50&offset=450'],
    ['kind yard, final', 'csvType=yard&flavour=final&limit=50'],
    [`data period ${mid}`, `periodFrom=${mid}-01&periodTo=${monthEnd}&limit=50`],
    [`uploaded in ${mid}`, `uploadedFrom=${mid}-01&uploadedTo=${monthEnd}&limit=50`],
    ['file name part "_確定_2013"', `fileName=${encodeURIComponent('_確定_2013')}&limit=50`],
    ['file name part (no match)', `fileName=${encodeURIComponent('見つからない名前')}&limit=50`],
    ['by one of 25 uploaders', 'by=user-7&limit=50'],
    ['by one of 25 uploaders, page 20', 'by=user-7&limit=50&offset=950'],
    ['by a rare uploader (1 in 1,000)', 'by=rare&limit=50'],
    ['by one uploader, kind receive', 'by=user-7&csvType=receive&limit=50'],
    [
      `receive, success, period ${mid}`,
      `csvType=receive&status=success&periodFrom=${mid}-01&periodTo=${monthEnd}&limit=50`,
    ],
  ];
  const address = await app.listen({ host: '127.0.0.1', port: 0 });

  async function measure(): Promise<Map<string, { p50: number; p95: number; total: number }>> {
    const out = new Map<string, { p50: number; p95: number; total: number }>();
    for (const [name, qs] of pages) {
      const times: number[] = [];
      let total = -1;
      for (let i = 0; i < REPS + 5; i++) {
        const t = performance.now();
        const res = await fetch(`${address}/uploads?${qs}`);
        const body = (await res.json()) as { total: number };
        if (!res.ok) throw new Error(`GET /uploads?${qs} answered ${res.status}: ${JSON.stringify(body)}`);
        if (i >= 5) times.push(performance.now() - t);
        total = body.total;
      }
      out.set(name, { p50: pct(times, 0.5), p95: pct(times, 0.95), total });
    }
    return out;
  }

  /**
   * Shared buffers (8 kB pages, hit or read) the page's two statements touch, from EXPLAIN (ANALYZE,
   * BUFFERS): the work the index saves, independent of the machine's load (the times are not).
   */
  async function buffers(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const [name, qs] of pages) {
      const q = Object.fromEntries(new URLSearchParams(qs)) as Record<string, string>;
      const f = { ...q, limit: Number(q.limit ?? 50), offset: Number(q.offset ?? 0) } as ListFilter;
      let n = 0;
      for (const stmt of Object.values(uploadsPageSql(f))) {
        const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: Record<string, number> }] }>(
          `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${stmt.text}`,
          stmt.values,
        );
        const plan = rows[0]!['QUERY PLAN'][0].Plan;
        n += (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
      }
      out.set(name, n);
    }
    return out;
  }

  const have = (
    await pool.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'log' AND indexname = ANY($1)`,
      [INDEXES],
    )
  ).rows;
  const missing = INDEXES.filter((n) => !have.some((h) => h.indexname === n));
  if (missing.length)
    throw new Error(`the migrated database lacks the history's indexes ${missing.join(', ')}; run pnpm db:migrate`);

  t0 = performance.now();
  const withIdx = await measure();
  const withBuf = await buffers();
  for (const h of have) await pool.query(`DROP INDEX log.${h.indexname}`);
  await pool.query('ANALYZE log.upload_file');
  const without = await measure();
  const withoutBuf = await buffers();
  for (const h of have) await pool.query(h.indexdef);
  await pool.query('ANALYZE log.upload_file');

  const w = 34;
  console.log(
    `${'page (50 rows + total)'.padEnd(w)} ${'matches'.padStart(8)}   with indexes p50 / p95     without p50 / p95      p95 ratio   buffers with / without`,
  );
  for (const [name] of pages) {
    const a = withIdx.get(name)!;
    const b = without.get(name)!;
    console.log(
      `${name.padEnd(w)} ${a.total.toLocaleString('en').padStart(8)}   ${ms(a.p50)} / ${ms(a.p95)}   ${ms(b.p50)} / ${ms(b.p95)}   ×${(b.p95 / a.p95).toFixed(1).padEnd(8)} ${String(withBuf.get(name)).padStart(7)} / ${String(withoutBuf.get(name)).padEnd(7)}`,
    );
  }
  const worst = Math.max(...[...withIdx.values()].map((v) => v.p95));
  console.log(
    `\nworst p95 with the indexes: ${worst.toFixed(1)} ms (goal ≤ 100 ms); measured in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
} finally {
  await app.close();
  await pool.end();
  await db.drop();
  await server.stop();
}
