#!/usr/bin/env tsx
// pnpm db:rollback [--steps N] — run down.sql of the newest applied migrations.
import {
  defineCommand,
  envFlag,
  runCommand,
  info,
  c,
  EXIT,
  dirFlag,
  guardFlags,
  intFlag,
  lockTimeoutFlag,
} from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:rollback',
    summary: 'undo the newest applied migrations with their down.sql',
    description:
      "Each down.sql runs in one transaction together with deleting the migration's _prisma_migrations rows, so it becomes\n" +
      'pending again. Refuses (nothing changed) when one of them has no down.sql. Destructive: guarded on remote and\n' +
      'protected envs (a protected env is backed up first).',
    flags: {
      env: envFlag,
      steps: { type: 'string', placeholder: 'N', default: '1', description: 'how many migrations to roll back' },
      dir: dirFlag,
      'lock-timeout': lockTimeoutFlag,
      ...guardFlags,
    },
    examples: ['pnpm db:rollback', 'pnpm db:rollback --steps 3'],
    async run({ flags }) {
      const steps = intFlag('steps', flags.steps, 1);
      const lockTimeoutMs = intFlag('lock-timeout', flags['lock-timeout'], 0);
      const { rollback } = await import('@warehouse/migrate');
      const { withGuardedEnv } = await import('../src/destructive.ts');
      const { logMigratorEvent } = await import('../src/migrations.ts');
      return withGuardedEnv(flags, `rollback --steps ${steps}`, async (db) => {
        const r = await rollback({ url: db.url, dir: flags.dir, steps, lockTimeoutMs, log: logMigratorEvent });
        if (r.failed) {
          info(`${c.err('error')} ${r.failed.error.message}`);
          return EXIT.failure;
        }
        info(`${r.rolledBack.length} rolled back: ${r.rolledBack.map((x) => x.name).join(', ')}`);
        return EXIT.ok;
      });
    },
  }),
);
