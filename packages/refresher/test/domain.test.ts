import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mvStatus, refreshForCsvType } from '../src/index.ts';
import { freshDatabase, quiet, type Fixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await freshDatabase();
});
afterAll(() => f?.close());

describe('the mart MVs of the migrated schema', () => {
  it('an upload of receive refreshes mv_receive_daily first, then everything built on it', async () => {
    const r = await refreshForCsvType('receive', { pool: f.pool, logger: quiet, trigger: 'upload:7' });
    const names = r.results.map((x) => x.mv);
    expect(names[0]).toBe('mart.mv_receive_daily');
    expect(names).toEqual(expect.arrayContaining(['mart.mv_inb_avg5y_day_biz', 'mart.mv_inb5y_week_profile_min']));
    expect(r.results.every((x) => x.status === 'refreshed')).toBe(true);
    expect(r.trigger).toBe('upload:7');
  });

  it('status lists each MV with populated, unique index and its last refresh', async () => {
    const rows = await mvStatus(f.pool);
    const daily = rows.find((x) => x.mv === 'mart.mv_receive_daily')!;
    expect(daily).toMatchObject({ populated: true, uniqueIndex: 'ux_mv_receive_daily_ddate', lastError: null });
    expect(daily.lastRefreshAt).toBeInstanceOf(Date);
    expect(daily.lastDurationMs).toBeGreaterThanOrEqual(0);
  });
});
