import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '@warehouse/db';
import { DEFAULT_MIGRATIONS_DIR, migrate, status } from '@warehouse/migrate';
import { createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { SNAPSHOT_FILE, initFromSnapshot, snapshotSchema, writeBaseline } from '../src/ops/baseline.ts';
import { dumpLocal } from '../src/ops/dump.ts';
import { runScript } from './run-script.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'baseline-test-'));
const dbs: TestDatabase[] = [];
let admin: string;
let history: TestDatabase;
let historyDump: string;

async function db(prefix: string): Promise<TestDatabase> {
  const d = await createTestDatabase(admin, { prefix });
  dbs.push(d);
  return d;
}

beforeAll(async () => {
  admin = inject('pgAdminUrl');
  history = await db('history');
  const r = await migrate({ url: history.url });
  expect(r.failed).toBeUndefined();
  historyDump = await dumpLocal(history.url, 'history');
});
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
});

describe('snapshot', () => {
  it('a database built from the snapshot and one built by replaying history dump byte-identical, and the snapshot one is at head', async () => {
    const snapshot = await snapshotSchema({ adminUrl: admin });
    expect(snapshot).toBe(historyDump);
    const file = path.join(tmp, 'schema_head.sql');
    writeFileSync(file, snapshot);
    const fresh = await db('from_snapshot');
    const r = await runScript('db-init-from-snapshot', ['--env', 'local_dev', '--file', file, '--json'], {
      DATABASE_URL_LOCAL_DEV: fresh.url,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).stamped.length).toBe(
      readdirSync(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).length,
    );
    expect(await dumpLocal(fresh.url, 'fresh')).toBe(historyDump);
    // A schema-only snapshot creates every MV WITH NO DATA; the command populates them (through the refresher).
    expect(r.stderr).toMatch(/populated \d+ of \d+ materialized view/);
    const unpopulated = await withClient(
      fresh.url,
      async (c) => (await c.query(`SELECT relname FROM pg_class WHERE relkind = 'm' AND NOT relispopulated`)).rows,
    );
    expect(unpopulated).toEqual([]);
    const s = await status({ url: fresh.url });
    expect(s.upToDate).toBe(true);
    expect(s.pending).toEqual([]);
    // Migrating it afterwards applies nothing.
    expect((await migrate({ url: fresh.url })).applied).toEqual([]);
  });

  it('init-from-snapshot refuses a database that is not empty, changing nothing', async () => {
    const err = await initFromSnapshot({ url: history.url, envName: 'local_dev', file: SNAPSHOT_FILE }).catch((e) => e);
    expect(err.message).toContain('is not empty (_prisma_migrations exists; schemas');
    expect(err.message).toContain('pnpm db:reset --env local_dev');
    expect(await dumpLocal(history.url, 'history')).toBe(historyDump);
  });

  it('init-from-snapshot refuses a snapshot dumped in the middle of a swap (mart__swap), changing nothing', async () => {
    const file = path.join(tmp, 'mid-swap.sql');
    writeFileSync(
      file,
      `${historyDump}\nCREATE SCHEMA mart__swap;\nCREATE MATERIALIZED VIEW mart__swap.mv_fx AS SELECT 1 AS x WITH NO DATA;\n`,
    );
    const fresh = await db('mid_swap');
    const err = await initFromSnapshot({ url: fresh.url, envName: 'local_dev', file }).catch((e) => e);
    expect(err.message).toContain("taken in the middle of a view migration's swap: it creates mart__swap");
    expect(err.message).toContain('pnpm db:snapshot');
    expect(err.message).toContain('pnpm db:fill');
    const left = await withClient(
      fresh.url,
      async (c) =>
        (await c.query(`select nspname from pg_namespace where nspname in ('mart', 'mart__swap', 'log')`)).rows,
    );
    expect(left).toEqual([]);
  });

  it('db:snapshot --check exits 1 with a diff when the file is stale and 0 once written', async () => {
    const file = path.join(tmp, 'stale.sql');
    writeFileSync(file, historyDump.replace('CREATE SCHEMA kpi;', 'CREATE SCHEMA kpi_old;'));
    const stale = await runScript('db-snapshot', ['--check', '--out', file, '--admin-url', admin]);
    expect(stale.code, stale.stderr).toBe(1);
    expect(stale.stdout).toContain('-CREATE SCHEMA kpi_old;');
    expect(stale.stdout).toContain('+CREATE SCHEMA kpi;');
    expect(stale.stderr).toContain('run `pnpm db:snapshot` and commit it');
    const write = await runScript('db-snapshot', ['--out', file, '--admin-url', admin]);
    expect(write.code, write.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(historyDump);
    const ok = await runScript('db-snapshot', ['--check', '--out', file, '--admin-url', admin]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('the committed packages/db/sql/schema_head.sql is the schema at head', () => {
    expect(existsSync(SNAPSHOT_FILE), 'run pnpm db:snapshot and commit packages/db/sql/schema_head.sql').toBe(true);
    expect(readFileSync(SNAPSHOT_FILE, 'utf8')).toBe(historyDump);
  });
});

describe('baseline (squash) on a copy of the migrations folder', () => {
  it('writes one baseline migration equal to the history, archives the older folders, and the real folder is untouched', async () => {
    const copy = path.join(tmp, 'prisma');
    cpSync(DEFAULT_MIGRATIONS_DIR, path.join(copy, 'migrations'), { recursive: true });
    const realBefore = readdirSync(DEFAULT_MIGRATIONS_DIR).sort();
    const folders = readdirSync(path.join(copy, 'migrations'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();

    const r = await runScript(
      'db-baseline',
      ['--from', 'local_dev', '--name', 'baseline_test', '--dir', path.join(copy, 'migrations'), '--json'],
      { DATABASE_URL_LOCAL_DEV: history.url },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.archived).toEqual(folders);
    expect(out.archiveDir).toBe(path.join(copy, 'migrations_archive'));
    expect(out.name > folders[folders.length - 1]!).toBe(true);
    expect(readdirSync(path.join(copy, 'migrations_archive')).sort()).toEqual(folders);
    expect(
      readdirSync(path.join(copy, 'migrations'), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name),
    ).toEqual([out.name]);
    expect(readdirSync(DEFAULT_MIGRATIONS_DIR).sort()).toEqual(realBefore);

    // A new database replays only the baseline and ends with the same schema as the history.
    const fresh = await db('from_baseline');
    const m = await migrate({ url: fresh.url, dir: path.join(copy, 'migrations') });
    expect(m.failed?.error.message).toBeUndefined();
    expect(m.applied.map((a) => a.name)).toEqual([out.name]);
    expect(await dumpLocal(fresh.url, 'fresh')).toBe(historyDump);
  });

  it('picks a folder name after the newest one even when the clock is behind, and refuses a bad name', async () => {
    const dir = path.join(tmp, 'clock', 'migrations');
    cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const r = await writeBaseline({
      schemaSql: 'select 1;\n',
      name: 'b',
      fromEnv: 'x',
      dir,
      now: () => new Date('2000-01-01T00:00:00Z'),
    });
    const newest = readdirSync(path.join(tmp, 'clock', 'migrations_archive'))
      .sort()
      .pop()!;
    expect(r.name > newest).toBe(true);
    await expect(writeBaseline({ schemaSql: '', name: 'Bad Name', fromEnv: 'x', dir })).rejects.toThrow(
      /lower-case letters/,
    );
  });

  it('refuses an env that is not at head', async () => {
    const behind = await db('behind');
    const copy = path.join(tmp, 'behind', 'migrations');
    cpSync(DEFAULT_MIGRATIONS_DIR, copy, { recursive: true });
    await withClient(behind.url, (c) => c.query('select 1'));
    const r = await runScript('db-baseline', ['--from', 'local_dev', '--name', 'nope', '--dir', copy], {
      DATABASE_URL_LOCAL_DEV: behind.url,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not at head');
    expect(existsSync(path.join(tmp, 'behind', 'migrations_archive'))).toBe(false);
  });
});
