import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withClient } from '@warehouse/db';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/db/testing';
import { repoRoot, runScript } from './run-script.ts';

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
            env: { ...process.env, DATABASE_URL: db.url, NO_COLOR: '1' },
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
