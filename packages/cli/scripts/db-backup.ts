#!/usr/bin/env tsx
// pnpm db:backup — pg_dump -Fc of an environment's database.
import { c, defineCommand, envFlag, info, jsonFlag, printJson, runCommand } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:backup',
    summary: "back up an environment's database (pg_dump custom format, for pnpm db:restore)",
    description:
      "Default file: backups/<env>/<env>_<UTC timestamp>.dump (WAREHOUSE_BACKUP_DIR changes backups/).\nCompose envs are dumped with the server's own pg_dump through docker compose exec when Docker is available.",
    flags: {
      env: envFlag,
      out: { type: 'string', placeholder: 'FILE', description: 'where to write the backup' },
      json: jsonFlag,
    },
    examples: ['pnpm db:backup --env vm_prod', 'pnpm db:backup --env local_dev --out /tmp/dev.dump'],
    async run({ flags }) {
      const { loadRegistry } = await import('@warehouse/env');
      const { withEnv } = await import('../src/env.ts');
      const { cliConfig } = await import('../src/destructive.ts');
      const { backupDatabase } = await import('../src/ops/backup.ts');
      const { dumpVia } = await import('../src/ops/dump.ts');
      const registry = loadRegistry();
      await withEnv(
        flags.env,
        async (db) => {
          const result = await backupDatabase({
            env: db.env,
            url: db.url,
            registry,
            via: await dumpVia(db),
            out: flags.out,
            dir: cliConfig().backupDir,
          });
          if (flags.json) printJson(result);
          else info(`${c.ok('backup written')}: ${result.file} (${result.bytes} bytes)`);
        },
        { registry },
      );
    },
  }),
);
