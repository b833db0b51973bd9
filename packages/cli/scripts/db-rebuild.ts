#!/usr/bin/env tsx
// pnpm db:rebuild — rebuild an environment from the snapshot in one guarded run (logic: src/ops/rebuild.ts).
import {
  c,
  defineCommand,
  envFlag,
  EXIT,
  guardFlags,
  info,
  jsonFlag,
  printJson,
  runCommand,
  snapshotFileFlag,
} from '../src/index.ts';
import type { ResetMethod } from '../src/ops/reset.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:rebuild',
    summary:
      "rebuild an environment's database from the snapshot: backup, reset, snapshot, stamp, roles, populate, verify",
    description:
      'One guarded run of what db:reset, db:init-from-snapshot and db:bootstrap-roles do separately:\n' +
      '  backup   a protected env (vm_prod) is backed up by the guard first (backups/<env>/)\n' +
      '  reset    as db:reset (--method volume|db|embedded, same defaults)\n' +
      '  snapshot packages/db/sql/schema_head.sql (or --file) applied with psql in one transaction\n' +
      '  stamp    every migration marked applied\n' +
      '  roles    app_readonly and its grants (db:bootstrap-roles), and the protection marker of a protected env\n' +
      '  populate every materialized view refreshed in graph order\n' +
      '  verify   schema and privileges compared with a scratch database migrated from empty on the same server\n' +
      '           (as db:diff does); a difference prints the diff and exits 1\n' +
      'Guarded and confirmed once, like db:reset: vm_stg counts down 5 s (--yes skips); vm_prod is refused\n' +
      'unless --force/FORCE=1, then asks for the env name (or --confirm vm_prod). A failed step stops the run\n' +
      'and names the steps skipped after it. Needs CREATEDB on the server (the reset and the verify database).',
    flags: {
      env: envFlag,
      method: {
        type: 'string',
        placeholder: 'volume|db|embedded',
        description:
          'how to reset (default: volume for compose envs, embedded for an embedded env with no URL, else db)',
      },
      file: snapshotFileFlag,
      ...guardFlags,
      json: jsonFlag,
    },
    examples: [
      'pnpm db:rebuild --env local_dev',
      'pnpm db:rebuild --env vm_stg --yes',
      'FORCE=1 pnpm db:rebuild --env vm_prod --confirm vm_prod',
    ],
    async run({ flags }) {
      const { getEnvironment, loadRegistry } = await import('@warehouse/env');
      const { rebuildEnvironment } = await import('../src/ops/rebuild.ts');
      const registry = loadRegistry();
      const env = getEnvironment(flags.env, registry);
      const r = await rebuildEnvironment({
        env,
        registry,
        method: flags.method as ResetMethod | undefined,
        file: flags.file,
        flags,
        log: (m) => info(c.dim(m)),
      });
      if (flags.json) {
        printJson({
          ...r,
          steps: r.steps.map(({ error, ...s }) => ({ ...s, error: error?.message ?? null })),
        });
      } else {
        if (r.diff) process.stdout.write(r.diff);
        for (const s of r.steps) {
          const mark = s.status === 'success' ? c.ok('✓') : s.status === 'failed' ? c.err('✗') : c.dim('-');
          info(
            `${mark} ${s.name.padEnd(8)} ${s.status === 'success' ? c.dim(`${s.ms} ms`) : s.status}${s.detail ? c.dim(` ${s.detail}`) : ''}`,
          );
        }
        info(
          r.ok
            ? c.ok(`rebuilt ${r.env} from the snapshot`)
            : c.err(
                `rebuild of ${r.env} failed at ${r.steps.find((s) => s.status === 'failed')!.name}: ${r.steps.find((s) => s.status === 'failed')!.error!.message}`,
              ),
        );
      }
      return r.ok ? EXIT.ok : EXIT.failure;
    },
  }),
);
