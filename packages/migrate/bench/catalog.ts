#!/usr/bin/env tsx
/**
 * pnpm bench:catalog — a root view with 10 and with 100 dependants (views and MVs in a tree, MVs
 * with unique indexes, all commented and granted to a reader role): time `db:migrate:new`'s work
 * for a change of the root (newMigration: Prisma's table diff + the catalog plan; and the catalog
 * plan alone), then applying the generated migration with the runner, vs the same hand-written SQL
 * (drops, creates, indexes, comments, GRANTs; no saving of privileges) through `psql -1 -f`, each on
 * a fresh copy of the same populated database, on one throw-away server in the same run.
 *
 * Options: --sizes 10,100 (dependants), --rows N (rows under the root, default 100000), --reps N (default 3).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { planCatalog } from '../src/catalog/generate.ts';
import { newMigration } from '../src/engine/workflow.ts';
import { migrate } from '../src/index.ts';
import { ident, withClient, withDatabase } from '@warehouse/db/pg';
import { startTestServer } from '../src/testing/index.ts';

const run = promisify(execFile);
const argOf = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
if (process.argv.includes('--help')) {
  console.log('pnpm bench:catalog [--sizes 10,100] [--rows 100000] [--reps 3]');
  process.exit(0);
}
const SIZES = argOf('sizes', '10,100').split(',').map(Number);
const ROWS = Number(argOf('rows', '100000'));
const REPS = Number(argOf('reps', '3'));
const PSQL = process.env.PSQL ?? '/usr/bin/psql';

const SCHEMA = `generator client {\n  provider = "prisma-client"\n  output   = "./generated"\n}\n\ndatasource db {\n  provider = "postgresql"\n  schemas  = ["bench"]\n}\n\nmodel T {\n  id    Int      @id\n  ddate DateTime @db.Date\n  code  String\n  qty   Decimal  @db.Decimal(14, 3)\n\n  @@map("t")\n  @@schema("bench")\n}\n`;

const INIT = (rows: number) => `CREATE SCHEMA IF NOT EXISTS "bench";

CREATE TABLE "bench"."t" (
    "id" INTEGER NOT NULL,
    "ddate" DATE NOT NULL,
    "code" TEXT NOT NULL,
    "qty" DECIMAL(14,3) NOT NULL,

    CONSTRAINT "t_pkey" PRIMARY KEY ("id")
);

INSERT INTO "bench"."t" SELECT g, DATE '2020-01-01' + g % 2000, 'c' || g % 50, g % 1000 FROM generate_series(1, ${rows}) g;
`;

/** Dependant i (1-based) reads the root (i = 1) or dependant ⌊i/2⌋: a binary tree; odd i are MVs. */
function catalogFiles(dir: string, n: number, rootFilter: string): Map<string, { mv: boolean; reads: string }> {
  const objs = new Map<string, { mv: boolean; reads: string }>();
  mkdirSync(path.join(dir, 'bench'), { recursive: true });
  writeFileSync(
    path.join(dir, 'bench', 'v_root.sql'),
    `-- view bench.v_root\n-- comment: the root\n\nSELECT t.ddate, t.code, t.qty FROM bench.t t${rootFilter}\n`,
  );
  for (let i = 1; i <= n; i++) {
    const mv = i % 2 === 1;
    const name = `${mv ? 'mv' : 'v'}_d${i}`;
    const parent = i === 1 ? 'v_root' : [...objs.keys()][Math.floor(i / 2) - 1]!;
    objs.set(name, { mv, reads: parent });
    const header = mv
      ? `-- materialized view bench.${name}\n-- comment: dependant ${i}\n-- unique index ux_${name} (ddate, code)\n\n`
      : `-- view bench.${name}\n-- comment: dependant ${i}\n\n`;
    writeFileSync(
      path.join(dir, 'bench', `${name}.sql`),
      `${header}SELECT p.ddate, p.code, sum(p.qty) AS qty FROM bench.${parent} p GROUP BY p.ddate, p.code\n`,
    );
  }
  return objs;
}

/** What a careful person writes by hand for the same change (no privilege capture: grants restated). */
function handWritten(objs: Map<string, { mv: boolean; reads: string }>, rootFilter: string): string {
  const names = [...objs.keys()];
  const out: string[] = [];
  for (const n of [...names].reverse()) out.push(`DROP ${objs.get(n)!.mv ? 'MATERIALIZED VIEW' : 'VIEW'} bench.${n};`);
  out.push('DROP VIEW bench.v_root;');
  out.push(
    `CREATE VIEW bench.v_root AS SELECT t.ddate, t.code, t.qty FROM bench.t t${rootFilter};`,
    `COMMENT ON VIEW bench.v_root IS 'the root';`,
    'GRANT SELECT ON bench.v_root TO bench_reader;',
  );
  names.forEach((n, i) => {
    const o = objs.get(n)!;
    const q = `SELECT p.ddate, p.code, sum(p.qty) AS qty FROM bench.${o.reads} p GROUP BY p.ddate, p.code`;
    if (o.mv)
      out.push(
        `CREATE MATERIALIZED VIEW bench.${n} AS ${q} WITH DATA;`,
        `CREATE UNIQUE INDEX ux_${n} ON bench.${n} (ddate, code);`,
      );
    else out.push(`CREATE VIEW bench.${n} AS ${q};`);
    out.push(
      `COMMENT ON ${o.mv ? 'MATERIALIZED VIEW' : 'VIEW'} bench.${n} IS 'dependant ${i + 1}';`,
      `GRANT SELECT ON bench.${n} TO bench_reader;`,
    );
  });
  return out.join('\n') + '\n';
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const server = await startTestServer();
const admin = server.adminUrl;
try {
  await withClient(admin, (c) =>
    c.query(`DO $$ BEGIN CREATE ROLE bench_reader NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`),
  );
  console.log(`bench:catalog — rows under the root: ${ROWS}, reps: ${REPS} (medians)\n`);
  for (const n of SIZES) {
    const work = mkdtempSync(path.join(os.tmpdir(), 'bench-catalog-'));
    const migrations = path.join(work, 'migrations');
    const views = path.join(work, 'views');
    const schema = path.join(work, 'schema.prisma');
    mkdirSync(path.join(migrations, '20200101000000_init'), { recursive: true });
    writeFileSync(path.join(migrations, 'migration_lock.toml'), 'provider = "postgresql"\n');
    writeFileSync(path.join(migrations, '20200101000000_init', 'migration.sql'), INIT(ROWS));
    writeFileSync(schema, SCHEMA);
    const objs = catalogFiles(views, n, '');
    const first = await newMigration({
      url: admin,
      dir: migrations,
      schema,
      catalogDir: views,
      name: 'create',
      now: new Date(Date.UTC(2020, 0, 2)),
    });
    if (!first.created) throw new Error('nothing generated for the initial catalog');
    // The populated database before the change, as a template.
    const tpl = `bench_tpl_${n}`;
    await withClient(admin, (c) =>
      c.query(`DROP DATABASE IF EXISTS ${ident(tpl)}`).then(() => c.query(`CREATE DATABASE ${ident(tpl)}`)),
    );
    const r0 = await migrate({ url: withDatabase(admin, tpl), dir: migrations });
    if (r0.failed) throw r0.failed.error;
    await withClient(withDatabase(admin, tpl), (c) =>
      c.query(
        `GRANT USAGE ON SCHEMA bench TO bench_reader; GRANT SELECT ON ALL TABLES IN SCHEMA bench TO bench_reader;`,
      ),
    );

    // The change of the root.
    const filter = '\nWHERE t.qty > 0';
    catalogFiles(views, n, filter);
    const gen: number[] = [];
    let created: string | null = null;
    for (let i = 0; i < REPS; i++) {
      const [ms, res] = await timed(() =>
        newMigration({
          url: admin,
          dir: migrations,
          schema,
          catalogDir: views,
          name: `root_${i}`,
          now: new Date(Date.UTC(2020, 0, 3)),
        }),
      );
      gen.push(ms);
      if (i < REPS - 1) rmSync(path.dirname(res.path!), { recursive: true });
      else created = res.created;
    }
    // The catalog plan alone, on the history without the new migration.
    const planOnly: number[] = [];
    const histNoChange = path.join(work, 'hist');
    mkdirSync(histNoChange);
    await run('cp', [
      '-r',
      path.join(migrations, '20200101000000_init'),
      path.join(migrations, '20200102000000_create'),
      path.join(migrations, 'migration_lock.toml'),
      histNoChange,
    ]);
    for (let i = 0; i < REPS; i++)
      planOnly.push((await timed(() => planCatalog({ url: admin, dir: histNoChange, catalogDir: views })))[0]);

    const generated = readFileSync(path.join(migrations, created!, 'migration.sql'), 'utf8');
    const hand = path.join(work, 'hand.sql');
    writeFileSync(hand, handWritten(objs, filter));
    const genFile = path.join(migrations, created!, 'migration.sql');
    const fresh = async (label: string) => {
      const name = `bench_${n}_${label}_${Math.random().toString(16).slice(2, 8)}`;
      await withClient(admin, (c) => c.query(`CREATE DATABASE ${ident(name)} TEMPLATE ${ident(tpl)}`));
      return {
        url: withDatabase(admin, name),
        drop: () => withClient(admin, (c) => c.query(`DROP DATABASE ${ident(name)} WITH (FORCE)`)),
      };
    };
    const times = { runner: [] as number[], psqlGenerated: [] as number[], psqlHand: [] as number[] };
    for (let i = 0; i < REPS; i++) {
      for (const [key, apply] of [
        [
          'runner',
          async (url: string) => {
            const r = await migrate({ url, dir: migrations });
            if (r.failed) throw r.failed.error;
          },
        ],
        ['psqlGenerated', (url: string) => run(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', genFile, url])],
        ['psqlHand', (url: string) => run(PSQL, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', hand, url])],
      ] as const) {
        const db = await fresh(key);
        try {
          times[key].push((await timed(() => (apply as (u: string) => Promise<unknown>)(db.url)))[0]);
        } finally {
          await db.drop();
        }
      }
    }
    const base = median(times.psqlHand);
    console.log(
      `${n} dependants (${[...objs.values()].filter((o) => o.mv).length} MVs), generated migration ${generated.split('\n').length} lines:`,
    );
    console.log(`  db:migrate:new (Prisma table diff + catalog plan)   ${fmt(median(gen))}`);
    console.log(`  catalog plan alone (replay + normalise + plan)      ${fmt(median(planOnly))}`);
    console.log(`  apply: hand-written SQL, psql -1 -f (baseline)      ${fmt(base)}  1.00×`);
    console.log(
      `  apply: generated SQL, psql -1 -f                    ${fmt(median(times.psqlGenerated))}  ${(median(times.psqlGenerated) / base).toFixed(2)}×`,
    );
    console.log(
      `  apply: generated migration, pnpm db:migrate runner  ${fmt(median(times.runner))}  ${(median(times.runner) / base).toFixed(2)}×\n`,
    );
    await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${ident(tpl)} WITH (FORCE)`));
    rmSync(work, { recursive: true, force: true });
  }
} finally {
  await server.stop();
}
