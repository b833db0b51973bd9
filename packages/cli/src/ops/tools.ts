import path from 'node:path';
import { $ } from './shell.ts';
import {
  describeIdentity,
  libpqConnection,
  parseConnection,
  readIdentity,
  sameDatabase,
  type ConnDescriptor,
  type DatabaseIdentity,
  type EnvironmentConfig,
  type EnvironmentRegistry,
} from '@warehouse/env';
import { maskSecrets, maskUrl, withClient } from '@warehouse/db';
import { CliError, EXIT } from '@warehouse/command';

/**
 * Running pg_dump / psql / pg_restore / docker. A tool never gets the configured string: the URL
 * (and the PG* variables) are read once into a descriptor with libpq's rules (parseConnection),
 * and the tool gets a conninfo naming host, port, database and user explicitly, `--no-password`
 * (never a prompt), and an environment without any PG* variable of ours except PGPASSWORD (the
 * password, from whatever source) — so libpq cannot read anything the guard did not judge.
 * Passwords never go on a command line (where `ps` shows them).
 */

export interface PgConn {
  /** A libpq conninfo for `--dbname`: host, port, dbname, user, sslmode…, no password (safe for argv). */
  conn: string;
  /** The child's environment: PGPASSWORD when there is a password, no other PG* variable. */
  env: NodeJS.ProcessEnv;
  descriptor: ConnDescriptor;
}

export function pgConn(url: string): PgConn {
  const descriptor = parseConnection(url);
  const { conninfo, env } = libpqConnection(descriptor);
  return { conn: conninfo, env, descriptor };
}

export interface ToolRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Run a local tool; throws CliError naming the tool, the target and the error when it fails. */
export async function runTool(
  tool: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; url?: string; input?: string; nothrow?: boolean } = {},
): Promise<ToolRun> {
  const p = await $({
    env: options.env ?? process.env,
    nothrow: true,
    quiet: true,
    input: options.input,
  })`${tool} ${args}`;
  const result = { stdout: p.stdout, stderr: p.stderr, exitCode: p.exitCode ?? 1 };
  if (result.exitCode !== 0 && !options.nothrow) {
    if (result.exitCode === 127 || (/ENOENT|not found/.test(result.stderr) && result.stdout === '')) {
      throw missingTool(tool);
    }
    const target = options.url ? ` on ${maskUrl(options.url)}` : '';
    throw new CliError(
      'E_FAILED',
      `${tool}${target} failed (exit ${result.exitCode}): ${scrub(result.stderr.trim(), options.url, options.env)}`,
    );
  }
  return result;
}

/**
 * Remove every password a tool could echo: the URL's (authority or `?password=`), the one the
 * descriptor resolved (PGPASSWORD, passfile), the child's PGPASSWORD, and their percent-encodings.
 */
export function scrub(text: string, url?: string, env?: NodeJS.ProcessEnv): string {
  const secrets = new Set<string>();
  if (env?.PGPASSWORD) secrets.add(env.PGPASSWORD);
  if (url) {
    try {
      const d = parseConnection(url);
      if (d.password) secrets.add(d.password);
    } catch {
      // an unreadable URL is masked as text below
    }
    try {
      const u = new URL(url);
      if (u.password) secrets.add(decodeURIComponent(u.password));
      const q = u.searchParams.get('password');
      if (q) secrets.add(q);
    } catch {
      // not a WHATWG URL: maskSecrets below
    }
  }
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('****');
  }
  return maskSecrets(out);
}

/**
 * Who a libpq tool reaches with the arguments pgConn gives it: psql, with the same conninfo and
 * environment, asks the server (catalog names qualified, search_path pinned for the statement).
 */
export async function libpqIdentity(
  url: string,
): Promise<{ systemIdentifier: string; databaseOid: number; database: string }> {
  const { conn, env } = pgConn(url);
  const r = await runTool(
    'psql',
    [
      '-X',
      '-q',
      '-w',
      '-At',
      '-v',
      'ON_ERROR_STOP=1',
      '--dbname',
      conn,
      '-c',
      'set search_path = pg_catalog',
      '-c',
      'select (select c.system_identifier::text from pg_catalog.pg_control_system() c), d.oid::int, d.datname ' +
        'from pg_catalog.pg_database d where d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()',
    ],
    { env, url },
  );
  const line = r.stdout.trim();
  const [sysid, oid] = line.split('|', 2);
  return {
    systemIdentifier: sysid!,
    databaseOid: Number(oid),
    database: line.slice(`${sysid}|${oid}|`.length),
  };
}

/**
 * Before a libpq tool changes a guarded target: the database psql reaches with the tool's own
 * arguments must be the one the guard judged (node-pg, the canonical URL). Refused (exit 2,
 * nothing changed) otherwise. Returns the identity the tool will change.
 */
export async function confirmToolTarget(o: {
  url: string;
  judged?: Pick<DatabaseIdentity, 'systemIdentifier' | 'databaseOid' | 'database'>;
  tool: string;
  envName: string;
}): Promise<Pick<DatabaseIdentity, 'systemIdentifier' | 'databaseOid' | 'database'>> {
  const judged = o.judged ?? (await readIdentity(o.url));
  const viaTool = await libpqIdentity(o.url);
  if (!sameDatabase(judged, viaTool)) {
    throw new CliError(
      'E_TARGET_CHANGED',
      `${o.tool} would reach ${describeIdentity(viaTool)}, but the guard judged ${describeIdentity(judged)} for environment ${o.envName} (${maskUrl(o.url)}). Nothing was changed. ` +
        'Fix: check the URL and the PG* variables of this shell (pnpm db:url shows what the toolkit reads)',
      { exitCode: EXIT.refused },
    );
  }
  return judged;
}

/**
 * After a libpq tool changed a guarded target: the database at the URL must still be the one
 * judged before (same cluster, same oid). Fails loudly (exit 1) otherwise.
 */
export async function confirmSameAfter(o: {
  url: string;
  before: Pick<DatabaseIdentity, 'systemIdentifier' | 'databaseOid' | 'database'>;
  tool: string;
  envName: string;
}): Promise<void> {
  const after = await readIdentity(o.url);
  if (!sameDatabase(o.before, after)) {
    throw new CliError(
      'E_TARGET_CHANGED',
      `after ${o.tool}, environment ${o.envName} (${maskUrl(o.url)}) reaches ${describeIdentity(after)}, not ${describeIdentity(o.before)} that was judged before it ran. ` +
        'Check both databases now: something changed where the URL leads while the command ran',
    );
  }
}

function missingTool(tool: string): CliError {
  return new CliError(
    'E_TOOL_MISSING',
    `${tool} is not installed (or not on PATH); install the PostgreSQL 15 client tools: apt-get install postgresql-client-15`,
  );
}

/** Major version of a local PostgreSQL client tool, e.g. 15. */
export async function localToolMajor(tool: 'pg_dump' | 'pg_restore' | 'psql'): Promise<number> {
  const p = await $({ nothrow: true, quiet: true })`${tool} --version`.catch(() => undefined);
  if (!p || p.exitCode !== 0) throw missingTool(tool);
  const m = /(\d+)(?:\.(\d+))?/.exec(p.stdout);
  if (!m)
    throw new CliError('E_TOOL_MISSING', `cannot read the version of ${tool} from ${JSON.stringify(p.stdout.trim())}`);
  return Number(m[1]);
}

export async function serverMajor(url: string): Promise<number> {
  return withClient(url, async (client) =>
    Math.floor(Number((await client.query('show server_version_num')).rows[0].server_version_num) / 10000),
  );
}

/** pg_dump/pg_restore older than the server cannot read it: refuse with the versions and the fix. */
export async function ensureToolVersion(tool: 'pg_dump' | 'pg_restore', url: string, envName: string): Promise<void> {
  const [local, server] = await Promise.all([localToolMajor(tool), serverMajor(url)]);
  if (local < server) {
    throw new CliError(
      'E_TOOL_MISSING',
      `the local ${tool} is version ${local} but environment ${envName} (${maskUrl(url)}) runs PostgreSQL ${server}; ` +
        `install postgresql-client-${server} (apt-get install postgresql-client-${server}), or run through docker compose for compose envs`,
    );
  }
}

let dockerCache: boolean | undefined;

/** True when the Docker engine answers and `docker compose` (v2) exists. */
export async function dockerAvailable(): Promise<boolean> {
  if (dockerCache !== undefined) return dockerCache;
  const info = await $({ nothrow: true, quiet: true, timeout: '10s' })`docker info --format {{.ServerVersion}}`.catch(
    () => undefined,
  );
  const compose =
    info?.exitCode === 0
      ? await $({ nothrow: true, quiet: true, timeout: '10s' })`docker compose version`.catch(() => undefined)
      : undefined;
  dockerCache = info?.exitCode === 0 && compose?.exitCode === 0;
  return dockerCache;
}

/** `docker compose -f <file> -p <project>` arguments for a compose env. */
export function composeArgs(env: EnvironmentConfig, registry: EnvironmentRegistry): string[] {
  if (!env.compose)
    throw new CliError('E_USAGE', `environment ${env.name} has no "compose" section in ${registry.file}`);
  return ['compose', '-f', path.resolve(path.dirname(registry.file), env.compose.file), '-p', env.compose.project];
}

export async function requireDocker(env: EnvironmentConfig, what: string): Promise<void> {
  if (!(await dockerAvailable())) {
    throw new CliError(
      'E_TOOL_MISSING',
      `${what} for environment ${env.name} needs Docker with the compose plugin, and it is not available here ` +
        '(`docker info` or `docker compose version` failed). Fix: install and start Docker (with docker compose v2), ' +
        `or use --method db to drop and recreate the database through its URL instead`,
    );
  }
}
