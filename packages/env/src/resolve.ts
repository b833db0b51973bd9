import { defaultEmbeddedDir, ensureEmbeddedServer } from './embedded/server.ts';
import { maskUrl } from '@warehouse/secrets';
import { DbError } from '@warehouse/db';
import { canonicalConnection, type ConnDescriptor } from './conn.ts';
import { withClient, withDatabase, ident } from '@warehouse/db/pg';
import {
  PRODUCTION_ENV,
  getEnvironment,
  loadRegistry,
  urlVariableFor,
  type EnvironmentConfig,
  type EnvironmentRegistry,
} from './registry.ts';

export type UrlSource = 'variable' | 'registry' | 'embedded';

export interface ResolvedDatabase {
  env: EnvironmentConfig;
  /**
   * The canonical URL (canonicalUrl of `conn`): the configured URL and the PG* variables read once
   * with libpq's rules. Every node-pg connection uses it; libpq tools get libpqConnection(conn).
   */
  url: string;
  conn: ConnDescriptor;
  /** Where the URL came from, for messages: a variable name, the registry, or the embedded server. */
  source: UrlSource;
  sourceDetail: string;
  /** Stops an embedded server this call started; no-op otherwise. */
  release(): Promise<void>;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * The process's own URL for the environment (the API's DATABASE_URL): when `url` is non-empty it
   * is the first step, before `DATABASE_URL_<NAME>` and the registry, read with the same rules;
   * errors name `variable`.
   */
  explicit?: { url: string | undefined; variable: string };
  registry?: EnvironmentRegistry;
  /** Start the embedded server when the environment has no URL (default true). */
  startEmbedded?: boolean;
  log?: (message: string) => void;
}

/** Name of the application database inside an embedded server. */
export const EMBEDDED_DATABASE = 'warehouse';

/** The URL an environment would use without starting anything, or undefined for embedded. */
export function configuredUrl(
  env: EnvironmentConfig,
  vars: NodeJS.ProcessEnv = process.env,
): { url: string; source: UrlSource; sourceDetail: string } | undefined {
  const override = urlVariableFor(env.name);
  if (vars[override]) return { url: vars[override], source: 'variable', sourceDetail: override };
  if (env.url) return { url: env.url, source: 'registry', sourceDetail: 'environments.json' };
  if (env.urlEnv && vars[env.urlEnv]) return { url: vars[env.urlEnv]!, source: 'variable', sourceDetail: env.urlEnv };
  return undefined;
}

/**
 * The URLs the guard compares a target with: every protected env's configured URL, and
 * production's own variables (DATABASE_URL_VM_PROD, PROD_DATABASE_URL) even when the registry in
 * use leaves vm_prod out.
 */
export function productionReferences(
  registry: EnvironmentRegistry,
  vars: NodeJS.ProcessEnv = process.env,
): { name: string; url: string; sourceDetail: string }[] {
  const out: { name: string; url: string; sourceDetail: string }[] = [];
  for (const env of registry.environments.values()) {
    if (!env.protected) continue;
    const c = configuredUrl(env, vars);
    if (c) out.push({ name: env.name, url: c.url, sourceDetail: c.sourceDetail });
  }
  if (!registry.environments.has(PRODUCTION_ENV)) {
    for (const variable of [urlVariableFor(PRODUCTION_ENV), 'PROD_DATABASE_URL']) {
      if (vars[variable]) out.push({ name: PRODUCTION_ENV, url: vars[variable], sourceDetail: variable });
    }
  }
  return out;
}

/** Data directory and port of an env's embedded server (`EMBEDDED_PG_PORT_<NAME>` /
 * `EMBEDDED_PG_DIR_<NAME>` override the registry), or undefined when it has none. */
export function embeddedLocation(
  env: EnvironmentConfig,
  vars: NodeJS.ProcessEnv = process.env,
): { port: number; dir: string } | undefined {
  if (!env.embedded) return undefined;
  const upper = env.name.toUpperCase();
  const port = Number(vars[`EMBEDDED_PG_PORT_${upper}`] ?? env.embedded.port);
  const dir = env.embedded.dir ?? vars[`EMBEDDED_PG_DIR_${upper}`] ?? defaultEmbeddedDir(env.name);
  return { port, dir };
}

/** Read a configured URL (and the PG* variables) once, with libpq's rules; errors say where the URL came from. */
function readConnection(raw: string, where: string, vars: NodeJS.ProcessEnv): { url: string; conn: ConnDescriptor } {
  try {
    return canonicalConnection(raw, { env: vars });
  } catch (error) {
    if (error instanceof DbError && (error.code === 'E_CONN_REFUSED' || error.code === 'E_CONN_INVALID')) {
      error.message = `${where} (${maskUrl(raw)}): ${error.message}`;
    }
    throw error;
  }
}

/**
 * Resolve an environment name to a connection URL: the caller's explicit URL (`options.explicit`,
 * the API's DATABASE_URL), else `DATABASE_URL_<NAME>`, else the registry's `url`/`urlEnv`, else
 * (for environments with `embedded`) an embedded PostgreSQL started on demand. Whatever the
 * source, the URL and the PG* variables are read once with libpq's rules (canonicalConnection).
 *
 * @example
 * const db = await resolveDatabase('local_dev', { explicit: { url: process.env.DATABASE_URL, variable: 'DATABASE_URL' } });
 * try { await migrate({ url: db.url }); } finally { await db.release(); }
 */
export async function resolveDatabase(name: string, options: ResolveOptions = {}): Promise<ResolvedDatabase> {
  const vars = options.env ?? process.env;
  const registry = options.registry ?? loadRegistry();
  const env = getEnvironment(name, registry);
  const explicit = options.explicit?.url
    ? { url: options.explicit.url, source: 'variable' as const, sourceDetail: options.explicit.variable }
    : undefined;
  const configured = explicit ?? configuredUrl(env, vars);
  if (configured) {
    const { url, conn } = readConnection(configured.url, `${configured.sourceDetail} for environment ${name}`, vars);
    return { env, ...configured, url, conn, release: async () => {} };
  }
  if (!env.embedded) {
    const vars = [urlVariableFor(name), env.urlEnv].filter(Boolean).join(' or ');
    throw new DbError(
      'E_ENV_NO_URL',
      `environment ${name} has no database URL; set ${vars} (postgres://user:password@host:port/database)`,
    );
  }
  if (options.startEmbedded === false) {
    throw new DbError('E_ENV_NO_URL', `environment ${name} uses the embedded server, which was not started`);
  }
  const { port, dir } = embeddedLocation(env, vars)!;
  const server = await ensureEmbeddedServer({ dir, port, envName: env.name });
  options.log?.(`${server.reused ? 'using the running' : 'started an'} embedded PostgreSQL for ${name} (data: ${dir})`);
  // The application database lives beside `postgres`, created on first use.
  await withClient(server.url, async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [EMBEDDED_DATABASE]);
    if (exists.rowCount === 0)
      await client.query(`create database ${ident(EMBEDDED_DATABASE)}`).catch((e: { code?: string }) => {
        if (e.code !== '42P04') throw e; // created concurrently by another process
      });
  });
  const { url, conn } = readConnection(
    withDatabase(server.url, EMBEDDED_DATABASE),
    `the embedded server of environment ${name}`,
    vars,
  );
  return {
    env,
    url,
    conn,
    source: 'embedded',
    sourceDetail: `embedded server in ${dir}`,
    release: () => server.stop(),
  };
}
