import {
  describeIdentity,
  readIdentity,
  writeProtectionMarker,
  type DatabaseIdentity,
  type EnvironmentConfig,
} from '@warehouse/db';
import { CliError } from '@warehouse/command';
import { envKind } from '../guard.ts';

/**
 * Write the protection marker for `envName` into the database `url` reaches. Refuses a database
 * already marked (on itself) for another env, so a mistyped URL cannot relabel production.
 */
export async function protectDatabase(
  url: string,
  envName: string,
): Promise<{
  identity: DatabaseIdentity;
  previous: DatabaseIdentity['marker'];
  previousState: DatabaseIdentity['markerState'];
  changed: boolean;
}> {
  const current = await readIdentity(url);
  if (current.markerState === 'here' && current.marker!.env !== envName) {
    throw new CliError(
      'E_USAGE',
      `this URL reaches the database already marked ${current.marker!.env} (${describeIdentity(current)}); nothing was changed. Fix: point ${envName} at its own database.`,
    );
  }
  if (current.markerState === 'here')
    return { identity: current, previous: current.marker, previousState: 'here', changed: false };
  const { after } = await writeProtectionMarker(url, envName);
  return { identity: after, previous: current.marker, previousState: current.markerState, changed: true };
}

/**
 * After db:migrate / db:bootstrap-roles on a protected env: make sure its database carries the
 * marker (written once; rewritten when the database is a copy, e.g. production restored onto a
 * new server). Returns a line to print, or undefined when nothing changed or the env is not protected.
 */
export async function ensureProtectionMarker(env: EnvironmentConfig, url: string): Promise<string | undefined> {
  if (envKind(env) !== 'protected') return undefined;
  const r = await protectDatabase(url, env.name);
  if (!r.changed) return undefined;
  return r.previousState === 'copy'
    ? `protection marker of ${env.name} rewritten for ${describeIdentity(r.identity)} (it named ${describeIdentity(r.previous!)}: a restored copy, now ${env.name} itself)`
    : `marked ${describeIdentity(r.identity)} as protected environment ${env.name} (table toolkit.protection)`;
}
