#!/usr/bin/env tsx
/**
 * pnpm bench:web — the console's weight and speed, and the dashboard reads under load, against
 * baselines measured in the same run on a throw-away PostgreSQL (7 years of synthetic receipts):
 *   1. JavaScript the first page loads (gzip) and the lazy chart chunk;
 *   2. navigation → the dashboard's first chart drawn, in headless Chromium (cold, then warm median);
 *   3. autocannon on GET /dashboard/target-card and GET /inbound/daily at 10 and 50 connections:
 *      the API (as `pnpm start` builds it, LOG_LEVEL=info) vs a bare Fastify + pg route serving
 *      the same SQL, vs pgbench running that SQL directly;
 *   4. the same read signed in (session cookie) and with an API key, against the API with sign-in
 *      off (AUTH=off), both servers on the same database in the same run.
 * Figures print as ratios against the baselines; no thresholds (the machine is shared and noisy).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify, parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { CHROMIUM, launchChromium } from '../scripts/chromium.ts';
import { createMigratedTemplate, createTestDatabase, startTestServer } from '@warehouse/migrate/testing';
import { seedReferenceData } from '@warehouse/demo/seed';
import { refreshAll } from '@warehouse/refresher';
import { loadConfig } from '@warehouse/api/config';
import { startServer } from '@warehouse/api/server';
import { createApiKey, createUser } from '@warehouse/db/accounts';
import { buildConsoleIfStale } from '@warehouse/api/web';

const run = promisify(execFile);
const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    navigations: { type: 'string', default: '5' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  console.log(`pnpm bench:web [--duration S] [--navigations N]

  --duration S     seconds per autocannon / pgbench run (default 10)
  --navigations N  page loads measured after the cold one (default 5)
Needs Debian's chromium (/usr/bin/chromium or CHROMIUM_PATH) and pgbench (postgresql-client).`);
  process.exit(0);
}
const duration = Number(flags.duration);
const navigations = Number(flags.navigations);
if (!(duration >= 1) || !(navigations >= 1)) {
  console.error('--duration and --navigations must be numbers ≥ 1');
  process.exit(1);
}
for (const [what, ok, fix] of [
  ['chromium', existsSync(CHROMIUM), 'apt-get install -y chromium'],
  [
    'pgbench',
    await run('pgbench', ['--version']).then(
      () => true,
      () => false,
    ),
    'apt-get install -y postgresql-client-15',
  ],
] as const) {
  if (!ok) {
    console.error(`bench:web needs ${what}; install it with \`${fix}\``);
    process.exit(1);
  }
}

const web = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(web, 'dist');
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// 1. First-page JavaScript --------------------------------------------------------------------
buildConsoleIfStale(dist, (m) => console.log(m));
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const firstJs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
const gz = (f: string) => gzipSync(readFileSync(path.join(dist, f))).length;
const firstGzip = firstJs.reduce((a, f) => a + gz(f), 0);
const lazy = readdirSync(path.join(dist, 'assets')).filter(
  (f) => f.endsWith('.js') && !firstJs.includes(`/assets/${f}`),
);
console.log(
  `\n1. first page JS: ${firstJs.length} file(s), ${kb(firstGzip)} gzip (goal < 250 KB); lazy: ${lazy.map((f) => `${f} ${kb(gz(`/assets/${f}`))}`).join(', ')}`,
);

// A database with 7 years of receipts -----------------------------------------------------------
const server = await startTestServer();
const db = await createTestDatabase(server.adminUrl, {
  template: await createMigratedTemplate(server.adminUrl),
  prefix: 'bench_web',
});
const setup = new pg.Client({ connectionString: db.url });
await setup.connect();
await seedReferenceData(setup, { from: '2019-01-01', to: '2026-12-31' });
await setup.query(`
  INSERT INTO stg.shogun_final_receive (slip_date, slip_no, line_no, vendor_cd, item_cd, net_weight_kg, amount, upload_file_id, source_line)
  SELECT d::date, 'S' || to_char(d, 'YYYYMMDD') || '-' || n, 1, 'V' || (n % 40), 'A' || (n % 12), 500 + (n * 37 % 900), 6000 + n * 13, 0, n
    FROM generate_series('2019-01-01'::date, '2025-12-31'::date, interval '1 day') d, generate_series(1, 25) n
   WHERE extract(isodow FROM d) < 7`);
await setup.end();
const refreshed = await refreshAll({ url: db.url, trigger: 'bench:web', logger: pino({ level: 'silent' }) });
console.log(`   database: receipts 2019–2025 (25 slips a working day), MVs refreshed (${refreshed.results.length})`);

// Sections 2 and 3 measure the API with sign-in off (as before accounts existed); section 4 compares
// it with a second server on the same database where sign-in is on.
const config = loadConfig(
  {},
  { databaseUrl: db.url, host: '127.0.0.1', port: 0, logLevel: 'info', webDist: dist, auth: false },
);
// Logs go where production logs go (stdout of the process) — here /dev/null, the cost of writing them is kept.
const api = await startServer({
  config,
  worker: false,
  migrate: false,
  logger: pino({ level: 'info' }, pino.destination('/dev/null')),
});
const apiAuth = await startServer({
  config: { ...config, auth: true },
  worker: false,
  migrate: false,
  logger: pino({ level: 'info' }, pino.destination('/dev/null')),
});

// 2. Navigation → chart drawn --------------------------------------------------------------------
const browser = await launchChromium();
const ctx = browser.context;
const times: number[] = [];
for (let i = 0; i <= navigations; i++) {
  const page = await ctx.newPage();
  await page.addInitScript(() => sessionStorage.setItem('dashMonth', '2025-06'));
  await page.goto(`${api.url}/#/dashboard`);
  await page.locator('[data-testid="daily-chart"][data-drawn="true"]').waitFor({ timeout: 60_000 });
  times.push(await page.evaluate(() => performance.getEntriesByName('chart-drawn')[0]!.startTime));
  await page.close();
}
await browser.close();
console.log(
  `2. navigation → first chart drawn: cold ${times[0]!.toFixed(0)} ms, warm median ${median(times.slice(1)).toFixed(0)} ms of ${navigations} (goal < 1000 ms)`,
);

// 3. Dashboard reads under load ------------------------------------------------------------------
const CARD_SQL = `SELECT ddate, target_ton, actual_ton, wtd_target_ton, wtd_actual_ton, mtd_target_ton, mtd_actual_ton, achievement_ratio FROM mart.mv_target_card_per_day WHERE ddate = $1`;
const DAILY_SQL = `SELECT ddate, iso_year, iso_week, receive_net_ton, slip_count, amount_yen FROM mart.mv_receive_daily WHERE ddate >= $1 AND ddate <= $2 ORDER BY ddate`;
const bare = Fastify({ logger: false });
const barePool = new pg.Pool({ connectionString: db.url, max: 10 });
bare.get<{ Querystring: { date: string } }>(
  '/dashboard/target-card',
  async (req) => (await barePool.query(CARD_SQL, [req.query.date])).rows[0],
);
bare.get<{ Querystring: { from: string; to: string } }>('/inbound/daily', async (req) => ({
  days: (await barePool.query(DAILY_SQL, [req.query.from, req.query.to])).rows,
}));
await bare.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

const autocannonBin = path.join(web, 'node_modules', '.bin', 'autocannon');
async function cannon(url: string, connections: number, headers: Record<string, string> = {}) {
  const h = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  const { stdout } = await run(
    autocannonBin,
    ['--json', '-c', String(connections), '-d', String(duration), ...h, url],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const r = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-web-pgbench-'));
async function pgbench(sql: string, connections: number) {
  const file = path.join(dir, 'q.sql');
  writeFileSync(file, `${sql};\n`);
  const { stdout } = await run('pgbench', [
    '-n',
    '-M',
    'prepared',
    '-c',
    String(connections),
    '-j',
    '2',
    '-T',
    String(duration),
    '-f',
    file,
    db.url,
  ]);
  return Number(/tps = ([\d.]+)/.exec(stdout)![1]);
}

const routes = [
  { name: '/dashboard/target-card', query: '?date=2025-06-16', sql: CARD_SQL.replace('$1', `'2025-06-16'`) },
  {
    name: '/inbound/daily',
    query: '?from=2025-06-01&to=2025-06-30',
    sql: DAILY_SQL.replace('$1', `'2025-06-01'`).replace('$2', `'2025-06-30'`),
  },
];
console.log(`3. dashboard reads, ${duration} s per run (req/s; p50/p99 ms)`);
for (const r of routes) {
  for (const c of [10, 50]) {
    const a = await cannon(`${api.url}${r.name}${r.query}`, c);
    const b = await cannon(`${bareUrl}${r.name}${r.query}`, c);
    const p = await pgbench(r.sql, c);
    console.log(
      `   ${r.name} @${c}: API ${a.rps.toFixed(0)} (${a.p50}/${a.p99}) · bare Fastify+pg ${b.rps.toFixed(0)} (${b.p50}/${b.p99}) · pgbench ${p.toFixed(0)} tps` +
        ` → API = ${((a.rps / b.rps) * 100).toFixed(0)} % of bare (goal ≥ 80 % at 10), ${(p / a.rps).toFixed(1)}× slower than pgbench`,
    );
  }
}

// 4. The same read signed in and with a key ------------------------------------------------------
{
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const actor = { type: 'cli' as const, id: null, name: 'bench:web' };
  const password = 'bench-web-password';
  const made = await createUser(pool, { email: 'bench@example.test', name: 'bench', role: 'viewer', password, actor });
  const { key } = await createApiKey(pool, { userId: made.user.id, name: 'bench', actor });
  await pool.end();
  const t0 = performance.now();
  const signIn = await fetch(`${apiAuth.url}/api/auth/sign-in/email`, {
    method: 'POST',
    // As the console sends it: its own Origin (fetch sends Sec-Fetch-* headers, so better-auth checks it).
    headers: { 'content-type': 'application/json', origin: apiAuth.url! },
    body: JSON.stringify({ email: 'bench@example.test', password }),
  });
  if (!signIn.ok) throw new Error(`bench sign-in answered ${signIn.status}: ${await signIn.text()}`);
  const signInMs = performance.now() - t0;
  const cookie = signIn.headers
    .getSetCookie()
    .find((c) => c.startsWith('warehouse.session_token='))!
    .split(';')[0]!;
  const url = `/dashboard/target-card?date=2025-06-16`;
  console.log(
    `4. sign-in (password hashing on purpose): ${signInMs.toFixed(0)} ms; ${url}, req/s of two runs each (mean p50/max p99 ms)`,
  );
  // Each variant runs twice, in the order open, session, key and then key, session, open, and the
  // two runs are averaged: a run after another on a loaded machine is not measured under the same
  // conditions (run in one order only, the last variant came out ahead every time).
  const mean = (xs: { rps: number; p50: number; p99: number }[]) => ({
    rps: xs.reduce((a, x) => a + x.rps, 0) / xs.length,
    p50: Math.round(xs.reduce((a, x) => a + x.p50, 0) / xs.length),
    p99: Math.max(...xs.map((x) => x.p99)),
  });
  for (const c of [10, 50]) {
    const variants = {
      open: () => cannon(`${api.url}${url}`, c),
      session: () => cannon(`${apiAuth.url}${url}`, c, { cookie }),
      key: () => cannon(`${apiAuth.url}${url}`, c, { authorization: `Bearer ${key}` }),
    };
    const runs: Record<keyof typeof variants, { rps: number; p50: number; p99: number }[]> = {
      open: [],
      session: [],
      key: [],
    };
    for (const order of [
      ['open', 'session', 'key'],
      ['key', 'session', 'open'],
    ] as const)
      for (const v of order) runs[v].push(await variants[v]());
    const open = mean(runs.open);
    const session = mean(runs.session);
    const byKey = mean(runs.key);
    const pct = (x: { rps: number }) => ((x.rps / open.rps) * 100).toFixed(0);
    console.log(
      `   @${c}: no sign-in ${open.rps.toFixed(0)} (${open.p50}/${open.p99}) · session ${session.rps.toFixed(0)} (${session.p50}/${session.p99}) = ${pct(session)} % · API key ${byKey.rps.toFixed(0)} (${byKey.p50}/${byKey.p99}) = ${pct(byKey)} % (goal ≥ 90 %)`,
    );
  }
}
rmSync(dir, { recursive: true, force: true });
await bare.close();
await barePool.end();
await api.stop();
await apiAuth.stop();
await db.drop();
await server.stop();
