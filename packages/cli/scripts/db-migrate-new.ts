#!/usr/bin/env tsx
// pnpm db:migrate:new --name NAME — write the migration that takes the history to schema.prisma.
import path from 'node:path';
import { newMigration } from '@warehouse/db/engine';
import { migrate } from '@warehouse/db/migrator';
import { c, CliError, defineCommand, envFlag, GuardRefusal, info, runCommand, withEnv } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:migrate:new',
    summary: 'generate a migration from schema.prisma (Prisma schema engine, native or WASM)',
    description:
      'Replays packages/db/prisma/migrations in a throw-away shadow database on the --env server, diffs it\n' +
      'against schema.prisma and writes prisma/migrations/<timestamp>_<name>/migration.sql. The shadow\n' +
      'database is always dropped. Nothing to do → says so and exits 0. Then applies pending migrations to\n' +
      '--env (a development database) unless --create-only.\n' +
      'Views and materialized views are hand-written SQL: --empty writes an empty migration to fill in.\n' +
      "Uses Prisma's native engine when PRISMA_SCHEMA_ENGINE_BINARY points at one, else the WASM engine.",
    flags: {
      name: { type: 'string', placeholder: 'NAME', description: 'what the migration does, e.g. add_upload_file_note (required)' },
      'create-only': { type: 'boolean', description: 'write the file, do not apply it' },
      empty: { type: 'boolean', description: 'write an empty migration.sql for hand-written SQL (views, MVs); implies --create-only' },
      env: { ...envFlag, description: 'development database: its server hosts the shadow database; pending migrations are applied to it' },
      schema: { type: 'string', placeholder: 'PATH', description: 'schema.prisma or its folder (default packages/db/prisma/schema.prisma)' },
      dir: { type: 'string', placeholder: 'DIR', description: 'migrations folder (default packages/db/prisma/migrations)' },
    },
    examples: ['pnpm db:migrate:new --name add_upload_file_note', 'pnpm db:migrate:new --name create_mv_yard_daily --empty'],
    async run({ flags }) {
      if (!flags.name) throw new CliError('E_USAGE', '--name is required, e.g. pnpm db:migrate:new --name add_upload_file_note');
      const dir = flags.dir ? path.resolve(flags.dir) : undefined;
      const schema = flags.schema ? path.resolve(flags.schema) : undefined;
      const apply = !flags['create-only'] && !flags.empty;
      return withEnv(flags.env, async (db) => {
        if (apply && (db.env.protected || db.env.remote)) {
          throw new GuardRefusal(
            'E_ENV_PROTECTED',
            `pnpm db:migrate:new applies the new migration to development databases only, and ${flags.env} is ${db.env.protected ? 'protected' : 'remote'}; pass --create-only, then deploy with pnpm db:migrate --env ${flags.env}`,
          );
        }
        const result = await newMigration({ url: db.url, dir, schema, name: flags.name!, empty: flags.empty });
        if (!result.created) {
          info(c.ok('No changes: the migrations already produce the tables of schema.prisma; nothing written.'));
          info(c.dim('For views or materialized views, add hand-written SQL with --empty.'));
          return 0;
        }
        process.stdout.write(`${result.path}\n`);
        if (!flags.empty) process.stdout.write(`\n${result.sql}`);
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
