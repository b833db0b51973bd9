// MV_MAPPING and MV_SETTINGS name MVs by hand; the view catalog (packages/db/prisma/views) is where
// they are defined. This ties the two: a catalog MV without a setting, or a setting or mapping
// entry naming no catalog MV (a typo, a dropped or renamed MV), fails here rather than silently
// falling back to the defaults.
import { describe, expect, it } from 'vitest';
import { readCatalog } from '@warehouse/db/views';
import { MV_MAPPING, MV_SETTINGS } from '../src/index.ts';

/** What the refresher refreshes: materialized views and incremental tables (kept from `__query` views). */
const refreshed = readCatalog()
  .filter((o) => o.kind === 'matview' || o.kind === 'table')
  .map((o) => o.name)
  .sort();

describe('MV_SETTINGS and MV_MAPPING against the view catalog', () => {
  it('the catalog has MVs to compare with', () => {
    expect(refreshed).toContain('mart.mv_receive_daily');
  });

  it('every catalog MV has a setting and every setting names a catalog MV', () => {
    const settings = Object.keys(MV_SETTINGS).sort();
    expect(
      refreshed.filter((mv) => !settings.includes(mv)),
      'catalog MVs without an entry in MV_SETTINGS (packages/refresher/src/mapping.ts)',
    ).toEqual([]);
    expect(
      settings.filter((mv) => !refreshed.includes(mv)),
      'MV_SETTINGS entries that name no MV of the catalog',
    ).toEqual([]);
  });

  it('every mapped root is a catalog MV', () => {
    const mapped = Object.values(MV_MAPPING).flatMap((roots) => roots.map((r) => r.mv));
    expect(mapped.filter((mv) => !refreshed.includes(mv))).toEqual([]);
  });
});
