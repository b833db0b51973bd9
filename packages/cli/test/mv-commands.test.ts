import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { runScript } from './run-script.ts';

let db: TestDatabase;
let env: Record<string, string>;
const count = async (sql: string) => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return Number((await client.query(sql)).rows[0].n);
  } finally {
    await client.end();
  }
};

beforeAll(async () => {
  const admin = inject('pgAdminUrl');
  db = await createTestDatabase(admin, { template: await createMigratedTemplate(admin), prefix: 'cli_mv' });
  env = { DATABASE_URL_LOCAL_DEV: db.url };
});
afterAll(() => db?.drop());

describe('mv:refresh, mv:history, mv:status', () => {
  it('mv:refresh with an unknown MV is a usage error naming the known MVs, and records nothing', async () => {
    const r = await runScript('mv-refresh', ['mart.mv_nope'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /mart\.mv_nope: no such materialized view in this database; known: .*mart\.mv_receive_daily/,
    );
    expect(await count(`select count(*) as n from log.mv_refresh_log`)).toBe(0);
    const t = await runScript('mv-refresh', ['--csv-type', 'pallets'], env);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/--csv-type "pallets" is not one of receive, shipment, yard/);
  });

  it('mv:history lists the attempts of one MV with their trigger; mv:status shows staleness', async () => {
    expect((await runScript('mv-refresh', ['mv_receive_daily'], env)).code).toBe(0);
    const h = await runScript('mv-history', ['mart.mv_receive_daily', '--json'], env);
    expect(h.code).toBe(0);
    const rows = JSON.parse(h.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ trigger: 'cli', outcome: 'refreshed', attempts: 1 });
    const text = await runScript('mv-history', ['mv_receive_daily'], env);
    expect(text.stdout).toMatch(/started\s+trigger\s+mode\s+duration\s+outcome/);
    expect(text.stdout).toMatch(/cli\s+\w+\s+\d/);
    const none = await runScript('mv-history', ['mart.mv_nope'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/known: .*mart\.mv_receive_daily/);
    const s = await runScript('mv-status', ['--json'], env);
    const mv = JSON.parse(s.stdout).find((m: { mv: string }) => m.mv === 'mart.mv_receive_daily');
    expect(mv).toMatchObject({ stalenessSeconds: 0, overTarget: false, freshnessTargetSeconds: 600 });
    expect((await runScript('mv-status', [], env)).stdout).toMatch(/mart\.mv_receive_daily\s+fresh/);
  });

  it('--help exits 0', async () => {
    const r = await runScript('mv-history', ['--help'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pnpm mv:history');
  });
});

describe('mv:verify and mv:refresh --full (incremental tables)', () => {
  it('mv:verify finds a tampered row (exit 1, naming the key), --repair rebuilds it (exit 0), then it agrees', async () => {
    const run = async (sql: string) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await run(
      `insert into mart.mv_receive_daily (ddate, iso_year, iso_week, receive_net_ton, slip_count, amount_yen) values ('2001-02-03', 2001, 5, 9, 9, 9)`,
    );
    const v = await runScript('mv-verify', [], env);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/mart\.mv_receive_daily\s+1 key\(s\) differ\s+2001-02-03 extra/);
    expect(v.stdout).toMatch(/mart\.mv_shipment_daily\s+equal/);
    expect(v.stderr).toContain('pnpm mv:verify --repair');
    const unknown = await runScript('mv-verify', ['mart.mv_target_card_per_day'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /mart\.mv_target_card_per_day is not an incremental table .*known: mart\.mv_receive_daily, mart\.mv_shipment_daily/,
    );
    const r = await runScript('mv-verify', ['mv_receive_daily', '--repair', '--json'], env);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.results[0].differences).toEqual([{ key: '2001-02-03', kind: 'extra' }]);
    expect(report.repair.after[0]).toMatchObject({ ok: true, differences: [] });
    expect((await runScript('mv-verify', [], env)).code).toBe(0);
    expect(await count(`select count(*) as n from mart.mv_receive_daily where ddate = '2001-02-03'`)).toBe(0);
  });

  it('mv:refresh --full NAME rebuilds whole and the history says so', async () => {
    const r = await runScript('mv-refresh', ['--full', 'mart.mv_shipment_daily'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/mart\.mv_shipment_daily\s+concurrent\s+full\s+refreshed/);
    const h = JSON.parse((await runScript('mv-history', ['mart.mv_shipment_daily', '--json'], env)).stdout);
    expect(h[0]).toMatchObject({ trigger: 'cli', outcome: 'refreshed', strategy: 'full', keyCount: 0 });
    expect((await runScript('mv-verify', ['--help'], env)).code).toBe(0);
  });
});
