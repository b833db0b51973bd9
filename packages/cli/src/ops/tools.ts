import path from 'node:path';
import { $ } from 'zx';
import { maskUrl, withClient, type EnvironmentConfig, type EnvironmentRegistry } from '@warehouse/db';
import { CliError } from '@warehouse/command';

/**
 * Running pg_dump / psql / pg_restore / docker. Passwords never go on a command line (where
 * `ps` shows them): the URL is passed without its password and PGPASSWORD carries it.
 */

export interface PgConn {
  /** The URL without its password (safe for argv). */
  conn: string;
  env: NodeJS.ProcessEnv;
}

export function pgConn(url: string): PgConn {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.PGPASSWORD;
  if (password) env.PGPASSWORD = password;
  return { conn: u.toString(), env };
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
      `${tool}${target} failed (exit ${result.exitCode}): ${scrub(result.stderr.trim(), options.url)}`,
    );
  }
  return result;
}

function scrub(text: string, url?: string): string {
  if (!url) return text;
  const pw = (() => {
    try {
      return decodeURIComponent(new URL(url).password);
    } catch {
      return '';
    }
  })();
  return pw ? text.split(pw).join('****') : text;
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
