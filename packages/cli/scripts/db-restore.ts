#!/usr/bin/env tsx
// pnpm db:restore — restore a db:backup file into an environment (guarded).
import {
  CliError,
  c,
  defineCommand,
  envFlag,
  guardFlags,
  info,
  jsonFlag,
  printJson,
  runCommand,
} from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:restore',
    summary: 'restore a pg_dump custom-format backup into an environment (guarded)',
    description:
      'Objects in the backup are dropped and recreated (pg_restore --clean --if-exists) in one transaction.\n' +
      'Guard as db:reset: vm_stg counts down (--yes skips); vm_prod needs --force/FORCE=1, the typed env name\n' +
      '(or --confirm vm_prod) and is backed up first.',
    flags: {
      env: envFlag,
      file: { type: 'string', placeholder: 'FILE', description: 'the backup to restore (from pnpm db:backup)' },
      ...guardFlags,
      json: jsonFlag,
    },
    examples: ['pnpm db:restore --env vm_stg --file backups/vm_prod/vm_prod_20260101000000.dump'],
    async run({ flags }) {
      if (!flags.file) throw new CliError('E_USAGE', '--file FILE is required (a backup written by pnpm db:backup)');
      const { loadRegistry } = await import('@warehouse/env');
      const { withEnv } = await import('../src/env.ts');
      const { guardForCommand, known } = await import('../src/destructive.ts');
      const { checkBackupFile, restoreDatabase } = await import('../src/ops/backup.ts');
      const { dumpVia } = await import('../src/ops/dump.ts');
      const registry = loadRegistry();
      await withEnv(
        flags.env,
        async (db, identity) => {
          await checkBackupFile(flags.file!, db.env.name);
          const guard = await guardForCommand({
            action: `restore of ${flags.file}`,
            env: db.env,
            url: db.url,
            registry,
            flags,
            known: known(db, identity),
            via: await dumpVia(db),
          });
          const result = await restoreDatabase({
            env: db.env,
            url: db.url,
            file: flags.file!,
            judged: guard.identity,
          });
          if (flags.json) printJson({ ...result, backup: guard.backupFile ?? null });
          else info(`${c.ok('restored')} ${result.file} into ${db.env.name}`);
        },
        { registry },
      );
    },
  }),
);
