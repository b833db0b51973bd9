import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '@warehouse/db';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { repoRoot, runScript, writeRegistry } from './run-script.ts';

let migrated: TestDatabase;
let empty: TestDatabase;

beforeAll(async () => {
  const template = await createMigratedTemplate(inject('pgAdminUrl'));
  migrated = await createTestDatabase(inject('pgAdminUrl'), { template });
  empty = await createTestDatabase(inject('pgAdminUrl'));
});
afterAll(async () => {
  await migrated?.drop();
  await empty?.drop();
});

const count = (url: string, sql: string) =>
  withClient(url, async (c) => Number((await c.query<{ n: string }>(sql)).rows[0]!.n));

describe('pnpm db:seed', () => {
  it('fills the calendar with holidays through the configured year, idempotently, and writes no files', async () => {
    const env = { DATABASE_URL_VM_STG: migrated.url };
    const first = await runScript(
      'db-seed',
      ['--env', 'vm_stg', '--from-year', '2025', '--through-year', '2027', '--json'],
      env,
    );
    expect(first.stderr).not.toContain('error');
    expect(first.code).toBe(0);
    const r1 = JSON.parse(first.stdout);
    expect(r1).toMatchObject({
      from: '2025-01-01',
      to: '2027-12-31',
      calendar: { rows: 365 * 3, inserted: 365 * 3, updated: 0 },
    });
    expect(await count(migrated.url, `select count(*) as n from ref.calendar`)).toBe(365 * 3);
    const newYear = await withClient(migrated.url, (c) =>
      c.query(`select holiday_name, day_type from ref.calendar where ddate = '2027-01-01'`),
    );
    expect(newYear.rows[0]).toEqual({ holiday_name: '元日', day_type: 'sun_hol' });
    expect(await count(migrated.url, `select count(*) as n from kpi.monthly_targets`)).toBe(36);

    const second = await runScript(
      'db-seed',
      ['--env', 'vm_stg', '--from-year', '2025', '--through-year', '2027', '--json'],
      env,
    );
    expect(second.code).toBe(0);
    const r2 = JSON.parse(second.stdout);
    expect([
      r2.calendar.inserted,
      r2.calendar.updated,
      r2.dailyTargetPlan.inserted,
      r2.dailyTargetPlan.updated,
    ]).toEqual([0, 0, 0, 0]);
    // Reference data only: no demo CSVs, no uploaded data.
    expect(existsSync(path.join(repoRoot, 'demo-data'))).toBe(false);
    expect(await count(migrated.url, `select count(*) as n from log.upload_file`)).toBe(0);
  });

  it('on a database that is not migrated: exit 1, names the missing tables and the fix', async () => {
    const r = await runScript('db-seed', ['--env', 'vm_stg'], { DATABASE_URL_VM_STG: empty.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('E_NOT_MIGRATED');
    expect(r.stderr).toContain('ref.calendar, mart.daily_target_plan, kpi.monthly_targets do not exist');
    expect(r.stderr).toContain('pnpm db:migrate');
  });

  it('a year that is not four digits is a usage error', async () => {
    const r = await runScript('db-seed', ['--env', 'vm_stg', '--through-year', '30'], {
      DATABASE_URL_VM_STG: migrated.url,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('E_USAGE: --through-year "30" is not a year');
  });
});

describe('prisma db seed (prisma.config.ts migrations.seed)', () => {
  it('runs the same seeding on DATABASE_URL', async () => {
    const db = await createTestDatabase(inject('pgAdminUrl'), {
      template: await createMigratedTemplate(inject('pgAdminUrl')),
    });
    try {
      const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
        const child = spawn(
          path.join(repoRoot, 'packages/db/node_modules/.bin/prisma'),
          ['db', 'seed', '--', '--from-year', '2024', '--through-year', '2024'],
          {
            cwd: path.join(repoRoot, 'packages/db'),
            // spelt so that only libpq's reading (resolveDatabase's) reaches db: node-pg ignores ?dbname=
            env: { ...process.env, DATABASE_URL: `${inject('pgAdminUrl')}?dbname=${db.name}`, NO_COLOR: '1' },
          },
        );
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, out }));
      });
      expect(r.out).toContain('reference data 2024-01-01 … 2024-12-31');
      expect(r.code).toBe(0);
      expect(await count(db.url, `select count(*) as n from ref.calendar`)).toBe(366);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        expect((await c.query(`select holiday_name from ref.calendar where ddate = '2024-02-12'`)).rows[0]).toEqual({
          holiday_name: '振替休日',
        });
      } finally {
        await c.end();
      }
    } finally {
      await db.drop();
    }
  });
});

/**
 * Targets typed by a person (what PUT /targets/month/:month and PUT /targets/day/:date write: the
 * value and its kpi.target_edit row) survive every seeding command; only the guarded --overwrite
 * replaces them, after writing them to a backup file.
 */
describe('typed targets and --overwrite', () => {
  const registryFile = writeRegistry('db-seed-', {
    local_dev: { embedded: { port: 1 } },
    vm_prod: { remote: true, protected: true },
  });
  let db: TestDatabase;
  let backups: string;
  const run = (script: string, args: string[], env: 'local_dev' | 'vm_prod') =>
    runScript(script, [...args, '--env', env], {
      WAREHOUSE_ENV_FILE: registryFile,
      WAREHOUSE_COUNTDOWN_SECONDS: '0',
      WAREHOUSE_BACKUP_DIR: backups,
      DATABASE_URL_LOCAL_DEV: env === 'local_dev' ? db.url : undefined,
      DATABASE_URL_VM_PROD: env === 'vm_prod' ? db.url : undefined,
      FORCE: undefined,
    });
  const ton = async (sql: string) => withClient(db.url, async (c) => (await c.query<{ t: string }>(sql)).rows[0]!.t);
  const month = () => ton(`select target_ton::text t from kpi.monthly_targets where month = '2026-01-01'`);
  const day = () => ton(`select target_ton::text t from mart.daily_target_plan where ddate = '2026-01-06'`);
  const latestEdits = () =>
    withClient(
      db.url,
      async (c) =>
        (
          await c.query(
            `select distinct on (scope) scope, new_ton::text, source from kpi.target_edit order by scope, id desc`,
          )
        ).rows,
    );
  const backupFiles = () =>
    (existsSync(backups) ? readdirSync(backups, { recursive: true }).map(String) : []).filter((f) =>
      /\.(csv|sql|dump)$/.test(f),
    );
  const YEARS = ['--from-year', '2025', '--through-year', '2026'];

  beforeAll(async () => {
    db = await createTestDatabase(inject('pgAdminUrl'), {
      template: await createMigratedTemplate(inject('pgAdminUrl')),
    });
    backups = mkdtempSync(path.join(os.tmpdir(), 'db-seed-backups-'));
    expect((await run('db-seed', YEARS, 'local_dev')).code).toBe(0);
    // A person types the January target and one day's plan (as setTarget in routes/targets.ts).
    await withClient(db.url, (c) =>
      c.query(`
        insert into kpi.target_edit (editor, scope, ddate, old_ton, new_ton, source)
          select '佐藤', 'month', month, target_ton, 777, 'form' from kpi.monthly_targets where month = '2026-01-01';
        update kpi.monthly_targets set target_ton = 777 where month = '2026-01-01';
        insert into kpi.target_edit (editor, scope, ddate, old_ton, new_ton, source)
          select '佐藤', 'day', ddate, target_ton, 12.5, 'form' from mart.daily_target_plan where ddate = '2026-01-06';
        update mart.daily_target_plan set target_ton = 12.5 where ddate = '2026-01-06';`),
    );
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('pnpm db:seed keeps them, says it kept values, and the history still agrees', async () => {
    const r = await run('db-seed', YEARS, 'local_dev');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('kept 2 existing value(s)');
    expect(r.stdout).toContain('--overwrite');
    expect([await month(), await day()]).toEqual(['777.000', '12.500']);
    expect(await latestEdits()).toEqual([
      { scope: 'day', new_ton: '12.500', source: 'form' },
      { scope: 'month', new_ton: '777.000', source: 'form' },
    ]);
  });

  it('pnpm demo:data --reference keeps them', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'demo-ref-'));
    const r = await run(
      'demo-data',
      ['--reference', '--years', '1', '--end', '2025-12-31', '--out', out, '--seed', 'other'],
      'local_dev',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kept \d+ existing value/);
    expect([await month(), await day()]).toEqual(['777.000', '12.500']);
  });

  it('prisma db seed keeps them, and refuses -- --overwrite (exit 2)', async () => {
    const seedScript = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve, reject) => {
        const child = spawn(
          path.join(repoRoot, 'node_modules/.bin/tsx'),
          [path.join(repoRoot, 'packages/demo/scripts/prisma-seed.ts'), ...args],
          { env: { ...process.env, DATABASE_URL: db.url, NO_COLOR: '1' } },
        );
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, out }));
      });
    const plain = await seedScript(YEARS);
    expect(plain.code, plain.out).toBe(0);
    expect(plain.out).toContain('kept 2 existing value(s)');
    const over = await seedScript([...YEARS, '--overwrite']);
    expect(over.code, over.out).toBe(2);
    expect(over.out).toContain('pnpm db:seed --env NAME --overwrite');
    expect([await month(), await day()]).toEqual(['777.000', '12.500']);
  });

  it('guard flags without --overwrite are a usage error (exit 1)', async () => {
    const r = await run('db-seed', [...YEARS, '--force'], 'local_dev');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--force only applies to --overwrite');
  });

  it('--overwrite on a protected env is refused without --force (exit 2): nothing replaced, nothing written', async () => {
    for (const [script, args] of [
      ['db-seed', ['--overwrite', ...YEARS]],
      [
        'demo-data',
        [
          '--reference',
          '--overwrite',
          '--years',
          '1',
          '--end',
          '2025-12-31',
          '--out',
          mkdtempSync(path.join(os.tmpdir(), 'demo-ref-')),
        ],
      ],
      ['db-seed', ['--overwrite', '--force', ...YEARS]], // forced, but no terminal and no --confirm
    ] as const) {
      const r = await run(script, [...args], 'vm_prod');
      expect(r.code, `${script} ${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/E_ENV_PROTECTED|E_GUARD_REFUSED/);
    }
    expect([await month(), await day()]).toEqual(['777.000', '12.500']);
    expect(backupFiles()).toEqual([]);
  });

  it('--overwrite on a protected env with --force --confirm: full backup, the typed values backed up, replaced, counted and recorded', async () => {
    const r = await run('db-seed', ['--overwrite', '--force', '--confirm', 'vm_prod', ...YEARS, '--json'], 'vm_prod');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.replacedCount).toBe(2);
    expect(out.replaced.monthlyTargets).toEqual([
      { date: '2026-01-01', oldTon: '777.000', newTon: expect.any(String) },
    ]);
    expect(out.replaced.dailyTargetPlan).toEqual([
      { date: '2026-01-06', oldTon: '12.500', newTon: expect.any(String) },
    ]);
    expect(r.stderr).toContain('backup written'); // the guard's pg_dump of the whole database
    expect(out.backupFiles).toHaveLength(1);
    expect(readFileSync(out.backupFiles[0], 'utf8')).toBe('date,target_ton\n2026-01,777.000\n2026-01-06,12.500\n');
    expect(await month()).toBe(out.replaced.monthlyTargets[0].newTon);
    expect(await day()).toBe(out.replaced.dailyTargetPlan[0].newTon);
    expect(await latestEdits()).toEqual([
      { scope: 'day', new_ton: out.replaced.dailyTargetPlan[0].newTon, source: 'seed' },
      { scope: 'month', new_ton: out.replaced.monthlyTargets[0].newTon, source: 'seed' },
    ]);
    expect(backupFiles().some((f) => f.endsWith('.dump'))).toBe(true);
  });

  it('--overwrite on a local env runs at once and prints how many values it replaced (none left: 0, no file)', async () => {
    await withClient(db.url, (c) =>
      c.query(`update kpi.monthly_targets set target_ton = 1 where month = '2025-03-01'`),
    );
    const before = backupFiles().length;
    const r = await run('db-seed', ['--overwrite', ...YEARS], 'local_dev');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('replaced 1 value(s) (calendar 0, daily targets 0, monthly targets 1)');
    expect(r.stdout).toContain('the old values are in');
    expect(backupFiles().length).toBe(before + 1);
    const again = await run('db-seed', ['--overwrite', ...YEARS], 'local_dev');
    expect(again.stdout).toContain('replaced 0 value(s)');
    expect(backupFiles().length).toBe(before + 1);
  });
});

/**
 * Commands that write without destroying need no --force, but a database marked production must be
 * named as such: reaching it through another env's URL is refused (exit 2) before anything is written.
 */
describe('writing commands reaching a database marked vm_prod through local_dev', () => {
  const registryFile = writeRegistry('writers-', {
    local_dev: { embedded: { port: 1 } },
    vm_prod: { remote: true, protected: true },
  });
  let prod: TestDatabase;
  const env = () => ({
    WAREHOUSE_ENV_FILE: registryFile,
    WAREHOUSE_COUNTDOWN_SECONDS: '0',
    DATABASE_URL_LOCAL_DEV: prod.url,
    DATABASE_URL_VM_PROD: undefined,
    PROD_DATABASE_URL: undefined,
    FORCE: undefined,
  });
  const calendarRows = () => count(prod.url, `select count(*) as n from ref.calendar`);

  beforeAll(async () => {
    prod = await createTestDatabase(inject('pgAdminUrl'), {
      template: await createMigratedTemplate(inject('pgAdminUrl')),
    });
    const marked = await runScript('db-protect', ['--env', 'vm_prod'], {
      ...env(),
      DATABASE_URL_LOCAL_DEV: undefined,
      DATABASE_URL_VM_PROD: prod.url,
    });
    expect(marked.code, marked.stderr).toBe(0);
  });
  afterAll(async () => {
    await prod?.drop();
  });

  it.each([
    ['db-seed', ['--from-year', '2025', '--through-year', '2025']],
    [
      'demo-data',
      ['--reference', '--years', '1', '--end', '2025-06-30', '--out', path.join(os.tmpdir(), 'writers-demo')],
    ],
    ['db-migrate', []],
    ['mv-refresh', ['--all']],
    ['db-bootstrap-roles', []],
  ])('%s --env local_dev is refused with exit 2 (E_TARGET_PROTECTED), nothing written', async (script, args) => {
    const r = await runScript(script, [...args, '--env', 'local_dev'], env());
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('E_TARGET_PROTECTED');
    expect(r.stderr).toContain('--env vm_prod');
    expect(await calendarRows()).toBe(0);
    expect(await count(prod.url, `select count(*) as n from log.mv_refresh_log`)).toBe(0);
  });

  it('named as vm_prod, db:seed fills it without --force (it only adds)', async () => {
    const r = await runScript('db-seed', ['--from-year', '2025', '--through-year', '2025', '--env', 'vm_prod'], {
      ...env(),
      DATABASE_URL_LOCAL_DEV: undefined,
      DATABASE_URL_VM_PROD: prod.url,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(await calendarRows()).toBe(365);
  });
});
