#!/usr/bin/env tsx
// pnpm db:reset — rebuild an environment's database from nothing (guarded).
import { configuredUrl, embeddedLocation, getEnvironment, loadRegistry, maskUrl, resolveDatabase } from '@warehouse/db';
import { migrate } from '@warehouse/db/migrator';
import { CliError, c, defineCommand, envFlag, info, jsonFlag, printJson, runCommand } from '../src/index.ts';
import { guardFlags, guardForCommand, refuseEarly } from '../src/destructive.ts';
import {
  defaultResetMethod,
  preflightReset,
  resetByDropCreate,
  resetEmbedded,
  resetVolume,
  type ResetMethod,
} from '../src/ops/reset.ts';

const METHODS: ResetMethod[] = ['volume', 'db', 'embedded'];

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
      const registry = loadRegistry();
      const env = getEnvironment(flags.env, registry);
      const configured = configuredUrl(env, process.env);
      const method = (flags.method ?? defaultResetMethod(env, Boolean(configured))) as ResetMethod;
      if (!METHODS.includes(method))
        throw new CliError('E_USAGE', `--method ${JSON.stringify(flags.method)} is not one of ${METHODS.join(', ')}`);
      const label =
        method === 'embedded'
          ? `embedded data directory ${embeddedLocation(env, process.env)?.dir}`
          : `compose project ${env.compose?.project}`;
      // Refused is the answer for unforced production, before any tool check.
      refuseEarly({
        action: `reset (method ${method})`,
        env,
        target: configured ? maskUrl(configured.url) : label,
        flags,
      });
      await preflightReset(method, env, Boolean(configured), process.env);

      // The URL the reset acts on: for `db` on an embedded env this starts its server.
      const resolved =
        method === 'db' ? await resolveDatabase(env.name, { registry, log: (m) => info(c.dim(m)) }) : undefined;
      try {
        // embedded: the target is the data directory (whatever answers on its port is not touched).
        const url = method === 'embedded' ? undefined : (resolved?.url ?? configured?.url);
        info(`${c.bold(env.name)} → ${url ? maskUrl(url) : label} (reset, method ${method})`);
        const guard = await guardForCommand({
          action: `reset (method ${method})`,
          env,
          url,
          targetLabel: label,
          registry,
          flags,
        });

        let finalUrl = url;
        let stop = async () => {};
        if (method === 'db') {
          await resetByDropCreate(url!, env.name, guard.identity);
        } else if (method === 'embedded') {
          const r = await resetEmbedded(env, process.env);
          finalUrl = r.url;
          stop = () => r.server.stop();
        } else {
          await resetVolume(env, registry, (m) => info(c.dim(m)));
        }
        info(`${c.ok('reset')} ${env.name} (method ${method})`);
        let migrated: string[] | undefined;
        try {
          if (flags.migrate) {
            if (!finalUrl)
              throw new CliError(
                'E_FAILED',
                `cannot migrate ${env.name}: no URL configured; set DATABASE_URL_${env.name.toUpperCase()} and run pnpm db:migrate --env ${env.name}`,
              );
            const result = await migrate({ url: finalUrl });
            migrated = result.applied.map((a) => a.name);
            if (result.failed)
              throw new CliError(
                'E_FAILED',
                `reset ${env.name}, but migration ${result.failed.name} failed: ${result.failed.error.message}`,
              );
            info(`${c.ok('migrated')} ${migrated.length} migrations`);
          }
        } finally {
          await stop();
        }
        if (flags.json)
          printJson({
            env: env.name,
            method,
            url: finalUrl ? maskUrl(finalUrl) : null,
            backup: guard.backupFile ?? null,
            migrated: migrated ?? null,
          });
      } finally {
        await resolved?.release();
      }
    },
  }),
);
