/**
 * Every relation the migration history leaves in the domain schemas at head, with its kind.
 * A deploy from an empty database must reach exactly this set (test/migrations.test.ts checks it
 * against the catalog). Add an entry in the same commit as the migration that creates the object.
 *
 * @example
 *   const views = DOMAIN_OBJECTS.filter((o) => o.kind === 'matview').map((o) => o.name);
 */
export type DomainObjectKind = 'table' | 'view' | 'matview';

export interface DomainObject {
  /** Schema-qualified name, e.g. `mart.mv_receive_daily`. */
  name: string;
  kind: DomainObjectKind;
}

/** The schemas the toolkit owns (`datasource.schemas` in prisma/schema.prisma). */
export const DOMAIN_SCHEMAS = ['raw', 'stg', 'ref', 'mart', 'kpi', 'log'] as const;

export const DOMAIN_OBJECTS: readonly DomainObject[] = [
  // log
  { name: 'log.upload_file', kind: 'table' },
  { name: 'log.upload_blob', kind: 'table' },
  { name: 'log.mv_refresh_log', kind: 'table' },
  { name: 'log.upload_touched_date', kind: 'table' },
  // raw
  { name: 'raw.shogun_receive', kind: 'table' },
  { name: 'raw.shogun_shipment', kind: 'table' },
  { name: 'raw.shogun_yard', kind: 'table' },
  // stg
  { name: 'stg.shogun_final_receive', kind: 'table' },
  { name: 'stg.shogun_flash_receive', kind: 'table' },
  { name: 'stg.shogun_final_shipment', kind: 'table' },
  { name: 'stg.shogun_flash_shipment', kind: 'table' },
  { name: 'stg.shogun_final_yard', kind: 'table' },
  { name: 'stg.shogun_flash_yard', kind: 'table' },
  // stg history: rows superseded by a later upload (a revert moves them back)
  { name: 'stg.shogun_final_receive_history', kind: 'table' },
  { name: 'stg.shogun_flash_receive_history', kind: 'table' },
  { name: 'stg.shogun_final_shipment_history', kind: 'table' },
  { name: 'stg.shogun_flash_shipment_history', kind: 'table' },
  { name: 'stg.shogun_final_yard_history', kind: 'table' },
  { name: 'stg.shogun_flash_yard_history', kind: 'table' },
  // ref, mart, kpi tables
  { name: 'ref.calendar', kind: 'table' },
  { name: 'mart.daily_target_plan', kind: 'table' },
  { name: 'kpi.monthly_targets', kind: 'table' },
  // views and materialized views
  { name: 'mart.mv_receive_daily', kind: 'matview' },
  { name: 'mart.v_receive_weekly', kind: 'view' },
  { name: 'mart.v_receive_monthly', kind: 'view' },
  { name: 'mart.mv_inb_avg5y_day_biz', kind: 'matview' },
  { name: 'mart.mv_inb_avg5y_weeksum_biz', kind: 'matview' },
  { name: 'mart.mv_inb_avg5y_day_scope', kind: 'matview' },
  { name: 'mart.mv_inb5y_week_profile_min', kind: 'matview' },
  { name: 'mart.mv_target_card_per_day', kind: 'matview' },
  { name: 'mart.mv_shipment_daily', kind: 'matview' },
];

/** Objects the history once created and later dropped: they must not exist at head. */
export const RETIRED_OBJECTS: readonly DomainObject[] = [{ name: 'mart.v_receive_daily', kind: 'view' }];

/** `pg_class.relkind` for each kind (`r` table, `v` view, `m` materialized view). */
export const RELKIND: Record<DomainObjectKind, string> = { table: 'r', view: 'v', matview: 'm' };
