#!/usr/bin/env tsx
// pnpm db:fill — fill and swap in the new versions of views/MVs a view migration created (expand/fill/swap).
import {
  defineCommand,
  envFlag,
  jsonFlag,
  runCommand,
  info,
  c,
  printJson,
  EXIT,
  ms,
  intFlag,
  lockTimeoutFlag,
} from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:fill',
    summary: 'fill and swap in the new versions of changed views/MVs (after `prisma migrate deploy`)',
    description:
      'A generated view migration only creates the new versions of the changed views, MVs and incremental tables (and of\n' +
      'everything reading them), empty, in <schema>__swap beside the old ones, and writes its plan into log.migration_swap.\n' +
      "`pnpm db:migrate` fills and swaps them itself; a deploy with Prisma's CLI (`prisma migrate deploy`) runs only the\n" +
      'DDL, so run this right after it (and before the next view migration, which refuses to run while a swap is pending).\n' +
      'Each object is filled outside any transaction readers wait for (progress per object), then all are swapped in one\n' +
      'short transaction under lock_timeout (--ddl-lock-timeout, retried with backoff). A failure leaves the old versions\n' +
      'serving: run it again, or --abandon to drop the new versions. Nothing pending → says so, exit 0.',
    flags: {
      env: envFlag,
      'ddl-lock-timeout': {
        type: 'string',
        placeholder: 'DURATION',
        default: '5s',
        description: "PostgreSQL lock_timeout for the swap's statements (0 = wait forever)",
      },
      'ddl-lock-retries': {
        type: 'string',
        placeholder: 'N',
        default: '3',
        description: 'retries of a swap whose lock timed out (backoff 1s, 2s, 4s…)',
      },
      'statement-timeout': {
        type: 'string',
        placeholder: 'DURATION',
        description: "PostgreSQL statement_timeout for the swap's statements (default: the server's)",
      },
      'lock-timeout': lockTimeoutFlag,
      abandon: {
        type: 'boolean',
        description: 'drop the new versions instead (the old ones stay) and mark the migration rolled back',
      },
      json: jsonFlag,
    },
    examples: ['pnpm db:fill', 'pnpm db:fill --env vm_prod', 'pnpm db:fill --abandon'],
    async run({ flags }) {
      const { fill } = await import('@warehouse/migrate');
      const { withWritingEnv } = await import('../src/destructive.ts');
      const { durationFlag, logMigratorEvent } = await import('../src/migrations.ts');
      return withWritingEnv(flags.env, 'fill', async (db) => {
        const r = await fill({
          url: db.url,
          ddlLockTimeoutMs: durationFlag('ddl-lock-timeout', flags['ddl-lock-timeout']),
          ddlLockRetries: intFlag('ddl-lock-retries', flags['ddl-lock-retries'], 0),
          statementTimeoutMs: durationFlag('statement-timeout', flags['statement-timeout']),
          lockTimeoutMs: intFlag('lock-timeout', flags['lock-timeout'], 0),
          abandon: flags.abandon,
          log: logMigratorEvent,
        });
        if (flags.json) printJson({ ...r, failed: r.failed && { name: r.failed.name, error: r.failed.error.message } });
        if (r.failed) {
          info(
            `${c.err('error')} ${(r.failed.error as { code?: string }).code ?? 'E_MIGRATION_FAILED'}: ${r.failed.error.message}`,
          );
          return EXIT.failure;
        }
        if (flags.abandon)
          info(
            r.abandoned.length
              ? c.ok(`abandoned the new versions of ${r.abandoned.join(', ')}`)
              : c.ok('nothing pending'),
          );
        else if (r.swaps.length === 0) info(c.ok('nothing to fill: no swap is pending'));
        else
          info(
            `${c.ok(`${r.swaps.length} swap${r.swaps.length > 1 ? 's' : ''} finished`)}${r.longestLock ? c.dim(`; longest lock held ${ms(r.longestLock.ms)}`) : ''}`,
          );
        return EXIT.ok;
      });
    },
  }),
);
