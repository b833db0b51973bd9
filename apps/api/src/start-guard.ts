import { loadRegistry, PRODUCTION_ENV, readIdentity, type EnvironmentRegistry } from '@warehouse/env';
import { maskUrl } from '@warehouse/db';

/**
 * `pnpm start` migrates and seeds the database it reaches, so it follows the CLI's writing guard
 * (packages/cli/src/guard.ts `guardWrite`): a database that is a protected env's by what it is —
 * its protection marker, or a marker that cannot be trusted — is started on only when
 * WAREHOUSE_ENV names a protected env. `WAREHOUSE_ENV=local_dev` (the default) with a
 * DATABASE_URL or DATABASE_URL_LOCAL_DEV that reaches production is refused before anything is
 * written. A server that cannot be read is left to the migration, which fails with its own error.
 * `url` is resolveDatabase's canonical URL (libpq's reading, also of DATABASE_URL), the one the
 * pools and the migration use, so the guard reads the database the start would write.
 */
export class StartRefused extends Error {
  readonly code = 'E_TARGET_PROTECTED';
}

export async function checkStartTarget(
  url: string,
  envName: string,
  registry: EnvironmentRegistry = loadRegistry(),
): Promise<void> {
  const env = registry.environments.get(envName);
  if (envName === PRODUCTION_ENV || env?.protected) return;
  let identity: Awaited<ReturnType<typeof readIdentity>>;
  try {
    identity = await readIdentity(url, { timeoutMs: 10_000 });
  } catch {
    return;
  }
  if (identity.markerState !== 'here' && identity.markerState !== 'untrusted') return;
  const named = identity.marker?.env;
  const name =
    named && (named === PRODUCTION_ENV || registry.environments.get(named)?.protected) ? named : PRODUCTION_ENV;
  const why =
    identity.markerState === 'here'
      ? `it is the database marked ${name}`
      : `its protection marker cannot be trusted (${identity.markerProblem ?? 'unknown reason'})`;
  throw new StartRefused(
    `refusing to start on ${maskUrl(url)} as ${envName}: ${why}; starting would migrate and seed it. Nothing was changed. ` +
      `Fix: point ${envName} at its own database, or, to run against ${name} on purpose, set WAREHOUSE_ENV=${name}.`,
  );
}
