#!/usr/bin/env tsx
/**
 * `prisma db seed` (the `migrations.seed` command in prisma.config.ts): the reference data on
 * DATABASE_URL, through `seedReference` — the same code as `pnpm db:seed`, `pnpm start` and
 * `pnpm demo:data --reference`. `prisma db seed -- --through-year 2030` passes the year on.
 */
import { parseArgs } from 'node:util';
import { DbError, maskUrl, withClient } from '../src/index.ts';
import { referenceRange, seedReference } from '../src/seed/index.ts';

const HELP = `prisma db seed [-- --from-year YYYY --through-year YYYY]

Fills ref.calendar, mart.daily_target_plan and kpi.monthly_targets on DATABASE_URL (idempotent).
Defaults: from 1 January six years back through 31 December of next year. With --env names,
use \`pnpm db:seed --env NAME\` instead. Exit codes: 0 ok, 1 failure.`;

try {
  const { values } = parseArgs({
    options: {
      'from-year': { type: 'string' },
      'through-year': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new DbError(
      'E_ENV_NO_URL',
      'DATABASE_URL is not set; prisma db seed needs it (or run `pnpm db:seed --env NAME`)',
    );
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
    `reference data ${r.from} … ${r.to} on ${maskUrl(url)}: calendar ${r.calendar.inserted} new/${r.calendar.updated} changed`,
  );
  process.exit(0);
} catch (error) {
  const e = error as Error & { code?: string };
  console.error(`error ${e.code ? `${e.code}: ` : ''}${e.message}`);
  process.exit(1);
}
