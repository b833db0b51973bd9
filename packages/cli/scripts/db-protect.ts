#!/usr/bin/env tsx
// pnpm db:protect --env E — mark the database E reaches as protected (the marker lives in the database).
import { describeIdentity } from '@warehouse/db';
import { CliError, c, defineCommand, info, jsonFlag, printJson, runCommand, withEnv } from '../src/index.ts';
import { protectDatabase } from '../src/ops/protect.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:protect',
    summary: 'mark the database an env reaches as protected: every destructive command then treats it as that env',
    description:
      'Writes one row into toolkit.protection in that database: the env name and the identity it was written on\n' +
      '(the cluster system_identifier and the database oid). From then on any env, URL spelling or registry that\n' +
      'reaches this database gets the protected rules (refused unless --force and --confirm NAME, countdown, backup).\n' +
      'A backup restored elsewhere carries the row but names another identity: commands call it a copy.\n' +
      'db:migrate and db:bootstrap-roles write it themselves on a protected env (vm_prod). Idempotent.',
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
      await withEnv(flags.env, async (db) => {
        const r = await protectDatabase(db.url, db.env.name);
        if (flags.json)
          return printJson({
            env: db.env.name,
            changed: r.changed,
            identity: {
              systemIdentifier: r.identity.systemIdentifier,
              database: r.identity.database,
              databaseOid: r.identity.databaseOid,
            },
            previous: r.previous,
          });
        if (!r.changed) info(`${c.ok('already protected')}: ${describeIdentity(r.identity)} is marked ${db.env.name}`);
        else if (r.previousState === 'copy')
          info(
            `${c.ok('protected')}: ${describeIdentity(r.identity)} marked ${db.env.name} (it was a copy of ${r.previous!.env}, marked on ${describeIdentity(r.previous!)})`,
          );
        else info(`${c.ok('protected')}: ${describeIdentity(r.identity)} marked ${db.env.name}`);
      });
    },
  }),
);
