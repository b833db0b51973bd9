#!/usr/bin/env tsx
// pnpm db:dump — normalised schema-only dump of an environment.
import { writeFile } from 'node:fs/promises';
import { CliError, c, defineCommand, envFlag, info, runCommand } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:dump',
    summary: "print (or write) an environment's schema, normalised so equal schemas dump byte-identical",
    description:
      'pg_dump --schema-only --no-owner --no-privileges, without version/timestamp lines and \\restrict keys;\n' +
      "graphile_worker and _prisma_migrations are left out. Compose envs use the server's own pg_dump through\n" +
      'docker compose exec when Docker is available; otherwise the local pg_dump (refused when older than the server).',
    flags: {
      env: envFlag,
      out: { type: 'string', placeholder: 'FILE', description: 'write to FILE instead of stdout' },
      via: { type: 'string', placeholder: 'auto|local|compose', default: 'auto', description: 'which pg_dump to use' },
    },
    examples: ['pnpm db:dump --env local_dev --out /tmp/schema_local.sql', 'pnpm -s db:dump --env vm_stg | less'],
    async run({ flags }) {
      if (!['auto', 'local', 'compose'].includes(flags.via))
        throw new CliError('E_USAGE', `--via ${JSON.stringify(flags.via)} is not one of auto, local, compose`);
      const { loadRegistry } = await import('@warehouse/env');
      const { withEnv } = await import('../src/env.ts');
      const { dumpSchema, dumpVia } = await import('../src/ops/dump.ts');
      const registry = loadRegistry();
      await withEnv(
        flags.env,
        async (db) => {
          const sql = await dumpSchema({
            env: db.env,
            url: db.url,
            registry,
            via: await dumpVia(db, flags.via as 'auto'),
          });
          if (flags.out) {
            await writeFile(flags.out, sql);
            info(`${c.ok('schema written')}: ${flags.out} (${sql.split('\n').length - 1} lines)`);
          } else process.stdout.write(sql);
        },
        { registry },
      );
    },
  }),
);
