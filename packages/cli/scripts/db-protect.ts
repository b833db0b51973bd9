#!/usr/bin/env tsx
// pnpm db:protect --env E — mark the database E reaches as protected (the marker lives in the database).
import { CliError, c, defineCommand, info, jsonFlag, printJson, runCommand } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:protect',
    summary: 'mark the database an env reaches as protected: every destructive command then treats it as that env',
    description:
      'Writes the marker: a line in the database comment (only the database owner or a superuser can change it)\n' +
      'and one row in toolkit.protection (it travels in dumps), each naming the env and the identity it was written\n' +
      'on (the cluster system_identifier and the database oid). From then on any env, URL spelling or registry that\n' +
      'reaches this database gets the protected rules (refused unless --force and --confirm NAME, countdown, backup).\n' +
      'A backup restored elsewhere carries the row but names another identity: commands call it a copy.\n' +
      'db:migrate and db:bootstrap-roles write it themselves on a protected env (vm_prod). Idempotent; a marker\n' +
      'with the table part only (older ones) gets its comment line. Run it as the database owner or a superuser:\n' +
      'otherwise only the table part is written and it exits 1. A physical copy: see pnpm db:mark-copy.',
    flags: {
      env: {
        type: 'string',
        placeholder: 'NAME',
        description: 'the environment whose database to mark (required, e.g. vm_prod)',
      },
      json: jsonFlag,
    },
    examples: ['pnpm db:protect --env vm_prod'],
    async run({ flags }) {
      if (!flags.env)
        throw new CliError(
          'E_USAGE',
          '--env NAME is required (the env whose database becomes protected, e.g. --env vm_prod)',
        );
      const { describeIdentity } = await import('@warehouse/env');
      const { withEnv } = await import('../src/env.ts');
      const { protectDatabase } = await import('../src/ops/protect.ts');
      await withEnv(flags.env, async (db) => {
        const r = await protectDatabase(db.url, db.env.name);
        if (flags.json)
          printJson({
            env: db.env.name,
            changed: r.changed,
            anchored: r.anchored,
            problems: r.problems,
            identity: {
              systemIdentifier: r.identity.systemIdentifier,
              database: r.identity.database,
              databaseOid: r.identity.databaseOid,
            },
            previous: r.previous,
          });
        else if (!r.changed)
          info(`${c.ok('already protected')}: ${describeIdentity(r.identity)} is marked ${db.env.name}`);
        else if (r.previousState === 'copy')
          info(
            `${c.ok('protected')}: ${describeIdentity(r.identity)} marked ${db.env.name} (it was a copy of ${r.previous!.env}, marked on ${describeIdentity(r.previous!)})`,
          );
        else info(`${c.ok('protected')}: ${describeIdentity(r.identity)} marked ${db.env.name}`);
        if (!r.anchored)
          throw new CliError(
            'E_FAILED',
            `${describeIdentity(r.identity)} is marked ${db.env.name} in table toolkit.protection only, which its owner can edit; ${r.problems.join('; ')}`,
          );
        for (const p of r.problems) info(c.warn(`warning: ${p}`));
      });
    },
  }),
);
