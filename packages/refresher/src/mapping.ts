/**
 * The MV mapping: which materialized views an upload of each `csv_type` refreshes, and how each
 * MV is treated. This is the single place to add an MV to the refresh. Everything downstream of a
 * mapped MV (found in the database catalog, see graph.ts) is refreshed too, mapped or not, so only
 * the roots need listing here.
 *
 * To give `yard` MVs: add `{ mv: 'mart.mv_yard_daily', critical: true }` to `yard` below. The MV itself
 * is defined in the view catalog and created by a migration; test/mapping.test.ts checks that
 * every name here and in MV_SETTINGS is a catalog MV.
 *
 * The CSV kinds are the contract's (`@warehouse/db/kinds`); they are re-exported here for the
 * refresher's callers, not redefined.
 */

import { CSV_TYPES, isCsvType, type CsvType } from '@warehouse/db/kinds';

export { CSV_TYPES, isCsvType, type CsvType };

export interface MappedMv {
  /** Schema-qualified name, e.g. `mart.mv_receive_daily`. */
  mv: string;
  /** A failed critical MV makes the refresh outcome `failed`; a failed optional one `degraded`. */
  critical: boolean;
}

export interface MvSettings {
  /** Criticality when the MV is refreshed as a dependant (not as a mapped root). */
  critical?: boolean;
  /** Per-MV `lock_timeout` in ms (overrides the run's default). */
  lockTimeoutMs?: number;
  /** Per-MV `statement_timeout` in ms (overrides the run's default). */
  statementTimeoutMs?: number;
  /** How long the MV may stay behind its inputs before it counts as stale (default 10 min,
   *  MV_FRESHNESS_TARGET_MS); past it `GET /mv` flags it and an alert is sent. */
  freshnessTargetMs?: number;
}

// Every CSV kind of the contract must be listed (an empty list is fine): a new kind without an
// entry here is a compile error.
export const MV_MAPPING = {
  receive: [{ mv: 'mart.mv_receive_daily', critical: true }],
  shipment: [{ mv: 'mart.mv_shipment_daily', critical: true }],
  yard: [],
} as const satisfies Record<CsvType, readonly MappedMv[]>;

/**
 * Settings of every MV of the view catalog (packages/db/prisma/views; `{}` means optional with
 * the run's defaults). test/mapping.test.ts fails when a catalog MV has no entry or an entry
 * names no catalog MV; MVs outside the catalog (tests' own) are optional with run defaults.
 */
export const MV_SETTINGS: Readonly<Record<string, MvSettings>> = {
  'mart.mv_receive_daily': { critical: true },
  'mart.mv_target_card_per_day': { critical: true },
  'mart.mv_shipment_daily': { critical: true },
  'mart.mv_inb_avg5y_day_biz': { critical: false, statementTimeoutMs: 300_000 },
  'mart.mv_inb_avg5y_weeksum_biz': { critical: false, statementTimeoutMs: 300_000 },
  'mart.mv_inb_avg5y_day_scope': { critical: false, statementTimeoutMs: 300_000 },
  'mart.mv_inb5y_week_profile_min': { critical: false, statementTimeoutMs: 300_000 },
};

/** A mapping to use instead of MV_MAPPING (tests); a kind it leaves out refreshes nothing. */
export type MvMapping = Readonly<Partial<Record<CsvType, readonly MappedMv[]>>>;
