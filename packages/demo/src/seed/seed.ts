/**
 * The one way reference data gets into a database: `pnpm db:seed`, Prisma's `prisma db seed`
 * (prisma.config.ts), `pnpm start` and `pnpm demo:data --reference` all call `seedReference`.
 * It writes only ref.calendar, mart.daily_target_plan and kpi.monthly_targets, inserting missing
 * rows only (a value that exists, e.g. a target a person typed, is never changed), and never demo
 * CSVs or rows of uploaded data. Replacing values takes `overwrite: true`, which only the guarded
 * `pnpm db:seed --overwrite` / `pnpm demo:data --reference --overwrite` pass.
 */
import type pg from 'pg';
import { DbError } from '@warehouse/db';
import { HOLIDAY_MAX_YEAR, HOLIDAY_MIN_YEAR } from './holidays.ts';
import { seedReferenceData, type SeedReferenceOptions, type SeedReferenceResult } from './reference.ts';

/** The tables seedReference fills; a database without them is not migrated yet. */
export const REFERENCE_TABLES = ['ref.calendar', 'mart.daily_target_plan', 'kpi.monthly_targets'] as const;

export interface ReferenceRange {
  /** First date, `YYYY-MM-DD`. */
  from: string;
  /** Last date, `YYYY-MM-DD` (31 December of the configured year). */
  to: string;
}

/**
 * The default range: from 1 January six years back (the five-year averages need five whole ISO
 * years before the current one) through 31 December of `throughYear` (default: next year).
 */
export function referenceRange(
  options: { today?: Date; fromYear?: number; throughYear?: number } = {},
): ReferenceRange {
  const year = (options.today ?? new Date()).getUTCFullYear();
  const fromYear = options.fromYear ?? year - 6;
  const throughYear = options.throughYear ?? year + 1;
  for (const [name, y] of [
    ['from year', fromYear],
    ['through year', throughYear],
  ] as const) {
    if (!Number.isInteger(y) || y < HOLIDAY_MIN_YEAR || y > HOLIDAY_MAX_YEAR) {
      throw new DbError(
        'E_BAD_ARGUMENT',
        `${name} ${String(y)} is outside the holiday rules' range ${HOLIDAY_MIN_YEAR}–${HOLIDAY_MAX_YEAR}; pass a year within it`,
      );
    }
  }
  if (fromYear > throughYear)
    throw new DbError('E_BAD_ARGUMENT', `from year ${fromYear} is after through year ${throughYear}; swap them`);
  return { from: `${fromYear}-01-01`, to: `${throughYear}-12-31` };
}

/** Throws E_NOT_MIGRATED naming the missing table and the fix when the reference tables are absent. */
export async function assertReferenceTables(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ name: string; present: boolean; db: string }>(
    `select t.name, to_regclass(t.name) is not null as present, current_database() as db from unnest($1::text[]) as t(name)`,
    [REFERENCE_TABLES],
  );
  const missing = rows.filter((r) => !r.present).map((r) => r.name);
  if (missing.length) {
    throw new DbError(
      'E_NOT_MIGRATED',
      `${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist in database ${rows[0]!.db}: it is not migrated yet. ` +
        'Run `pnpm db:migrate --env <env>` (or `prisma migrate deploy`) first, then seed again; `pnpm db:status` shows what is pending.',
    );
  }
}

/**
 * Check the tables exist, then fill the missing reference data for `range` (default
 * `referenceRange()`); `overwrite` and its options as in `seedReferenceData`.
 */
export async function seedReference(
  client: pg.ClientBase,
  range: ReferenceRange & Omit<SeedReferenceOptions, 'from' | 'to'> = referenceRange(),
): Promise<SeedReferenceResult> {
  await assertReferenceTables(client);
  return seedReferenceData(client, range);
}
