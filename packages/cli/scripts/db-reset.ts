#!/usr/bin/env tsx
// pnpm db:reset — rebuild an environment's database from nothing (guarded).
// The orchestration is resetEnvironment (src/ops/reset.ts); this script declares the flags.
import { c, defineCommand, envFlag, guardFlags, info, jsonFlag, printJson, runCommand } from '../src/index.ts';

await runCommand(
  defineCommand({
    name: 'pnpm db:reset',
    summary: "drop an environment's database and create it empty (guarded), optionally migrate",
    description:
      'Methods: volume = docker compose down -v --remove-orphans, then up and wait until healthy;\n' +
      'db = terminate other connections, DROP DATABASE, CREATE DATABASE through the maintenance database;\n' +
      "embedded = wipe the embedded server's data directory and initialise it again.\n" +
      'Default: volume for compose envs, embedded for an embedded env with no URL, else db.\n' +
      'Guard: vm_stg counts down 5 s (--yes skips); vm_prod is refused unless --force/FORCE=1, then counts\n' +
      'down, asks you to type the env name (or --confirm vm_prod without a terminal) and takes a backup first.\n' +
      'Any env whose URL reaches a database marked protected (pnpm db:protect) gets the vm_prod rules.\n' +
      'embedded deletes only a data directory the toolkit created (it carries a .pg-warehouse-toolkit file).',
    flags: {
      env: envFlag,
      method: {
        type: 'string',
        placeholder: 'volume|db|embedded',
        description: 'how to reset (default depends on the env, see above)',
      },
      migrate: { type: 'boolean', description: 'run the migrations afterwards (pnpm db:migrate)' },
      ...guardFlags,
      json: jsonFlag,
    },
    examples: [
      'pnpm db:reset --env local_dev --migrate',
      'pnpm db:reset --env vm_stg --method db --yes',
      'FORCE=1 pnpm db:reset --env vm_prod --confirm vm_prod',
    ],
    async run({ flags }) {
      const { getEnvironment, loadRegistry } = await import('@warehouse/env');
      const { resetEnvironment } = await import('../src/ops/reset.ts');
      const registry = loadRegistry();
      const result = await resetEnvironment({
        env: getEnvironment(flags.env, registry),
        registry,
        method: flags.method,
        migrate: flags.migrate,
        flags,
        log: (m) => info(c.dim(m)),
        done: (m) => info(`${c.ok(m.split(' ')[0]!)} ${m.split(' ').slice(1).join(' ')}`),
      });
      if (flags.json) printJson(result);
    },
  }),
);
