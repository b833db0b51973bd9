#!/usr/bin/env tsx
// pnpm db:seed — fill the reference data (calendar with holidays, daily and monthly targets).
import { withClient } from '@warehouse/db';
import { referenceRange, seedReference } from '@warehouse/db/seed';
import { c, CliError, defineCommand, envFlag, jsonFlag, printJson, runCommand, withEnv } from '../src/index.ts';

function year(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d{4}$/.test(value) || !Number.isInteger(n))
    throw new CliError('E_USAGE', `--${flag} ${JSON.stringify(value)} is not a year; pass four digits, e.g. 2030`);
  return n;
}

await runCommand(
  defineCommand({
    name: 'pnpm db:seed',
    summary: 'fill the reference data: calendar with Japanese holidays, daily and monthly targets',
    description:
      'Writes ref.calendar, mart.daily_target_plan and kpi.monthly_targets from 1 January of --from-year\n' +
      '(default: six years back) through 31 December of --through-year (default: next year). Idempotent:\n' +
      'a second run changes nothing. Writes no demo CSVs and no uploaded data. The database must be\n' +
      'migrated (`pnpm db:migrate`). `prisma db seed` in packages/db runs the same code on DATABASE_URL.',
    flags: {
      env: envFlag,
      'from-year': {
        type: 'string',
        placeholder: 'YYYY',
        description: 'first year of the calendar (default: this year − 6)',
      },
      'through-year': {
        type: 'string',
        placeholder: 'YYYY',
        description: 'last year of the calendar (default: next year)',
      },
      json: jsonFlag,
    },
    examples: ['pnpm db:seed', 'pnpm db:seed --env local_demo --through-year 2030'],
    async run({ flags }) {
      const range = referenceRange({
        fromYear: year('from-year', flags['from-year']),
        throughYear: year('through-year', flags['through-year']),
      });
      const r = await withEnv(flags.env, (db) => withClient(db.url, (client) => seedReference(client, range)));
      if (flags.json) printJson(r);
      else {
        process.stdout.write(
          `${c.ok('ok')} reference data ${r.from} … ${r.to}: calendar ${r.calendar.inserted} new/${r.calendar.updated} changed, ` +
            `daily targets ${r.dailyTargetPlan.inserted}/${r.dailyTargetPlan.updated}, monthly targets ${r.monthlyTargets.inserted}/${r.monthlyTargets.updated}\n`,
        );
      }
    },
  }),
);
