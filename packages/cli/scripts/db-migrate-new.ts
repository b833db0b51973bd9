#!/usr/bin/env tsx
// pnpm db:migrate:new --name NAME — write the migration that takes the history to schema.prisma
// and to the view catalog (prisma/views), rebuilding every dependant of a changed view or MV.
import {
  c,
  CliError,
  defineCommand,
  envFlag,
  GuardRefusal,
  info,
  runCommand,
  schemaSourceFlags,
  schemaSources,
} from '../src/index.ts';
import type { ResolvedDatabase } from '@warehouse/env';

await runCommand(
  defineCommand({
    name: 'pnpm db:migrate:new',
    summary: 'generate a migration from schema.prisma and the view catalog (prisma/views)',
    description:
      'Replays packages/db/prisma/migrations in throw-away shadow databases on the --env server, diffs them\n' +
      'against schema.prisma (tables) and the view catalog packages/db/prisma/views/<schema>/<name>.sql\n' +
      '(views and MVs), and writes prisma/migrations/<timestamp>_<name>/migration.sql and down.sql.\n' +
      'A changed view/MV/incremental table is rebuilt with every object that reads it (found in pg_depend):\n' +
      'by default the migration only creates their new versions, empty, in <schema>__swap (expand), and\n' +
      '`pnpm db:migrate` fills them and swaps them in one short transaction (old ones dropped readers first,\n' +
      'never CASCADE; indexes, comments, and the grants they have in the database being migrated).\n' +
      '--in-transaction drops and recreates them WITH DATA inside the migration instead (as a schema.prisma\n' +
      'change under views always is). Shadow databases are always dropped.\n' +
      'Nothing to do → says so and exits 0. Then applies pending migrations to --env (a development\n' +
      'database) unless --create-only. --empty writes an empty migration for hand-written SQL.\n' +
      '--id YYYYMMDDHHMMSS names the folder with a timestamp you choose (a real UTC date and time, after\n' +
      'every migration on disk, not one that exists); refused with exit 1 before anything is written.\n' +
      "Uses Prisma's native engine when PRISMA_SCHEMA_ENGINE_BINARY points at one, else the WASM engine.",
    flags: {
      name: {
        type: 'string',
        placeholder: 'NAME',
        description: 'what the migration does, e.g. add_upload_file_note (required)',
      },
      id: {
        type: 'string',
        placeholder: 'YYYYMMDDHHMMSS',
        description:
          "the folder's timestamp (UTC) instead of the clock, when merging branches; must be after every migration on disk",
      },
      'create-only': { type: 'boolean', description: 'write the file, do not apply it' },
      'in-transaction': {
        type: 'boolean',
        description:
          'rebuild changed views/MVs inside the migration (drop + create WITH DATA) instead of expand/fill/swap',
      },
      empty: {
        type: 'boolean',
        description: 'write an empty migration.sql for hand-written SQL; implies --create-only',
      },
      env: {
        ...envFlag,
        description: 'development database: its server hosts the shadow database; pending migrations are applied to it',
      },
      ...schemaSourceFlags,
    },
    examples: [
      'pnpm db:migrate:new --name add_upload_file_note',
      'pnpm db:migrate:new --name mv_receive_daily_amount --create-only',
      'pnpm db:migrate:new --name fix_data --empty',
      'pnpm db:migrate:new --name fix_data --empty --id 20261201090000',
    ],
    async run({ flags }) {
      if (!flags.name)
        throw new CliError('E_USAGE', '--name is required, e.g. pnpm db:migrate:new --name add_upload_file_note');
      const { dir, schema, catalogDir } = schemaSources(flags);
      const apply = !flags['create-only'] && !flags.empty;
      const { newMigration } = await import('@warehouse/migrate/engine');
      const { migrate } = await import('@warehouse/migrate');
      const { withEnv } = await import('../src/env.ts');
      const { withWritingEnv } = await import('../src/destructive.ts');
      // Applying writes to the env's database: refused when it is a protected database by what it is.
      const open = <T>(fn: (db: ResolvedDatabase) => Promise<T>) =>
        apply ? withWritingEnv(flags.env, 'migrate:new (apply the new migration)', fn) : withEnv(flags.env, fn);
      return open(async (db) => {
        if (apply && (db.env.protected || db.env.remote)) {
          throw new GuardRefusal(
            'E_ENV_PROTECTED',
            `pnpm db:migrate:new applies the new migration to development databases only, and ${flags.env} is ${db.env.protected ? 'protected' : 'remote'}; pass --create-only, then deploy with pnpm db:migrate --env ${flags.env}`,
          );
        }
        const result = await newMigration({
          url: db.url,
          dir,
          schema,
          catalogDir,
          name: flags.name!,
          empty: flags.empty,
          id: flags.id,
          rebuild: flags['in-transaction'] ? 'in-transaction' : 'swap',
        });
        if (result.prismaViewsUpdated?.length) {
          info(
            `schema.prisma: view block${result.prismaViewsUpdated.length > 1 ? 's' : ''} ${result.prismaViewsUpdated.join(', ')} rewritten to match ${result.prismaViewsUpdated.length > 1 ? 'their objects' : 'its object'} (review the diff; run pnpm --filter @warehouse/db build to regenerate the client)`,
          );
        }
        if (!result.created) {
          info(
            c.ok(
              'No changes: the migrations already produce the tables of schema.prisma and the views/MVs of prisma/views; nothing written.',
            ),
          );
          return 0;
        }
        process.stdout.write(`${result.path}\n`);
        if (result.downPath) process.stdout.write(`${result.downPath}\n`);
        if (!flags.empty) process.stdout.write(`\n${result.sql}`);
        for (const ch of result.plan?.up.changes ?? []) {
          info(
            `${c.dim(ch.change.padEnd(8))} ${ch.name}${ch.because?.length ? c.dim(` (reads ${ch.because.join(', ')})`) : ''}`,
          );
        }
        if (result.plan?.up.unpopulated.length) {
          info(
            `Created WITH NO DATA, populated by pnpm db:migrate right after; until then these read nothing: ${result.plan.up.unpopulated.join(', ')}`,
          );
        }
        if (flags.empty) info(c.dim('Empty migration written: add the SQL, then run pnpm db:migrate.'));
        if (!apply) return 0;
        const run = await migrate({ url: db.url, dir });
        for (const a of run.applied) info(`${c.ok('applied')} ${a.name} ${c.dim(`(${a.ms} ms)`)}`);
        if (run.failed) {
          info(`${c.err('failed')} ${run.failed.name}: ${run.failed.error.message}`);
          info(`Fix ${result.path} (or schema.prisma and regenerate), then run pnpm db:migrate --env ${flags.env}.`);
          return 1;
        }
        return 0;
      });
    },
  }),
);
