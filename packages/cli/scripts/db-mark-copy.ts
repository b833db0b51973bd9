#!/usr/bin/env tsx
// pnpm db:mark-copy --env E — a physical copy of a protected database becomes E's database on purpose (guarded).
import { CliError, c, defineCommand, guardFlags, info, jsonFlag, printJson, runCommand } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:mark-copy',
    summary:
      'make a physical copy of production (basebackup, file copy, promoted standby) a database of another env, on purpose',
    description:
      'A physical copy carries everything production has — the cluster system_identifier, the database oid and\n' +
      'the protection marker — so every destructive command rightly treats it as production. This command\n' +
      "releases such a copy for the env given (vm_stg): it replaces the marker's line in the database comment by a\n" +
      "'released-copy' line (the env, when, who, and a random nonce that tells the copy from its original).\n" +
      'Refused (exit 2) when --env is a protected env; when the marker names no protected env, or cannot be trusted;\n' +
      "when the original's URL (DATABASE_URL_VM_PROD) is not set or not reachable; when it reaches another identity;\n" +
      'and when it reaches the very same running database (an advisory-lock probe): that is production itself.\n' +
      'Then the guard of every destructive command: the target reads as vm_prod, so --force (or FORCE=1), the\n' +
      'countdown and the typed name (--confirm vm_prod without a terminal). Needs the database owner or a superuser.',
    flags: {
      env: {
        type: 'string',
        placeholder: 'NAME',
        description: 'the env whose URL reaches the copy (required, e.g. vm_stg)',
      },
      ...guardFlags,
      json: jsonFlag,
    },
    examples: ['DATABASE_URL_VM_PROD=… pnpm db:mark-copy --env vm_stg --force   # then type vm_prod'],
    async run({ flags }) {
      if (!flags.env)
        throw new CliError('E_USAGE', '--env NAME is required (the env whose URL reaches the copy, e.g. --env vm_stg)');
      const { describeIdentity, getEnvironment, loadRegistry } = await import('@warehouse/env');
      const { withEnv } = await import('../src/env.ts');
      const { guardDestructive } = await import('../src/guard.ts');
      const { cliConfig, processGuardIo } = await import('../src/destructive.ts');
      const { checkPhysicalCopy, releaseCopy } = await import('../src/ops/protect.ts');
      const registry = loadRegistry();
      getEnvironment(flags.env, registry);
      await withEnv(flags.env, async (db) => {
        const check = await checkPhysicalCopy({ env: db.env, url: db.url, registry, vars: process.env });
        if ('nothingToDo' in check) {
          info(`${c.ok('nothing to do')}: ${check.nothingToDo}`);
          if (flags.json) printJson({ env: db.env.name, changed: false, reason: check.nothingToDo });
          return;
        }
        info(
          `${db.env.name}'s URL reaches ${describeIdentity(check.identity)}, marked ${check.of}; ${check.of} itself (${check.original}) answers as a different running database: this is a physical copy`,
        );
        const io = processGuardIo();
        try {
          await guardDestructive({
            action: `mark as a copy of ${check.of} (db:mark-copy)`,
            env: db.env,
            url: db.url,
            registry,
            flags,
            vars: process.env,
            countdownSeconds: cliConfig().countdownSeconds,
            io,
          });
        } finally {
          io.dispose();
        }
        const r = await releaseCopy(db.url, db.env, check);
        info(
          `${c.ok('released')}: ${describeIdentity(r.after)} is now a copy of ${check.of} serving ${db.env.name} (released ${r.anchor.released_at} by ${r.anchor.released_by}, nonce ${r.anchor.nonce}); ${db.env.name}'s rules apply`,
        );
        if (flags.json)
          printJson({
            env: db.env.name,
            changed: true,
            of: check.of,
            identity: {
              systemIdentifier: r.after.systemIdentifier,
              database: r.after.database,
              databaseOid: r.after.databaseOid,
            },
            markerState: r.after.markerState,
            released: r.anchor,
          });
      });
    },
  }),
);
