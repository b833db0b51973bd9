#!/usr/bin/env tsx
// pnpm db:migrate — apply pending migrations (Prisma-compatible _prisma_migrations).
import { migrate } from '@warehouse/db/migrator';
import { defineCommand, envFlag, jsonFlag, runCommand, withEnv, info, c, printJson, EXIT } from '../src/index.ts';
import { dirFlag, intFlag, lockTimeoutFlag, logMigratorEvent } from '../src/migrations.ts';
import { populateAfterMigrate } from '../src/populate.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:migrate',
    summary: 'apply pending migrations from packages/db/prisma/migrations',
    description:
      'Each migration.sql runs in one transaction together with its _prisma_migrations row (as `prisma migrate deploy`\n' +
      'records it), under Prisma\'s advisory lock. A failed migration is rolled back, recorded, and blocks later runs until\n' +
      '`pnpm db:resolve --rolled-back NAME`. An applied migration whose file changed is refused unless --allow-edited.\n' +
      'Afterwards every materialized view left unpopulated (created WITH NO DATA, see `populate: after migrate`\n' +
      'in the view catalog) is refreshed in graph order through the refresher, unless --no-populate.',
    flags: {
      env: envFlag,
      dir: dirFlag,
      'lock-timeout': lockTimeoutFlag,
      'allow-edited': { type: 'boolean', description: 'apply even when an applied migration.sql changed since' },
      'no-populate': { type: 'boolean', description: 'do not refresh the MVs the migrations left unpopulated' },
      json: jsonFlag,
    },
    examples: ['pnpm db:migrate', 'pnpm db:migrate --env vm_stg', 'pnpm db:migrate --json'],
    async run({ flags }) {
      const lockTimeoutMs = intFlag('lock-timeout', flags['lock-timeout'], 0);
      return withEnv(flags.env, async (db) => {
        const result = await migrate({ url: db.url, dir: flags.dir, lockTimeoutMs, allowEdited: flags['allow-edited'], log: logMigratorEvent });
        if (flags.json) {
          printJson({ ...result, failed: result.failed && { name: result.failed.name, error: result.failed.error.message } });
        }
        if (result.failed) {
          info(`${c.err('error')} ${(result.failed.error as { code?: string }).code ?? 'E_MIGRATION_FAILED'}: ${result.failed.error.message}`);
          info(`${result.applied.length} applied, ${result.pending.length} pending (${result.pending.join(', ')})`);
          return EXIT.failure;
        }
        info(
          result.applied.length === 0
            ? c.ok(`already at head (${result.skipped.length} migrations applied)`)
            : c.ok(`${result.applied.length} migration${result.applied.length > 1 ? 's' : ''} applied; at head (${result.skipped.length + result.applied.length} applied)`),
        );
        if (!flags['no-populate'] && !(await populateAfterMigrate(db.url, 'migrate'))) return EXIT.failure;
        return EXIT.ok;
      });
    },
  }),
);
