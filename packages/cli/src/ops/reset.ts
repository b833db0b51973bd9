import { rm } from 'node:fs/promises';
import { $ } from './shell.ts';
import {
  configuredUrl,
  EMBEDDED_DATABASE,
  embeddedLocation,
  resolveDatabase,
  ensureEmbeddedServer,
  describeIdentity,
  hasDataDirMarker,
  readIdentity,
  runningEmbeddedServer,
  DATA_DIR_MARKER,
  type DatabaseIdentity,
  type EnvironmentConfig,
  type EnvironmentRegistry,
} from '@warehouse/env';
import { ident, maskUrl, withClient, withDatabase } from '@warehouse/db';
import { existsSync } from 'node:fs';
import { CliError, GuardRefusal } from '@warehouse/command';
import { migrate } from '@warehouse/migrate';
import { guardForCommand, refuseEarly } from '../destructive.ts';
import type { GuardResult } from '../guard.ts';
import { composeArgs, requireDocker } from './tools.ts';

export type ResetMethod = 'volume' | 'db' | 'embedded';

/** `volume` for compose envs, `embedded` for an embedded env with no URL configured, else `db`. */
export function defaultResetMethod(env: EnvironmentConfig, hasConfiguredUrl: boolean): ResetMethod {
  if (env.compose) return 'volume';
  if (env.embedded && !hasConfiguredUrl) return 'embedded';
  return 'db';
}

/** Checks before the guard asks anything, so an operator never counts down for a command that cannot run. */
export async function preflightReset(
  method: ResetMethod,
  env: EnvironmentConfig,
  hasConfiguredUrl: boolean,
  vars: NodeJS.ProcessEnv,
): Promise<void> {
  if (method === 'volume') {
    if (!env.compose)
      throw new CliError(
        'E_USAGE',
        `--method volume needs a "compose" section for environment ${env.name} in environments.json; use --method db`,
      );
    await requireDocker(env, 'reset --method volume');
  }
  if (method === 'embedded') {
    if (!env.embedded)
      throw new CliError(
        'E_USAGE',
        `environment ${env.name} has no embedded server; use --method db (or volume for compose envs)`,
      );
    if (hasConfiguredUrl) {
      throw new CliError(
        'E_USAGE',
        `environment ${env.name} has a configured URL, so its database is not the embedded server; use --method db, or unset that URL to reset the embedded server`,
      );
    }
    const loc = embeddedLocation(env, vars)!;
    refuseForeignDataDir(env, loc.dir);
    const running = runningEmbeddedServer(loc.dir);
    if (running) {
      throw new CliError(
        'E_FAILED',
        `the embedded server of ${env.name} (data ${loc.dir}, port ${running.port}) is running in another process (postmaster pid ${running.pid}); ` +
          `this command cannot stop a server it did not start. Fix: stop that process (e.g. the \`pnpm db:url --env ${env.name} --wait\` or app using it), then retry. Nothing was changed.`,
      );
    }
  }
}

/**
 * The embedded reset deletes a data directory only when the toolkit created it (it carries the
 * marker file DATA_DIR_MARKER); anything else — a real cluster named by EMBEDDED_PG_DIR_<ENV> — is
 * refused with exit 2. A missing directory is fine (nothing to delete).
 */
export function refuseForeignDataDir(env: EnvironmentConfig, dir: string): void {
  if (!existsSync(dir) || hasDataDirMarker(dir)) return;
  throw new GuardRefusal(
    'E_NOT_TOOLKIT_DIR',
    `${dir} (the data directory of ${env.name}) was not created by this toolkit: it has no ${DATA_DIR_MARKER} file, so db:reset will not delete it. Nothing was changed. ` +
      `Fix: point EMBEDDED_PG_DIR_${env.name.toUpperCase()} at a directory of the toolkit's own (or unset it), or delete that directory yourself if it really is disposable.`,
  );
}

const SYSTEM_DATABASES = new Set(['postgres', 'template0', 'template1']);

/**
 * `db` method: terminate other connections, DROP DATABASE, CREATE DATABASE (same owner)
 * through the maintenance database `postgres` of the same server.
 */
export async function resetByDropCreate(
  url: string,
  envName: string,
  expected?: DatabaseIdentity,
): Promise<{ database: string }> {
  // The database the URL really reaches (PGDATABASE, a URL without a path…), as the guard read it.
  const id = expected ?? (await readIdentity(url));
  const database = id.database;
  if (SYSTEM_DATABASES.has(database)) {
    throw new CliError(
      'E_USAGE',
      `environment ${envName} points at the system database ${database} (${maskUrl(url)}), which cannot be dropped; point it at an application database`,
    );
  }
  const maintenance = withDatabase(url, 'postgres');
  await withClient(maintenance, async (client) => {
    // Nothing planted in the maintenance database (or a search_path in the URL's options) may
    // answer these questions: the session resolves names in pg_catalog only (DROP DATABASE cannot
    // run in a transaction, so this is SET, not SET LOCAL).
    await client.query('set search_path = pg_catalog, pg_temp');
    // The maintenance connection must land on the cluster and database the guard checked.
    const here = (
      await client.query(
        'select (select s.system_identifier::pg_catalog.text from pg_catalog.pg_control_system() s) as sysid, (select d.oid::pg_catalog.int8::pg_catalog.text from pg_catalog.pg_database d where d.datname = $1::pg_catalog.text) as oid',
        [database],
      )
    ).rows[0] as { sysid: string; oid: string | null };
    if (here.sysid !== id.systemIdentifier || here.oid === null || Number(here.oid) !== Number(id.databaseOid)) {
      throw new GuardRefusal(
        'E_TARGET_CHANGED',
        `reset of ${envName}: ${maskUrl(maintenance)} reaches cluster ${here.sysid} (database ${database} oid ${here.oid ?? 'none'}), not the checked ${describeIdentity(id)}. Nothing was changed. ` +
          'Fix: give the URL an explicit host, port and database, so both connections land on the same server.',
      );
    }
    const row = (
      await client.query(
        'select pg_catalog.pg_get_userbyid(d.datdba)::pg_catalog.text as owner from pg_catalog.pg_database d where d.datname = $1::pg_catalog.text',
        [database],
      )
    ).rows[0] as { owner: string } | undefined;
    const me = (await client.query('select current_user::pg_catalog.text as me')).rows[0].me as string;
    await client.query(
      'select pg_catalog.pg_terminate_backend(a.pid) from pg_catalog.pg_stat_activity a where a.datname = $1::pg_catalog.text and a.pid <> pg_catalog.pg_backend_pid()',
      [database],
    );
    await client.query(`drop database if exists ${ident(database)} with (force)`);
    const owner = row && row.owner !== me ? ` owner ${ident(row.owner)}` : '';
    await client.query(`create database ${ident(database)}${owner}`);
  }).catch((error: Error & { code?: string }) => {
    if (error instanceof CliError) throw error;
    throw new CliError(
      'E_FAILED',
      `reset of ${envName} by DROP/CREATE DATABASE through ${maskUrl(maintenance)} failed: ${error.message}${error.code ? ` (${error.code})` : ''}; the role needs CREATEDB and must own ${database}`,
      { cause: error },
    );
  });
  return { database };
}

/**
 * `embedded` method: wipe the data directory and initialise it again (the server must not be
 * running in another process: see preflightReset). Returns the new server, started, so the caller
 * can migrate; the caller stops it.
 */
export async function resetEmbedded(env: EnvironmentConfig, vars: NodeJS.ProcessEnv) {
  const loc = embeddedLocation(env, vars)!;
  refuseForeignDataDir(env, loc.dir);
  await rm(loc.dir, { recursive: true, force: true });
  const server = await ensureEmbeddedServer({ dir: loc.dir, port: loc.port, envName: env.name });
  await withClient(server.url, (c) => c.query(`create database ${ident(EMBEDDED_DATABASE)}`));
  return { server, url: withDatabase(server.url, EMBEDDED_DATABASE), dir: loc.dir };
}

/** `volume` method: `docker compose down -v --remove-orphans`, then up and wait until healthy. */
export async function resetVolume(
  env: EnvironmentConfig,
  registry: EnvironmentRegistry,
  log: (m: string) => void,
): Promise<void> {
  const args = composeArgs(env, registry);
  const compose = env.compose!;
  const run = async (extra: string[]) => {
    log(`$ docker ${[...args, ...extra].join(' ')}`);
    const p = await $({ nothrow: true, quiet: true })`docker ${args} ${extra}`;
    if (p.exitCode !== 0)
      throw new CliError(
        'E_FAILED',
        `docker ${[...args, ...extra].join(' ')} failed for environment ${env.name}: ${p.stderr.trim()}`,
      );
  };
  await run(['down', '-v', '--remove-orphans']);
  const volume = `${compose.project}_${compose.volume}`;
  const left = await $({ nothrow: true, quiet: true })`docker volume inspect ${volume}`;
  if (left.exitCode === 0)
    throw new CliError(
      'E_FAILED',
      `volume ${volume} of ${env.name} still exists after down -v (is another container using it? docker ps -a --filter volume=${volume})`,
    );
  await run(['up', '-d', '--wait', compose.service]);
}

export const RESET_METHODS: readonly ResetMethod[] = ['volume', 'db', 'embedded'];

/** What a guarded reset acts on, after the guard said yes; `release` frees what resolving took. */
export interface GuardedReset {
  method: ResetMethod;
  configured: ReturnType<typeof configuredUrl>;
  /** The URL reset (undefined for `embedded`, whose target is the data directory). */
  url: string | undefined;
  guard: GuardResult;
  release: () => Promise<void>;
}

/**
 * Everything before a reset changes anything, shared by db:reset and db:rebuild: the method (given
 * or the env's default), the early refusal of unforced production, the tool preflight, the URL
 * (for `db` on an embedded env this starts its server) and one guard for the whole run.
 */
export async function guardReset(o: {
  env: EnvironmentConfig;
  registry: EnvironmentRegistry;
  method?: string;
  /** The guard's words for what runs, from the method: `reset (method db)`. */
  action: (method: ResetMethod) => string;
  flags: { yes?: boolean; force?: boolean; confirm?: string };
  vars: NodeJS.ProcessEnv;
  log: (m: string) => void;
}): Promise<GuardedReset> {
  const { env, vars } = o;
  const configured = configuredUrl(env, vars);
  const method = (o.method ?? defaultResetMethod(env, Boolean(configured))) as ResetMethod;
  if (!RESET_METHODS.includes(method))
    throw new CliError('E_USAGE', `--method ${JSON.stringify(o.method)} is not one of ${RESET_METHODS.join(', ')}`);
  const label =
    method === 'embedded'
      ? `embedded data directory ${embeddedLocation(env, vars)?.dir}`
      : `compose project ${env.compose?.project}`;
  const action = o.action(method);
  // Refused is the answer for unforced production, before any tool check.
  refuseEarly({ action, env, target: configured ? maskUrl(configured.url) : label, flags: o.flags });
  await preflightReset(method, env, Boolean(configured), vars);
  const resolved = method === 'db' ? await resolveDatabase(env.name, { registry: o.registry, log: o.log }) : undefined;
  const release = async () => {
    await resolved?.release();
  };
  try {
    // embedded: the target is the data directory (whatever answers on its port is not touched).
    const url = method === 'embedded' ? undefined : (resolved?.url ?? configured?.url);
    o.log(`${env.name} → ${url ? maskUrl(url) : label} (${action})`);
    const guard = await guardForCommand({ action, env, url, targetLabel: label, registry: o.registry, flags: o.flags });
    return { method, configured, url, guard, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * The reset itself, by its method. Returns the URL of the emptied database (the embedded method
 * starts a new server: `stop` stops it) — undefined when a compose env has no URL configured.
 */
export async function performReset(
  r: GuardedReset,
  env: EnvironmentConfig,
  registry: EnvironmentRegistry,
  vars: NodeJS.ProcessEnv,
  log: (m: string) => void,
): Promise<{ url: string | undefined; stop: () => Promise<void> }> {
  if (r.method === 'db') {
    await resetByDropCreate(r.url!, env.name, r.guard.identity);
    return { url: r.url, stop: async () => {} };
  }
  if (r.method === 'embedded') {
    const e = await resetEmbedded(env, vars);
    return { url: e.url, stop: () => e.server.stop() };
  }
  await resetVolume(env, registry, log);
  return { url: r.url, stop: async () => {} };
}

export interface ResetResult {
  env: string;
  method: ResetMethod;
  /** The reset database's URL, password masked. */
  url: string | null;
  backup: string | null;
  /** The migrations applied afterwards (with `migrate`), else null. */
  migrated: string[] | null;
}

/**
 * `db:reset`: drop an environment's database and create it empty, guarded, optionally migrate.
 * Guard refusals throw GuardRefusal (exit 2) before anything changes.
 *
 * @example
 * await resetEnvironment({ env, registry, method: 'db', migrate: true, flags: { yes: true }, log: console.error });
 */
export async function resetEnvironment(o: {
  env: EnvironmentConfig;
  registry: EnvironmentRegistry;
  method?: string;
  migrate?: boolean;
  flags: { yes?: boolean; force?: boolean; confirm?: string };
  vars?: NodeJS.ProcessEnv;
  /** Progress lines (the tool's commands, the target). */
  log: (m: string) => void;
  /** The lines a person reads as the outcome (`reset …`, `migrated …`). */
  done?: (m: string) => void;
}): Promise<ResetResult> {
  const vars = o.vars ?? process.env;
  const { env } = o;
  const done = o.done ?? o.log;
  const r = await guardReset({ ...o, vars, action: (m) => `reset (method ${m})` });
  try {
    const { url, stop } = await performReset(r, env, o.registry, vars, o.log);
    done(`reset ${env.name} (method ${r.method})`);
    let migrated: string[] | null = null;
    try {
      if (o.migrate) {
        if (!url)
          throw new CliError(
            'E_FAILED',
            `cannot migrate ${env.name}: no URL configured; set DATABASE_URL_${env.name.toUpperCase()} and run pnpm db:migrate --env ${env.name}`,
          );
        const result = await migrate({ url });
        migrated = result.applied.map((a) => a.name);
        if (result.failed)
          throw new CliError(
            'E_FAILED',
            `reset ${env.name}, but migration ${result.failed.name} failed: ${result.failed.error.message}`,
          );
        done(`migrated ${migrated.length} migrations`);
      }
    } finally {
      await stop();
    }
    return {
      env: env.name,
      method: r.method,
      url: url ? maskUrl(url) : null,
      backup: r.guard.backupFile ?? null,
      migrated,
    };
  } finally {
    await r.release();
  }
}
