#!/usr/bin/env tsx
// pnpm db:seed — fill the reference data (calendar with holidays, daily and monthly targets).
import {
  c,
  CliError,
  defineCommand,
  envFlag,
  guardFlags,
  jsonFlag,
  overwriteFlag,
  printJson,
  runCommand,
} from '../src/index.ts';

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
      'Fills ref.calendar, mart.daily_target_plan and kpi.monthly_targets from 1 January of --from-year\n' +
      '(default: six years back) through 31 December of --through-year (default: next year) with the rows\n' +
      'that are missing. A row that exists is never changed: targets typed on the targets page or in a\n' +
      'targets CSV stay (the output counts values that differ from the generated ones as kept). Writes no\n' +
      'demo CSVs and no uploaded data. The database must be migrated (`pnpm db:migrate`). `prisma db seed`\n' +
      'in packages/db runs the same code on DATABASE_URL.\n' +
      '--overwrite replaces every value that differs from the generated one. It is guarded like db:reset\n' +
      '(vm_stg: countdown; vm_prod or a database marked protected: refused without --force, then\n' +
      'confirmation and a full backup), writes the values it replaces to WAREHOUSE_BACKUP_DIR/<env>/ first\n' +
      '(targets as a targets CSV the console can upload back, calendar rows as SQL), records each\n' +
      'replaced target in the targets history, and prints how many values it replaced.',
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
      overwrite: overwriteFlag,
      ...guardFlags,
      json: jsonFlag,
    },
    examples: [
      'pnpm db:seed',
      'pnpm db:seed --env local_demo --through-year 2030',
      'pnpm db:seed --env vm_stg --overwrite --yes',
      'pnpm db:seed --env vm_prod --overwrite --force --confirm vm_prod',
    ],
    async run({ flags }) {
      const fromYear = year('from-year', flags['from-year']);
      const throughYear = year('through-year', flags['through-year']);
      const { referenceRange } = await import('@warehouse/demo/seed');
      const { describeSeed, runReferenceSeed } = await import('../src/seed.ts');
      const range = referenceRange({ fromYear, throughYear });
      const r = await runReferenceSeed({ flags, range, command: 'pnpm db:seed' });
      if (flags.json) printJson(r);
      else process.stdout.write(`${c.ok('ok')} ${describeSeed(r, flags.overwrite === true)}\n`);
    },
  }),
);
