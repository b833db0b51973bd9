#!/usr/bin/env tsx
/**
 * pnpm bench:migrate — apply 200 generated migrations (tables, indexes, views, MVs) to a fresh
 * database with (a) this runner, (b) `psql -1 -f` per file, (c) Prisma's schema engine (WASM)
 * `applyMigrations` through @prisma/adapter-pg (stock, and the project's fixed adapter), and for
 * reference psql in one session (no per-file process start-up), on the same throw-away server in the same run,
 * and print the times and ratios. Goal: runner ≤ 1.3× psql and faster than Prisma's engine.
 *
 * Then: `db:lint` time over the same migrations (goal < 1 s for 200), and the runner against psql in
 * one session at 50, 200 and 1,000 migrations (goal ≤ 1.1× at each), with the cost of the first and
 * the last tenth of the migrations for each — if both grow alike it is the server's work that grows,
 * not the runner's — and the runner's own parse time. Each count is also reported in CPU time (the
 * server's processes and the client's, from /proc): on a shared machine wall time grows with
 * whatever else runs, CPU time much less, so a ratio between counts is read there first.
 *
 * Why 1,000 looked like 8.9× of 200 (measured 2026-11-30): not a cost that grows per migration.
 * The backend's CPU time per 200 migrations in one session of 1,000 was flat (720/720/730/720/700 ms,
 * then 1030/900/980/1020/740 ms), the runner process's too (~300–400 ms per 200 after warm-up),
 * while wall time per 200 swung 2.3–4.3 s with the machine's load (10–15 on 2 cores); psql in one
 * session showed the same "superlinear" wall ratio (6.2×). Nothing reads _prisma_migrations or the
 * catalog per migration in a way that grows.
 *
 * Why 1,000 was 1.21× of psql (quiet machine, same day): round trips. Each migration was four
 * messages (BEGIN + SET LOCAL; the file; the history row + COMMIT; before it a parameterised
 * to_regclass for `-- requires:`, ~1.4 ms each, a quarter of these migrations have one). Now it is
 * one simple-protocol message (apply.ts): 0.95×/1.00×/1.03× at 50/200/1,000 (7 reps, medians).
 *
 * Options: --count N (default 200), --reps N (default 3), --counts 50,200,1000, --scale-reps N (default 2),
 * --only-scale (skip the 200-migration comparison with Prisma's engine).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import { migrate, prepareMigrations, readMigrations } from '../src/index.ts';
import { lintDir } from '../src/lint/index.ts';
import { createTestDatabase, startTestServer } from '../src/testing/index.ts';
import { loadWasmEngine } from '../src/engine/wasm.ts';
import { loadMigrationList } from '../src/engine/migrations.ts';
import { PgEngineAdapterFactory } from '../src/engine/pg-adapter.ts';
import { withClient } from '@warehouse/db/pg';

const run = promisify(execFile);

const HELP = `pnpm bench:migrate — 200 generated migrations applied by this runner, by \`psql -1 -f\` per file and by
Prisma's schema engine (WASM), on one throw-away server; then db:lint's time, and the runner against psql in
one session at several counts (also in CPU time). Prints times and ratios.

Usage: pnpm bench:migrate [options]

Options:
  --count N         migrations in the comparison with psql and Prisma's engine (default 200)
  --reps N          repetitions of that comparison (default 3)
  --counts A,B,C    migration counts of the scale run (default 50,200,1000)
  --scale-reps N    repetitions at each count (default 2)
  --only-scale      skip the comparison with Prisma's engine
  -h, --help        show this help

Exit codes: 0 ok, 1 failure.`;

/** The flags, checked before anything starts (a typo is an error, not a silently default run). */
const options = (() => {
  try {
    return parseArgs({
      args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--')),
      options: {
        count: { type: 'string', default: '200' },
        reps: { type: 'string', default: '3' },
        counts: { type: 'string', default: '50,200,1000' },
        'scale-reps': { type: 'string', default: '2' },
        'only-scale': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    process.stderr.write(`error E_USAGE: ${(error as Error).message}; see \`pnpm bench:migrate --help\`\n`);
    process.exit(1);
  }
})();
if (options.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const whole = (name: string, value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`error E_USAGE: --${name} must be a whole number ≥ 1, got ${JSON.stringify(value)}\n`);
    process.exit(1);
  }
  return n;
};
const COUNT = whole('count', options.count);
const REPS = whole('reps', options.reps);
const SCALE_REPS = whole('scale-reps', options['scale-reps']);
const COUNTS = options.counts.split(',').map((c) => whole('counts', c));
const ONLY_SCALE = options['only-scale'];
const PSQL = process.env.PSQL ?? '/usr/bin/psql';

/** 200 small, realistic migrations: a table, then its index, a view over it, an MV with a unique index. */
function generate(count: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-migrations-'));
  writeFileSync(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  const write = (i: number, sql: string) => {
    const name = `2025${String(10_000_000_000 + i).slice(1)}_m${i}`;
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  };
  write(0, 'CREATE SCHEMA IF NOT EXISTS "bench";\n');
  for (let i = 1; i < count; i++) {
    const t = i - ((i - 1) % 4); // the table of this group of four
    switch ((i - 1) % 4) {
      case 0:
        write(
          i,
          `-- CreateTable\nCREATE TABLE "bench"."t${t}" (\n    "id" BIGSERIAL NOT NULL,\n    "ddate" DATE NOT NULL,\n    "code" TEXT NOT NULL,\n    "qty" NUMERIC(14,3),\n    "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),\n\n    CONSTRAINT "t${t}_pkey" PRIMARY KEY ("id")\n);\n\nINSERT INTO "bench"."t${t}" ("ddate", "code", "qty") SELECT date '2025-01-01' + g % 30, 'c' || g % 7, g FROM generate_series(1, 50) g;\n`,
        );
        break;
      case 1:
        write(
          i,
          `-- CreateIndex\nCREATE INDEX "t${t}_ddate_idx" ON "bench"."t${t}"("ddate");\n\n-- CreateIndex\nCREATE UNIQUE INDEX "t${t}_code_id_key" ON "bench"."t${t}"("code", "id");\n`,
        );
        break;
      case 2:
        write(
          i,
          `CREATE VIEW bench.v${t} AS\nSELECT ddate, code, sum(qty) AS qty, count(*) AS n\n  FROM bench.t${t}\n GROUP BY ddate, code;\n`,
        );
        break;
      default:
        write(
          i,
          `-- requires: bench.v${t}\nCREATE MATERIALIZED VIEW bench.mv${t} AS\nSELECT ddate, sum(qty) AS qty, sum(n) AS n FROM bench.v${t} GROUP BY ddate\nWITH DATA;\n\nCREATE UNIQUE INDEX ux_mv${t}_ddate ON bench.mv${t} (ddate);\n`,
        );
    }
  }
  return dir;
}

type Method = { name: string; apply(url: string, dir: string): Promise<void> };

const runner: Method = {
  name: 'runner (@warehouse/migrate)',
  async apply(url, dir) {
    const r = await migrate({ url, dir });
    if (r.failed) throw r.failed.error;
    if (r.applied.length !== (await readMigrations(dir)).length) throw new Error(`runner applied ${r.applied.length}`);
  },
};

const psql: Method = {
  name: 'psql -1 -f per file',
  async apply(url, dir) {
    for (const m of await readMigrations(dir)) {
      await run(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', path.join(m.dir, 'migration.sql'), url]);
    }
  },
};

/** The server's own work without psql's per-process start-up: one session, one transaction per file. */
const psqlOneSession: Method = {
  name: 'psql, one session, BEGIN/\\i/COMMIT per file',
  async apply(url, dir) {
    const script = path.join(dir, 'all.psql');
    const lines = (await readMigrations(dir)).map((m) => `BEGIN;\n\\i '${path.join(m.dir, 'migration.sql')}'\nCOMMIT;`);
    writeFileSync(script, `${lines.join('\n')}\n`);
    await run(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', script, url]);
  },
};

/** Prisma's engine; `adapter` 'stock' is @prisma/adapter-pg as shipped, 'project' our fixed one. */
function prismaEngine(adapter: 'stock' | 'project'): Method {
  return {
    name:
      adapter === 'stock' ? 'Prisma engine (WASM, stock adapter-pg)' : "Prisma engine (WASM, project's fixed adapter)",
    async apply(url, dir) {
      const wasm = await loadWasmEngine();
      const opened: SqlDriverAdapter[] = [];
      let factory: SqlMigrationAwareDriverAdapterFactory & { close?: () => Promise<void> };
      if (adapter === 'project') factory = new PgEngineAdapterFactory({ url });
      else {
        const stock = new PrismaPg({ connectionString: url });
        factory = {
          provider: stock.provider,
          adapterName: stock.adapterName,
          connect: async () => {
            const a = await stock.connect();
            opened.push(a);
            return a;
          },
          connectToShadowDb: () => stock.connectToShadowDb(),
        };
      }
      const engine = await wasm.SchemaEngine.new(
        { datamodels: undefined },
        () => {},
        bindMigrationAwareSqlAdapterFactory(factory),
      );
      try {
        const out = await engine.applyMigrations({
          migrationsList: await loadMigrationList(dir),
          filters: { externalTables: [], externalEnums: [] },
        });
        if (out.appliedMigrationNames.length !== COUNT)
          throw new Error(`engine applied ${out.appliedMigrationNames.length} of ${COUNT}`);
      } finally {
        engine.free();
        // applyMigrations never releases advisory lock 72707369: ending the pool does.
        for (const a of opened) await a.dispose().catch(() => {});
        await factory.close?.();
      }
    },
  };
}

/*
 * CPU time, which a busy machine inflates far less than wall time (a shared 2-core box runs other
 * work beside the bench): the server's — the postmaster's own and its reaped children's
 * (cutime/cstime) plus every live child's — and this process's plus its reaped children's (psql).
 * Linux /proc only; elsewhere the CPU columns are left out.
 */
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime, stime, cutime, cstime of a process in ms (fields 14–17 of /proc/<pid>/stat), and its ppid. */
function procTimes(pid: number | 'self'): { own: number; children: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return {
      own: (Number(f[11]) + Number(f[12])) * TICK_MS,
      children: (Number(f[13]) + Number(f[14])) * TICK_MS,
      ppid: Number(f[1]),
    };
  } catch {
    return undefined;
  }
}

/** The throw-away server's postmaster pid (the parent of a backend), or undefined off Linux. */
async function postmasterPid(adminUrl: string): Promise<number | undefined> {
  // Read while the backend lives: once the connection closes it is gone from /proc.
  return withClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ pid: number }>('select pg_backend_pid() as pid');
    return procTimes(rows[0]!.pid)?.ppid;
  });
}

/** CPU ms used so far by the server (postmaster, reaped and live children) and by this process and its children. */
function cpuNow(postmaster: number | undefined): { server: number; client: number } | undefined {
  const pm = postmaster ? procTimes(postmaster) : undefined;
  const self = procTimes('self');
  if (!pm || !self) return undefined;
  let live = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const t = procTimes(Number(d));
    if (t && t.ppid === postmaster) live += t.own;
  }
  return { server: pm.own + pm.children + live, client: self.own + self.children };
}

function cpuSince(before: ReturnType<typeof cpuNow>, postmaster: number | undefined) {
  const after = cpuNow(postmaster);
  return before && after ? { server: after.server - before.server, client: after.client - before.client } : undefined;
}

/**
 * A backend that just closed is in neither sum for a moment (gone from /proc, not yet in the
 * postmaster's cutime): without this wait a run's server CPU could read as ~0.
 */
const reaped = () => new Promise((r) => setTimeout(r, 500));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Sum of the times of the first and the last tenth of the migrations, as `[first, last]` ms. */
function tenths(ms: number[]): [number, number] {
  const k = Math.max(1, Math.floor(ms.length / 10));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return [sum(ms.slice(1, k + 1)), sum(ms.slice(-k))];
}

/** The runner and psql (one session) at several counts; per-migration times from each. */
async function scaling(server: Awaited<ReturnType<typeof startTestServer>>) {
  console.log(`\nscaling — runner vs psql in one session, ${SCALE_REPS} repetitions each (median)`);
  const rows: {
    n: number;
    runner: number;
    psql: number;
    runnerTenths: [number, number];
    psqlTenths: [number, number];
    parse: number;
    runnerCpu?: { server: number; client: number };
    psqlCpu?: { server: number; client: number };
  }[] = [];
  const postmaster = await postmasterPid(server.adminUrl);
  for (const n of COUNTS) {
    const dir = generate(n);
    try {
      const files = await readMigrations(dir);
      const t0 = performance.now();
      await prepareMigrations(files);
      const parse = performance.now() - t0;
      const rt: number[] = [];
      const pt: number[] = [];
      let runnerMs: number[] = [];
      let psqlMs: number[] = [];
      const rc: { server: number; client: number }[] = [];
      const pc: { server: number; client: number }[] = [];
      for (let rep = 0; rep < SCALE_REPS; rep++) {
        let db = await createTestDatabase(server.adminUrl, { prefix: 'scale' });
        const per: number[] = [];
        let cpu = cpuNow(postmaster);
        let t = performance.now();
        const r = await migrate({ url: db.url, dir, log: (e) => e.type === 'applied' && per.push(e.ms) });
        rt.push(performance.now() - t);
        await reaped(); // the runner's backend has exited; count its CPU once the postmaster has reaped it
        const rcpu = cpuSince(cpu, postmaster);
        if (rcpu) rc.push(rcpu);
        if (r.failed) throw r.failed.error;
        runnerMs = per;
        await db.drop();
        // psql, one session, with \timing per file: the server's work per migration
        db = await createTestDatabase(server.adminUrl, { prefix: 'scale' });
        const script = path.join(dir, 'timed.psql');
        writeFileSync(
          script,
          files.map((m) => `\\echo @@\nBEGIN;\n\\i '${path.join(m.dir, 'migration.sql')}'\nCOMMIT;`).join('\n') + '\n',
        );
        cpu = cpuNow(postmaster);
        t = performance.now();
        await run(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', script, db.url], { maxBuffer: 64 * 1024 * 1024 });
        pt.push(performance.now() - t);
        await reaped();
        const pcpu = cpuSince(cpu, postmaster);
        if (pcpu) pc.push(pcpu);
        await db.drop();
        // per-migration server time: the same script with \timing, sum of the statement times per file
        db = await createTestDatabase(server.adminUrl, { prefix: 'scale' });
        const out = await run(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', '\\timing on', '-f', script, db.url], {
          maxBuffer: 64 * 1024 * 1024,
        });
        psqlMs = out.stdout
          .split('@@')
          .slice(1)
          .map((chunk) => [...chunk.matchAll(/Time: ([\d.]+) ms/g)].reduce((a, m) => a + Number(m[1]), 0));
        await db.drop();
      }
      rows.push({
        n,
        runner: median(rt),
        psql: median(pt),
        runnerTenths: tenths(runnerMs),
        psqlTenths: tenths(psqlMs),
        parse,
        runnerCpu: rc.length
          ? { server: median(rc.map((x) => x.server)), client: median(rc.map((x) => x.client)) }
          : undefined,
        psqlCpu: pc.length
          ? { server: median(pc.map((x) => x.server)), client: median(pc.map((x) => x.client)) }
          : undefined,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const r of rows) {
    console.log(
      `  ${String(r.n).padStart(5)} migrations: runner ${r.runner.toFixed(0).padStart(6)} ms, psql one session ${r.psql.toFixed(0).padStart(6)} ms, ratio ${(r.runner / r.psql).toFixed(2)}× (goal ≤ 1.10×); ` +
        `parse ${r.parse.toFixed(0)} ms; first/last tenth: runner ${r.runnerTenths.map((x) => x.toFixed(0)).join('/')} ms, server (psql \\timing) ${r.psqlTenths.map((x) => x.toFixed(0)).join('/')} ms`,
    );
    if (r.runnerCpu && r.psqlCpu) {
      const total = (x: { server: number; client: number }) => x.server + x.client;
      console.log(
        `         CPU: runner ${total(r.runnerCpu)} ms (server ${r.runnerCpu.server}, client ${r.runnerCpu.client}), ` +
          `psql one session ${total(r.psqlCpu)} ms (server ${r.psqlCpu.server}, client ${r.psqlCpu.client}), ratio ${(total(r.runnerCpu) / total(r.psqlCpu)).toFixed(2)}×; ` +
          `server CPU per migration: runner ${(r.runnerCpu.server / r.n).toFixed(1)} ms, psql ${(r.psqlCpu.server / r.n).toFixed(1)} ms`,
      );
    }
  }
  const base = rows.find((r) => r.n === 200);
  const big = rows.find((r) => r.n === 1000);
  if (base && big) {
    console.log(
      `  1000 vs 200: runner ${(big.runner / base.runner).toFixed(1)}×, psql one session ${(big.psql / base.psql).toFixed(1)}× (5× would be linear); ` +
        `last tenth vs first tenth at 1000: runner ${(big.runnerTenths[1] / big.runnerTenths[0]).toFixed(1)}×, server ${(big.psqlTenths[1] / big.psqlTenths[0]).toFixed(1)}×`,
    );
    if (big.runnerCpu && base.runnerCpu && big.psqlCpu && base.psqlCpu) {
      const ratio = (a: { server: number; client: number }, b: { server: number; client: number }) =>
        ((a.server + a.client) / (b.server + b.client)).toFixed(1);
      console.log(
        `  1000 vs 200 in CPU time (what a busy machine distorts least): runner ${ratio(big.runnerCpu, base.runnerCpu)}×, psql one session ${ratio(big.psqlCpu, base.psqlCpu)}×`,
      );
    }
  }
}

async function lintTime() {
  const dir = generate(COUNT);
  try {
    const t0 = performance.now();
    const cold = await lintDir(dir);
    const coldMs = performance.now() - t0;
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) warm.push((await lintDir(dir)).ms);
    console.log(
      `\nlint — pnpm db:lint over ${COUNT} migrations: first run ${coldMs.toFixed(0)} ms (loads the parser's WASM), then median ${median(warm).toFixed(0)} ms (goal < 1000 ms); ${cold.errors} errors, ${cold.warnings} warnings`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const server = await startTestServer();
  try {
    await lintTime();
    if (!ONLY_SCALE) await compare(server);
    await scaling(server);
  } finally {
    await server.stop();
  }
}

async function compare(server: Awaited<ReturnType<typeof startTestServer>>) {
  const dir = generate(COUNT);
  const methods = [runner, psql, psqlOneSession, prismaEngine('stock'), prismaEngine('project')];
  const times = new Map<string, number[]>(methods.map((m) => [m.name, []]));
  const unavailable = new Map<string, string>();
  console.log(
    `\nbench:migrate — ${COUNT} migrations (tables, indexes, views, MVs), ${REPS} repetitions, fresh database each; PostgreSQL 15 (embedded, fsync off)`,
  );
  try {
    // warm-up (loads the WASM module, JITs the runner) on a throw-away database, not timed
    for (const m of methods) {
      const db = await createTestDatabase(server.adminUrl, { prefix: 'warm' });
      await m.apply(db.url, dir).catch((e: Error) => unavailable.set(m.name, e.message.split('\n')[0]!));
      await db.drop();
    }
    for (let rep = 0; rep < REPS; rep++) {
      for (const m of methods) {
        if (unavailable.has(m.name)) continue;
        const db = await createTestDatabase(server.adminUrl, { prefix: 'bench' });
        const t0 = performance.now();
        await m.apply(db.url, dir);
        times.get(m.name)!.push(performance.now() - t0);
        await db.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const med = (name: string) => median(times.get(name)!);
  for (const m of methods) {
    if (unavailable.has(m.name)) console.log(`  ${m.name.padEnd(46)} unavailable: ${unavailable.get(m.name)}`);
    else
      console.log(
        `  ${m.name.padEnd(46)} median ${med(m.name).toFixed(0).padStart(6)} ms  (runs: ${times
          .get(m.name)!
          .map((t) => t.toFixed(0))
          .join(', ')} ms)`,
      );
  }
  if (unavailable.has(runner.name)) throw new Error(`the runner failed: ${unavailable.get(runner.name)}`);
  const r = med(runner.name);
  if (!unavailable.has(psql.name))
    console.log(`  ratio runner/psql:   ${(r / med(psql.name)).toFixed(2)}× (goal ≤ 1.30×)`);
  if (!unavailable.has(psqlOneSession.name))
    console.log(
      `  ratio runner/psql one session: ${(r / med(psqlOneSession.name)).toFixed(2)}× (the server's work alone, no process start-up)`,
    );
  for (const m of methods.slice(3)) {
    if (!unavailable.has(m.name)) console.log(`  ratio runner/${m.name}: ${(r / med(m.name)).toFixed(2)}× (goal < 1)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
