#!/usr/bin/env tsx
// pnpm db:bootstrap-roles — idempotent app_readonly role and grants.
import { c, defineCommand, envFlag, info, jsonFlag, printJson, runCommand } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:bootstrap-roles',
    summary:
      'create app_readonly (NOLOGIN) with USAGE on mart, stg and ref and SELECT on their tables, views and MVs, and app_audit_writer (INSERT and SELECT on log.audit_event only)',
    description:
      'Also sets default privileges so objects created later (by you or the schema owner) are readable.\n' +
      'Idempotent: running it twice changes nothing. Grant the role to a login role: GRANT app_readonly TO dashboard;\n' +
      'Schemas that do not exist yet are reported; run it again after pnpm db:migrate.\n' +
      'log.audit_event: app_audit_writer gets exactly INSERT and SELECT (and its id sequence); UPDATE, DELETE and\n' +
      'TRUNCATE are revoked from the table owner (the role the API runs as), so the audit log stays append-only by\n' +
      'privilege as well as by its trigger. An API running as another login role: GRANT app_audit_writer TO it.',
    flags: { env: envFlag, json: jsonFlag },
    examples: ['pnpm db:bootstrap-roles --env vm_stg'],
    async run({ flags }) {
      const { withWritingEnv } = await import('../src/destructive.ts');
      const { bootstrapRoles } = await import('../src/ops/roles.ts');
      const { ensureProtectionMarker } = await import('../src/ops/protect.ts');
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
        const a = r.audit;
        info(
          a.status === 'missing'
            ? c.warn(`${a.role}: log.audit_event is missing (run again after pnpm db:migrate)`)
            : `${a.created ? c.ok('created role') : 'role exists:'} ${a.role} (INSERT and SELECT on log.audit_event only)`,
        );
        if (a.status === 'granted')
          info(
            a.ownerRevoked
              ? `  UPDATE, DELETE, TRUNCATE on log.audit_event revoked from its owner ${a.owner}`
              : c.warn(
                  `  could not revoke UPDATE, DELETE, TRUNCATE on log.audit_event from its owner ${a.owner}: run this as ${a.owner} or a superuser`,
                ),
          );
      });
    },
  }),
);
