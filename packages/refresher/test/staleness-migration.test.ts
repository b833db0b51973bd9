/**
 * "A migration that rebuilt m" is a staleness input: the migration runner records the views and
 * MVs a migration creates (log.migration_rebuild, same transaction), and an MV rebuilt WITH NO
 * DATA, or one reading a view a migration replaced, is stale until a refresh after it.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_DIR, migrate } from '@warehouse/migrate';
import { mvStaleness, refresh, refreshAll } from '../src/index.ts';
import { freshDatabase, quiet, type Fixture } from './helpers.ts';

let f: Fixture;
let dir: string;
beforeAll(async () => {
  f = await freshDatabase();
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'staleness-migration-')), 'migrations');
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
});
afterAll(async () => {
  await f?.close();
  if (dir) rmSync(path.dirname(dir), { recursive: true, force: true });
});

const viewdef = async (name: string) =>
  (await f.pool.query(`select pg_get_viewdef($1::regclass, true) as q`, [name])).rows[0].q.replace(/;\s*$/, '');

async function addAndMigrate(name: string, sql: string) {
  mkdirSync(path.join(dir, name));
  writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  const r = await migrate({ url: f.db.url, dir });
  expect(r.failed?.error.message).toBeUndefined();
  expect(r.applied.map((a) => a.name)).toEqual([name]);
}

const staleness = async () => {
  const s = await mvStaleness(f.pool, { defaultTargetMs: 600_000 });
  return (mv: string) => s.get(mv)!;
};

describe('staleness counts migrations that rebuilt an MV or an input of it', () => {
  it('rises after the migration and returns to 0 after a refresh; an MV the migration filled stays fresh', async () => {
    expect((await refreshAll({ pool: f.pool, logger: quiet, trigger: 'test' })).outcome).toBe('ok');
    let s = await staleness();
    for (const mv of ['mart.mv_receive_daily', 'mart.mv_target_card_per_day', 'mart.mv_inb5y_week_profile_min'])
      expect(s(mv).stalenessSeconds).toBe(0);

    // The view the target card reads is replaced (same query: "old logic" is all the MV can know);
    // mv_inb5y_week_profile_min is rebuilt WITH NO DATA; mv_probe is created WITH DATA from current rows.
    const card = await viewdef('mart.v_daily_target_with_calendar');
    const profile = await viewdef('mart.mv_inb5y_week_profile_min');
    const name = '20991231000000_rebuild_for_staleness';
    await addAndMigrate(
      name,
      `create or replace view mart.v_daily_target_with_calendar as ${card};\n` +
        `drop materialized view mart.mv_inb5y_week_profile_min;\n` +
        `create materialized view mart.mv_inb5y_week_profile_min as ${profile} with no data;\n` +
        `create materialized view mart.mv_probe as select count(*) as n from mart.mv_receive_daily with data;\n`,
    );
    const recorded = await f.pool.query(
      `select relation, kind, with_data from log.migration_rebuild where migration_name = $1 order by id`,
      [name],
    );
    expect(recorded.rows).toEqual([
      { relation: 'mart.v_daily_target_with_calendar', kind: 'view', with_data: null },
      { relation: 'mart.mv_inb5y_week_profile_min', kind: 'mv', with_data: false },
      { relation: 'mart.mv_probe', kind: 'mv', with_data: true },
    ]);

    // staleness is rounded to the millisecond: let the database clock move one past the migration
    await new Promise((r) => setTimeout(r, 20));
    s = await staleness();
    for (const mv of ['mart.mv_target_card_per_day', 'mart.mv_inb5y_week_profile_min']) {
      expect(s(mv).stalenessSeconds, mv).toBeGreaterThan(0);
      expect(s(mv).changedBy).toBe(`migration:${name}`);
      expect(s(mv).changedCsvType).toBeNull();
    }
    expect(s('mart.mv_receive_daily').stalenessSeconds).toBe(0);
    expect(s('mart.mv_probe').stalenessSeconds).toBe(0);

    const r = await refresh(['mart.mv_target_card_per_day', 'mart.mv_inb5y_week_profile_min'], {
      pool: f.pool,
      logger: quiet,
      trigger: 'test',
    });
    expect(r.outcome).toBe('ok');
    s = await staleness();
    for (const mv of ['mart.mv_target_card_per_day', 'mart.mv_inb5y_week_profile_min', 'mart.mv_receive_daily'])
      expect(s(mv).stalenessSeconds, mv).toBe(0);
  });

  it('a migration that created nothing is not recorded and changes nothing', async () => {
    const before = (await f.pool.query(`select count(*)::int n from log.migration_rebuild`)).rows[0].n;
    await addAndMigrate('20991231000001_plain_table', 'create table mart.probe_plain (id int);\n');
    expect((await f.pool.query(`select count(*)::int n from log.migration_rebuild`)).rows[0].n).toBe(before);
    const s = await staleness();
    expect(s('mart.mv_inb5y_week_profile_min').stalenessSeconds).toBe(0);
  });
});
