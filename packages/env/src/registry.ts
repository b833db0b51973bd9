import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DbError } from '@warehouse/db';

export interface ComposeConfig {
  /** Compose file, relative to the registry file. */
  file: string;
  /** `docker compose -p` project name. */
  project: string;
  /** The database service. */
  service: string;
  /** The data volume (as named in the compose file). */
  volume: string;
}

export interface EnvironmentConfig {
  name: string;
  description?: string;
  /** A literal connection URL (prefer `urlEnv` for anything with a password). */
  url?: string;
  /** Name of the variable that holds the URL. */
  urlEnv?: string;
  /** Use an embedded PostgreSQL when no URL is configured. */
  embedded?: { port: number; dir?: string };
  /** Destructive commands refused unless forced and confirmed. */
  protected: boolean;
  /** Not a developer's machine: destructive commands count down first. */
  remote: boolean;
  compose?: ComposeConfig;
}

export interface EnvironmentRegistry {
  /** Absolute path of the file the registry came from. */
  file: string;
  environments: Map<string, EnvironmentConfig>;
}

const FILE_NAME = 'environments.json';

/**
 * The production environment's name. It is protected whatever a registry file says: a file that
 * marks it `"protected": false` cannot lift the guard (nor can one that leaves it out: its URL
 * variables are still read as production's, see productionReferences).
 */
export const PRODUCTION_ENV = 'vm_prod';

function findUp(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Where the registry lives: `WAREHOUSE_ENV_FILE`, else the first environments.json above cwd,
 * else the one at the root of this repository. */
export function registryPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env.WAREHOUSE_ENV_FILE) return path.resolve(cwd, env.WAREHOUSE_ENV_FILE);
  const found = findUp(cwd) ?? findUp(path.dirname(fileURLToPath(import.meta.url)));
  if (!found) {
    throw new DbError(
      'E_ENV_REGISTRY',
      `no ${FILE_NAME} found above ${cwd}; create one (see README: Environments) or set WAREHOUSE_ENV_FILE`,
    );
  }
  return found;
}

function fail(file: string, what: string): never {
  throw new DbError('E_ENV_REGISTRY', `${file}: ${what}`);
}

/** Read and validate the environment registry. */
export function loadRegistry(file = registryPath()): EnvironmentRegistry {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new DbError('E_ENV_REGISTRY', `${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const envs = (raw as { environments?: unknown })?.environments;
  if (!envs || typeof envs !== 'object') fail(file, 'expected an object "environments": { "<name>": { … } }');
  const environments = new Map<string, EnvironmentConfig>();
  for (const [name, value] of Object.entries(envs as Record<string, unknown>)) {
    if (!/^[a-z][a-z0-9_]*$/.test(name))
      fail(file, `environment name "${name}" must be lower-case letters, digits and _`);
    const v = (value ?? {}) as Record<string, unknown>;
    const str = (key: string) => {
      if (v[key] !== undefined && typeof v[key] !== 'string')
        fail(file, `environments.${name}.${key} must be a string`);
      return v[key];
    };
    const bool = (key: string) => {
      if (v[key] !== undefined && typeof v[key] !== 'boolean')
        fail(file, `environments.${name}.${key} must be true or false`);
      return v[key] === true;
    };
    let embedded: EnvironmentConfig['embedded'];
    if (v.embedded !== undefined) {
      const e = v.embedded as Record<string, unknown>;
      if (typeof e?.port !== 'number') fail(file, `environments.${name}.embedded.port must be a number`);
      if (e.dir !== undefined && typeof e.dir !== 'string')
        fail(file, `environments.${name}.embedded.dir must be a string`);
      embedded = { port: e.port, dir: e.dir };
    }
    let compose: ComposeConfig | undefined;
    if (v.compose !== undefined) {
      const c = v.compose as Record<string, unknown>;
      for (const key of ['file', 'project', 'service', 'volume']) {
        if (typeof c?.[key] !== 'string') fail(file, `environments.${name}.compose.${key} must be a string`);
      }
      compose = c as unknown as ComposeConfig;
    }
    environments.set(name, {
      name,
      description: str('description'),
      url: str('url'),
      urlEnv: str('urlEnv'),
      embedded,
      protected: bool('protected') || name === PRODUCTION_ENV,
      remote: bool('remote') || name === PRODUCTION_ENV,
      compose,
    });
  }
  return { file, environments };
}

/** Look an environment up by its exact name (no case folding, no trimming). */
export function getEnvironment(name: string, registry: EnvironmentRegistry = loadRegistry()): EnvironmentConfig {
  const found = registry.environments.get(name);
  if (!found) {
    const known = [...registry.environments.keys()].join(', ');
    throw new DbError(
      'E_ENV_UNKNOWN',
      `unknown environment ${JSON.stringify(name)}; known environments: ${known} (names are matched exactly; add new ones to ${registry.file})`,
    );
  }
  return found;
}

/** `vm_stg` → `DATABASE_URL_VM_STG`. */
export function urlVariableFor(name: string): string {
  return `DATABASE_URL_${name.toUpperCase()}`;
}
