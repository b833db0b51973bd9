#!/usr/bin/env tsx
// pnpm db:bootstrap-roles — idempotent app_readonly role and grants.
import { c, defineCommand, envFlag, info, jsonFlag, printJson, runCommand, withWritingEnv } from '../src/index.ts';
import { bootstrapRoles } from '../src/ops/roles.ts';
import { ensureProtectionMarker } from '../src/ops/protect.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:bootstrap-roles',
    summary: 'create app_readonly (NOLOGIN) with USAGE on mart, stg and ref and SELECT on their tables, views and MVs',
    description:
      'Also sets default privileges so objects created later (by you or the schema owner) are readable.\n' +
      'Idempotent: running it twice changes nothing. Grant the role to a login role: GRANT app_readonly TO dashboard;\n' +
      'Schemas that do not exist yet are reported; run it again after pnpm db:migrate.',
    flags: { env: envFlag, json: jsonFlag },
    examples: ['pnpm db:bootstrap-roles --env vm_stg'],
    async run({ flags }) {
      await withWritingEnv(flags.env, 'bootstrap-roles', async (db) => {
        const r = await bootstrapRoles(db.url);
        const marked = await ensureProtectionMarker(db.env, db.url);
        if (marked) info(c.ok(marked));
        if (flags.json) return printJson({ env: flags.env, ...r });
        info(`${r.created ? c.ok('created role') : 'role exists:'} ${r.role}`);
        for (const s of r.schemas)
          info(
            `  ${s.schema}: ${s.status === 'granted' ? c.ok('granted') : c.warn('missing (run again after pnpm db:migrate)')}`,
          );
        info(c.dim(`  default privileges for objects created by: ${r.defaultPrivilegesFor.join(', ')}`));
      });
    },
  }),
);
