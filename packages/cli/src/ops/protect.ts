import {
  configuredUrl,
  describeIdentity,
  getEnvironment,
  probeSameInstance,
  productionReferences,
  readIdentity,
  sameDatabase,
  writeProtectionMarker,
  writeReleasedCopyMarker,
  type DatabaseIdentity,
  type EnvironmentConfig,
  type EnvironmentRegistry,
} from '@warehouse/env';
import { maskUrl } from '@warehouse/db';
import { CliError, GuardRefusal } from '@warehouse/command';
import { envKind } from '../guard.ts';

/**
 * Write the protection marker for `envName` into the database `url` reaches. Refuses a database
 * already marked (on itself) for another env, so a mistyped URL cannot relabel production.
 * A marker that is already there but only in the table (written before the owner-only anchor
 * existed, or by a role that could not write the anchor) is written again: that is the migration.
 */
export async function protectDatabase(
  url: string,
  envName: string,
): Promise<{
  identity: DatabaseIdentity;
  previous: DatabaseIdentity['marker'];
  previousState: DatabaseIdentity['markerState'];
  changed: boolean;
  anchored: boolean;
  problems: string[];
}> {
  const current = await readIdentity(url);
  // An untrusted marker's env name may be forged: it does not block writing a trusted one.
  const markedAs = current.markerState === 'here' ? current.marker?.env : undefined;
  if (markedAs && markedAs !== envName) {
    throw new CliError(
      'E_USAGE',
      `this URL reaches the database already marked ${markedAs} (${describeIdentity(current)}); nothing was changed. Fix: point ${envName} at its own database.`,
    );
  }
  if (current.markerState === 'here' && current.markerSource === 'anchor' && current.markerTableOk)
    return {
      identity: current,
      previous: current.marker,
      previousState: 'here',
      changed: false,
      anchored: true,
      problems: [],
    };
  const r = await writeProtectionMarker(url, envName);
  return {
    identity: r.after,
    previous: current.marker,
    previousState: current.markerState,
    changed: true,
    anchored: r.anchored,
    problems: r.problems,
  };
}

/**
 * After db:migrate / db:bootstrap-roles on a protected env: make sure its database carries the
 * marker (written once; rewritten when the database is a copy, e.g. production restored onto a
 * new server, or when only the table part exists). Never fails the command for a part it could
 * not write: it returns a line saying so. Returns undefined when nothing changed or the env is not protected.
 */
export async function ensureProtectionMarker(env: EnvironmentConfig, url: string): Promise<string | undefined> {
  if (envKind(env) !== 'protected') return undefined;
  const r = await protectDatabase(url, env.name);
  if (!r.changed) return undefined;
  const weak = r.anchored
    ? ''
    : ` — WARNING: only the table part was written, which its owner can edit: ${r.problems.join('; ')}`;
  return r.previousState === 'copy'
    ? `protection marker of ${env.name} rewritten for ${describeIdentity(r.identity)} (it named ${describeIdentity(r.previous!)}: a restored copy, now ${env.name} itself)${weak}`
    : `marked ${describeIdentity(r.identity)} as protected environment ${env.name} (database comment and table toolkit.protection)${weak}`;
}

export interface CopyCheck {
  /** The target as read now (marked `of.env`, same identity as the original). */
  identity: DatabaseIdentity;
  /** The protected env it is a copy of. */
  of: string;
  /** Where the original was reached (masked URL, and where it came from). */
  original: string;
}

/**
 * Before db:mark-copy changes anything: the target must carry a protected marker naming itself
 * (a physical copy does), must not be reached as a protected env, and the original must be
 * reachable — same identity — and answer as a *different* running database (probeSameInstance).
 * Whatever cannot be proved is refused (exit 2): a physical copy and its original cannot be told
 * apart any other way.
 */
export async function checkPhysicalCopy(o: {
  env: EnvironmentConfig;
  url: string;
  registry: EnvironmentRegistry;
  vars: NodeJS.ProcessEnv;
}): Promise<CopyCheck | { nothingToDo: string }> {
  const { env, url } = o;
  if (envKind(env) === 'protected')
    throw new GuardRefusal(
      'E_ENV_PROTECTED',
      `${env.name} is a protected environment: its database cannot be marked a copy of anything. Nothing was changed. Fix: run db:mark-copy with the env of the copy (e.g. --env vm_stg).`,
    );
  const id = await readIdentity(url);
  if (id.markerState === 'none')
    return { nothingToDo: `${describeIdentity(id)} carries no protection marker: it already gets ${env.name}'s rules` };
  if (id.markerState === 'copy')
    return {
      nothingToDo: `${describeIdentity(id)} is already a copy of ${id.marker!.env}${id.released ? ` (released for ${id.released.env} at ${id.released.at} by ${id.released.by})` : ''}`,
    };
  if (id.markerState === 'untrusted' || !id.marker)
    throw new GuardRefusal(
      'E_TARGET_PROTECTED',
      `${describeIdentity(id)} carries a protection marker that cannot be trusted (${id.markerProblem}); db:mark-copy releases only a marker it can verify. Nothing was changed. Fix: as the database owner or a superuser, repair it with pnpm db:protect on the env it names, or drop schema toolkit and the protection line of the database comment by hand if you know this is not production.`,
    );
  const of = id.marker.env;
  let ofUrl: { url: string; from: string } | undefined;
  try {
    const ofEnv = getEnvironment(of, o.registry);
    const c = configuredUrl(ofEnv, o.vars);
    if (c) ofUrl = { url: c.url, from: c.sourceDetail };
  } catch {
    // not in this registry: production's own variables below
  }
  ofUrl ??= productionReferences(o.registry, o.vars)
    .filter((r) => r.name === of)
    .map((r) => ({ url: r.url, from: r.sourceDetail }))[0];
  if (!ofUrl)
    throw new GuardRefusal(
      'E_TARGET_PROTECTED',
      `${env.name}'s URL reaches ${describeIdentity(id)}, marked ${of}. It may be ${of} itself: a physical copy cannot be told from its original except by reaching both. Nothing was changed. Fix: set ${of}'s URL (DATABASE_URL_${of.toUpperCase()}) in this shell so the toolkit can prove the two are different servers.`,
    );
  let original: DatabaseIdentity;
  try {
    original = await readIdentity(ofUrl.url);
  } catch (error) {
    throw new GuardRefusal(
      'E_TARGET_PROTECTED',
      `${of}'s URL (${maskUrl(ofUrl.url)}, from ${ofUrl.from}) could not be read (${(error as Error).message}), so nothing proves that ${env.name}'s URL does not reach ${of} itself. Nothing was changed. Fix: make ${of} reachable from here and run it again.`,
    );
  }
  if (!sameDatabase(original, id))
    throw new GuardRefusal(
      'E_TARGET_PROTECTED',
      `${of}'s URL reaches ${describeIdentity(original)}, not the identity ${env.name}'s target carries (${describeIdentity(id)}); the copy's original cannot be checked. Nothing was changed. Fix: set ${of}'s URL to the real ${of}.`,
    );
  if (await probeSameInstance(url, ofUrl.url))
    throw new GuardRefusal(
      'E_TARGET_PROTECTED',
      `${env.name}'s URL (${maskUrl(url)}) reaches ${of} itself — the very same running database as ${maskUrl(ofUrl.url)} (${describeIdentity(id)}), not a copy. Nothing was changed. Fix: point ${env.name} at the copy.`,
    );
  return { identity: id, of, original: `${maskUrl(ofUrl.url)} (from ${ofUrl.from})` };
}

/** Write the released-copy marker on the target checked by checkPhysicalCopy. */
export async function releaseCopy(url: string, env: EnvironmentConfig, check: CopyCheck) {
  return writeReleasedCopyMarker(url, { env: env.name, of: check.identity.marker!, expected: check.identity });
}
