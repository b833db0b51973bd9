#!/usr/bin/env tsx
// pnpm db:stamp --to NAME|head — mark migrations applied without running them (baseline).
import {
  defineCommand,
  envFlag,
  runCommand,
  info,
  c,
  CliError,
  dirFlag,
  guardFlags,
  intFlag,
  lockTimeoutFlag,
} from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:stamp',
    summary: 'mark migrations up to NAME (or head) applied without running them',
    description:
      'For a database whose objects already exist (a baseline). Rows are written like `prisma migrate resolve --applied`\n' +
      '(applied_steps_count 0). Goes through the guard of destructive commands on remote and protected envs.',
    flags: {
      env: envFlag,
      to: {
        type: 'string',
        placeholder: 'NAME|head',
        description: 'last migration to mark applied (a folder name, or head)',
      },
      dir: dirFlag,
      'lock-timeout': lockTimeoutFlag,
      ...guardFlags,
    },
    examples: ['pnpm db:stamp --to head', 'pnpm db:stamp --to 20251201000000_init --env vm_stg'],
    async run({ flags }) {
      if (!flags.to) throw new CliError('E_USAGE', '--to NAME|head is required; see `pnpm db:status` for the names');
      const lockTimeoutMs = intFlag('lock-timeout', flags['lock-timeout'], 0);
      const { stamp } = await import('@warehouse/migrate');
      const { withGuardedEnv } = await import('../src/destructive.ts');
      await withGuardedEnv(flags, `stamp --to ${flags.to}`, async (db) => {
        const r = await stamp({ url: db.url, dir: flags.dir, to: flags.to!, lockTimeoutMs });
        for (const n of r.stamped) info(`${c.ok('stamped')} ${n}`);
        info(`${r.stamped.length} marked applied without running, ${r.skipped.length} were already applied`);
      });
    },
  }),
);
