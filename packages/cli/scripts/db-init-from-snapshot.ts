#!/usr/bin/env tsx
// pnpm db:init-from-snapshot — build a new env from schema_head.sql and stamp head (guarded).
import {
  c,
  defineCommand,
  envFlag,
  guardFlags,
  info,
  jsonFlag,
  printJson,
  runCommand,
  snapshotFileFlag,
} from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:init-from-snapshot',
    summary: 'apply packages/db/sql/schema_head.sql to an EMPTY database and stamp every migration applied',
    description:
      'The fast path for a new env (instead of replaying history). Refuses a database that already has\n' +
      "_prisma_migrations or one of the snapshot's schemas (reset it first, or stamp an existing one with\n" +
      'pnpm db:stamp). Guarded like db:reset. A schema-only snapshot leaves every MV unpopulated: they are then\n' +
      'refreshed in graph order through the refresher (empty but readable on an empty database).',
    flags: {
      env: envFlag,
      file: snapshotFileFlag,
      ...guardFlags,
      json: jsonFlag,
    },
    examples: [
      'pnpm db:reset --env vm_stg --yes && pnpm db:init-from-snapshot --env vm_stg --yes && pnpm db:bootstrap-roles --env vm_stg',
    ],
    async run({ flags }) {
      const { loadRegistry } = await import('@warehouse/env');
      const { withEnv } = await import('../src/env.ts');
      const { guardForCommand, known } = await import('../src/destructive.ts');
      const { SNAPSHOT_FILE, initFromSnapshot } = await import('../src/ops/baseline.ts');
      const { dumpVia } = await import('../src/ops/dump.ts');
      const { populateAfterMigrate } = await import('../src/populate.ts');
      const registry = loadRegistry();
      return withEnv(
        flags.env,
        async (db, identity) => {
          const guard = await guardForCommand({
            action: 'init from snapshot',
            env: db.env,
            url: db.url,
            registry,
            flags,
            known: known(db, identity),
            via: await dumpVia(db),
          });
          const r = await initFromSnapshot({
            url: db.url,
            envName: db.env.name,
            file: flags.file ?? SNAPSHOT_FILE,
            judged: guard.identity,
          });
          if (flags.json)
            printJson({ env: db.env.name, snapshot: r.applied, stamped: r.stamped, backup: guard.backupFile ?? null });
          else info(`${c.ok('applied')} ${r.applied}; stamped ${r.stamped.length} migrations as applied`);
          if (!(await populateAfterMigrate(db.url, 'init-from-snapshot'))) return 1;
          return 0;
        },
        { registry },
      );
    },
  }),
);
