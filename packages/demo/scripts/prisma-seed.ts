#!/usr/bin/env tsx
/**
 * `prisma db seed` (the `migrations.seed` command in prisma.config.ts): the reference data on
 * DATABASE_URL, through `seedReference` — the same code as `pnpm db:seed`, `pnpm start` and
 * `pnpm demo:data --reference`. `prisma db seed -- --through-year 2030` passes the year on.
 * Missing rows only: a target a person typed is never changed. There is no overwrite here: it
 * needs the env guard, which knows env names, and DATABASE_URL has none (`pnpm db:seed --env NAME
 * --overwrite` does it, guarded and backed up); `-- --overwrite` is refused with exit 2.
 * DATABASE_URL is read as `pnpm start` reads it (resolveDatabase's explicit URL for WAREHOUSE_ENV,
 * libpq's rules, PG* variables included), so both seed the database psql reaches with that URL.
 */
import { parseArgs } from 'node:util';
import { DbError, maskUrl, withClient } from '@warehouse/db';
import { resolveDatabase } from '@warehouse/env';
import { referenceRange, seedReference } from '../src/seed/index.ts';

const HELP = `prisma db seed [-- --from-year YYYY --through-year YYYY]

Fills the missing rows of ref.calendar, mart.daily_target_plan and kpi.monthly_targets on
DATABASE_URL; a row that exists (a target a person typed) is never changed. Defaults: from
1 January six years back through 31 December of next year. With --env names, use
\`pnpm db:seed --env NAME\` instead; replacing values is \`pnpm db:seed --env NAME --overwrite\`
(guarded, backed up), never this command. Exit codes: 0 ok, 1 failure, 2 refused (--overwrite).`;

try {
  const { values } = parseArgs({
    options: {
      'from-year': { type: 'string' },
      'through-year': { type: 'string' },
      overwrite: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  if (values.overwrite) {
    console.error(
      'error E_GUARD_REFUSED: prisma db seed never replaces existing values: it knows no env name to guard. ' +
        'Nothing was changed. Fix: run `pnpm db:seed --env NAME --overwrite` (guarded like db:reset; it backs up what it replaces).',
    );
    process.exit(2);
  }
  if (!process.env.DATABASE_URL)
    throw new DbError(
      'E_ENV_NO_URL',
      'DATABASE_URL is not set; prisma db seed needs it (or run `pnpm db:seed --env NAME`)',
    );
  const { url } = await resolveDatabase(process.env.WAREHOUSE_ENV || 'local_dev', {
    explicit: { url: process.env.DATABASE_URL, variable: 'DATABASE_URL' },
  });
  const asYear = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d{4}$/.test(v))
      throw new DbError('E_BAD_ARGUMENT', `--${name} ${JSON.stringify(v)} is not a year; pass four digits, e.g. 2030`);
    return Number(v);
  };
  const range = referenceRange({
    fromYear: asYear('from-year', values['from-year']),
    throughYear: asYear('through-year', values['through-year']),
  });
  const r = await withClient(url, (client) => seedReference(client, range));
  console.log(
    `reference data ${r.from} … ${r.to} on ${maskUrl(url)}: inserted calendar ${r.calendar.inserted}, ` +
      `daily targets ${r.dailyTargetPlan.inserted}, monthly targets ${r.monthlyTargets.inserted}; ` +
      `kept ${r.calendar.kept + r.dailyTargetPlan.kept + r.monthlyTargets.kept} existing value(s) that differ from the generated ones`,
  );
  process.exit(0);
} catch (error) {
  const e = error as Error & { code?: string };
  console.error(`error ${e.code ? `${e.code}: ` : ''}${e.message}`);
  process.exit(1);
}
