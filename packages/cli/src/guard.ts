import {
  canonicalConnection,
  ConnRefused,
  IdentityUnreadable,
  PRODUCTION_ENV,
  configuredUrl,
  describeIdentity,
  productionReferences,
  readIdentity,
  sameInstance,
  type DatabaseIdentity,
  type EnvironmentConfig,
  type EnvironmentRegistry,
} from '@warehouse/env';
import { DbError, maskUrl } from '@warehouse/db';
import { GuardRefusal } from '@warehouse/command';
import { c } from './output.ts';

/**
 * The guard every destructive or history-changing command goes through (reset, restore,
 * init-from-snapshot, rollback, stamp, resolve).
 *
 * Production is known by what the server says it is, not by how a URL is spelt: the guard
 * connects to the target as the command will (pg's parsing, query parameters, PG* variables)
 * and reads the cluster's system_identifier, the database's oid and the protection marker
 * stored in the database (a line of the database comment that only its owner can change, and
 * toolkit.protection). A target carrying the marker written on itself, or a marker that someone
 * below the database owner could have changed (`untrusted`),
 * or equal to a protected env's reachable database, gets the protected rules whatever env name
 * pointed at it. A marker written on another identity means a restored copy: said, not enforced.
 * A remote or protected target whose identity cannot be read is refused (fail closed).
 * Comparing URL text (checkTarget) stays as a fast first check only.
 *
 * - protected env (vm_prod): refused (exit 2, loud banner) unless `--force` or `FORCE=1`; when
 *   forced: countdown, then the operator types the env name (`--confirm NAME` without a TTY),
 *   then a backup is taken before anything changes.
 * - other remote envs (vm_stg): the countdown; `--yes` skips it.
 * - local envs: no prompt.
 * - every unprotected env: refused when it resolves to the same server+port+database as a
 *   protected env (a copied production URL).
 */

export interface GuardFlags {
  force?: boolean;
  yes?: boolean;
  confirm?: string;
}

export interface GuardIo {
  /** Where banners and the countdown go (stderr in scripts). */
  write(text: string): void;
  /** Wait; rejects (or resolves early) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Read one line typed by the operator; undefined when there is no TTY. */
  readLine?: (prompt: string) => Promise<string>;
  /** Aborted on Ctrl+C: cancels the countdown. */
  signal?: AbortSignal;
}

export interface GuardOptions {
  /** What is about to happen, for the banner: "reset (method db)". */
  action: string;
  env: EnvironmentConfig;
  /** The URL the command will act on (already resolved); undefined for a compose env reset by volume with no URL configured. */
  url?: string;
  /** What to name as the target when there is no URL (e.g. "compose project vm_stg"). */
  targetLabel?: string;
  registry: EnvironmentRegistry;
  flags: GuardFlags;
  /** Process environment: FORCE, DATABASE_URL_<ENV>, the registry's urlEnv variables. */
  vars: NodeJS.ProcessEnv;
  countdownSeconds: number;
  io: GuardIo;
  /** Takes the backup a protected env needs before a destructive command; returns its path. */
  backup?: () => Promise<string>;
  /** Reads who a URL reaches (default readIdentity: a real connection). */
  identify?: (url: string) => Promise<DatabaseIdentity>;
  /**
   * Who `url` reaches, as the command already read (and announced) it a moment ago (withEnv):
   * used instead of a second read of the same URL, and its "COPY of" note is not printed again.
   */
  known?: { url: string; identity: DatabaseIdentity };
}

export interface GuardResult {
  kind: EnvKind;
  forced: boolean;
  countedDown: boolean;
  backupFile?: string;
  /** Who the target is, as read before anything changed (undefined without a URL, or for an unreachable local target). */
  identity?: DatabaseIdentity;
  /** Set when the target is protected by what it is, not by the env's name: the protected env it is. */
  reachedAs?: string;
}

export type EnvKind = 'local' | 'remote' | 'protected';

export function envKind(env: EnvironmentConfig): EnvKind {
  return env.protected || env.name === PRODUCTION_ENV ? 'protected' : env.remote ? 'remote' : 'local';
}

/** `FORCE=1` (or true/yes) as the old Makefile accepted. */
export function forceFromVars(vars: NodeJS.ProcessEnv): boolean {
  return /^(1|true|yes)$/i.test(vars.FORCE ?? '');
}

/** Host, port and database of a URL, normalised so that the same server compares equal. */
export function targetOf(url: string): { host: string; port: number; database: string } {
  const u = new URL(url);
  let host = decodeURIComponent(u.hostname)
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  // A URL may name a socket directory or the host in the query string (libpq style).
  const qHost = u.searchParams.get('host');
  if (!host && qHost) host = qHost.toLowerCase();
  if (['localhost', '127.0.0.1', '::1', '', '0:0:0:0:0:0:0:1'].includes(host) || host.startsWith('/'))
    host = 'localhost';
  const port = Number(u.port || u.searchParams.get('port') || 5432);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
  return { host, port, database };
}

export function sameTarget(a: string, b: string): boolean {
  const x = targetOf(a);
  const y = targetOf(b);
  return x.host === y.host && x.port === y.port && x.database === y.database;
}

/**
 * Refuse (exit 2) when an unprotected env's URL points at a protected env's database.
 * Protected envs whose URL is not configured in this shell cannot be compared and are skipped.
 */
export function checkTarget(
  env: EnvironmentConfig,
  url: string,
  registry: EnvironmentRegistry,
  vars: NodeJS.ProcessEnv,
): void {
  if (env.protected) return;
  for (const other of registry.environments.values()) {
    if (!other.protected || other.name === env.name) continue;
    const configured = configuredUrl(other, vars);
    if (!configured) continue;
    let same: boolean;
    try {
      same = sameTarget(url, configured.url);
    } catch {
      continue; // an unparsable URL is reported when that env is used
    }
    if (same) {
      const t = targetOf(url);
      throw new GuardRefusal(
        'E_TARGET_PROTECTED',
        `environment ${env.name} resolves to ${maskUrl(url)}, which is the database of protected environment ${other.name} ` +
          `(${t.host}:${t.port}/${t.database}, from ${configured.sourceDetail}). Nothing was changed. ` +
          `Fix: point ${env.name} at its own database, or run the command with --env ${other.name} (which requires --force and confirmation).`,
      );
    }
  }
}

export function banner(lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '!'.repeat(width);
  return (
    ['', c.banner(bar), ...lines.map((l) => c.banner(`! ${l.padEnd(width - 4)} !`)), c.banner(bar), ''].join('\n') +
    '\n'
  );
}

/** Count down `seconds` (one line per second); Ctrl+C (the signal) cancels with exit 2. */
export async function countdown(seconds: number, what: string, io: GuardIo): Promise<void> {
  if (seconds <= 0) return;
  io.write(`${c.warn(`${what} in ${seconds} seconds; press Ctrl+C to cancel`)}\n`);
  for (let left = seconds; left > 0; left--) {
    if (io.signal?.aborted) break;
    io.write(`  ${left}…\n`);
    await io.sleep(1000, io.signal).catch(() => {});
  }
  if (io.signal?.aborted) {
    throw new GuardRefusal('E_CANCELLED', `cancelled during the countdown; nothing was changed`);
  }
}

/**
 * Refuse a protected env that is not forced, before anything else (tool checks, connections):
 * the refusal is the answer whatever else is missing.
 */
export function refuseUnforcedProtected(o: {
  action: string;
  env: EnvironmentConfig;
  flags: GuardFlags;
  vars: NodeJS.ProcessEnv;
  target: string;
  io: GuardIo;
}): void {
  if (envKind(o.env) !== 'protected' || o.flags.force === true || forceFromVars(o.vars)) return;
  o.io.write(refusalBanner(o.action, o.env.name, o.target));
  throw new GuardRefusal(
    'E_ENV_PROTECTED',
    `${o.action} on protected environment ${o.env.name} (${o.target}) refused; add --force (or FORCE=1) and confirm with --confirm ${o.env.name}`,
  );
}

function refusalBanner(action: string, name: string, target: string, extra: string[] = []): string {
  return banner([
    `REFUSED: ${action} on ${name} is BLOCKED`,
    '',
    ...extra,
    `${name} is a PROTECTED environment (production).`,
    `This would change or DESTROY ${target}.`,
    '',
    'Nothing was changed.',
    `If you really mean it: take a backup (pnpm db:backup --env ${name}),`,
    `then add --force (or FORCE=1) and --confirm ${name}.`,
  ]);
}

interface Reached {
  /** The protected env the target is. */
  name: string;
  /** How we know: "the database marked vm_prod" / "the database of protected environment vm_prod (PROD_URL)". */
  how: string;
}

/**
 * Who the target is, and whether it is a protected env's database whatever name pointed at it.
 * Throws GuardRefusal (exit 2) when the identity cannot be read and the env is remote or protected.
 */
async function identifyTarget(
  o: GuardOptions,
  url: string,
): Promise<{ identity?: DatabaseIdentity; reached?: Reached }> {
  const identify = o.identify ?? ((u: string) => readIdentity(u));
  const declared = envKind(o.env);
  // A spelling the toolkit refuses is its own refusal, not an unreadable identity.
  const target = canonical(url);
  const known = o.known?.url === url ? o.known.identity : undefined;
  let identity: DatabaseIdentity;
  try {
    identity = known ?? (await identify(target));
  } catch (error) {
    const e = error as Error;
    if (declared === 'local' && error instanceof IdentityUnreadable && !error.connected) {
      o.io.write(
        c.dim(
          `guard: nothing answers at ${maskUrl(url)} (${error.pgCode ?? 'no connection'}), so there is nothing there to protect\n`,
        ),
      );
      return {};
    }
    throw new GuardRefusal(
      'E_IDENTITY_UNREADABLE',
      `${o.action} on ${o.env.name} refused: the guard must know which database it is about to change, and ${e instanceof IdentityUnreadable ? e.message.replace(/^could not read/, 'could not read') : `could not read the identity of ${maskUrl(url)}: ${e.message}`}. ` +
        `Nothing was changed. Fix: check that the server is running and the URL (${maskUrl(url)}) is right; the role needs to connect and SELECT pg_control_system() and the table toolkit.protection.`,
    );
  }
  if (identity.markerState === 'here') {
    return { identity, reached: { name: identity.marker!.env, how: `the database marked ${identity.marker!.env}` } };
  }
  if (identity.markerState === 'untrusted') {
    // A marker someone below the database owner could have changed cannot say "not production".
    // Its env name may be forged too: it names the confirmation only when it is a protected env here.
    const named = identity.marker?.env;
    const namedEnv = named ? o.registry.environments.get(named) : undefined;
    const name = namedEnv && envKind(namedEnv) === 'protected' ? namedEnv.name : PRODUCTION_ENV;
    return {
      identity,
      reached: {
        name,
        how: `a database whose protection marker cannot be trusted (${identity.markerProblem}; fix: as the database owner or a superuser, run pnpm db:protect --env ${name} to keep it protected, or — if it is not ${name} — drop schema toolkit and the protection line of the database comment)`,
      },
    };
  }
  if (known) {
    // already said by the command (withEnv) when it read this identity
  } else if (identity.markerState === 'copy' && identity.released) {
    const m = identity.marker!;
    o.io.write(
      c.warn(
        `note: ${maskUrl(url)} is a physical copy of ${m.env} released for ${identity.released.env} at ${identity.released.at} by ${identity.released.by} (pnpm db:mark-copy); the rules of ${o.env.name} apply.\n`,
      ),
    );
  } else if (identity.markerState === 'copy') {
    const m = identity.marker!;
    o.io.write(
      c.warn(
        `note: ${maskUrl(url)} is a COPY of ${m.env} (its protection marker was written on ${describeIdentity(m)}; this is ${describeIdentity(identity)}); ` +
          `the rules of ${o.env.name} apply. Mark it with \`pnpm db:protect --env ${o.env.name}\` if it must be protected too.\n`,
      ),
    );
  }
  if (declared === 'protected') return { identity };
  for (const ref of productionReferences(o.registry, o.vars)) {
    if (ref.name === o.env.name) continue;
    let prod: DatabaseIdentity;
    try {
      // Production's URL as the tools would read it; node-pg's own reading when the toolkit refuses it.
      prod = await identify(canonicalOr(ref.url));
    } catch {
      continue; // production not reachable from here: its marker (if written) still holds
    }
    // A physical copy shares system_identifier and oid; only a release (db:mark-copy) tells it apart.
    if (sameInstance(prod, identity))
      return {
        identity,
        reached: {
          name: ref.name,
          how: `the database of protected environment ${ref.name} (its URL from ${ref.sourceDetail})`,
        },
      };
  }
  return { identity };
}

/**
 * The URL every connection of the command uses: `url` and the PG* variables read once with libpq's
 * rules (resolveDatabase already did so for CLI commands; this keeps direct callers honest).
 * A spelling the toolkit refuses is a refusal of the command (exit 2).
 */
function canonical(url: string): string {
  try {
    return canonicalConnection(url).url;
  } catch (error) {
    if (error instanceof ConnRefused || (error instanceof DbError && error.code === 'E_CONN_INVALID'))
      throw new GuardRefusal('E_GUARD_REFUSED', `${maskUrl(url)}: ${error.message}. Nothing was changed.`);
    throw error;
  }
}

function canonicalOr(url: string): string {
  try {
    return canonicalConnection(url).url;
  } catch {
    return url;
  }
}

/**
 * The guard of a command that writes without destroying (db:migrate, db:seed, demo:data
 * --reference, mv:refresh, db:bootstrap-roles, db:migrate:new): no countdown and no prompt, but a
 * target that is a protected env's database by what it is (its marker, or production's identity)
 * must be named as that env. `--env local_dev` whose URL reaches the database marked vm_prod is
 * refused (exit 2); `--env vm_prod` goes ahead, as deploying does. An identity that cannot be read
 * is said and not enforced here: these commands only add, and the destructive guard fails closed.
 */
export async function guardWrite(o: Omit<GuardOptions, 'flags' | 'countdownSeconds' | 'backup'>): Promise<GuardResult> {
  const declared = envKind(o.env);
  const base = { kind: declared, forced: false, countedDown: false };
  if (!o.url || declared === 'protected') return base;
  checkTarget(o.env, o.url, o.registry, o.vars);
  let found: Awaited<ReturnType<typeof identifyTarget>>;
  try {
    found = await identifyTarget({ ...o, flags: {}, countdownSeconds: 0 }, o.url);
  } catch (error) {
    if (error instanceof GuardRefusal && error.code === 'E_IDENTITY_UNREADABLE') {
      o.io.write(
        c.dim(
          `guard: ${error.message.replace(/ Nothing was changed\..*$/, '')}; going ahead (${o.action} only adds)\n`,
        ),
      );
      return base;
    }
    throw error;
  }
  const { identity, reached } = found;
  if (!reached) return { ...base, identity };
  const line = `${o.env.name}'s URL reaches ${reached.how}: ${describeIdentity(identity!)}`;
  o.io.write(refusalBanner(o.action, reached.name, maskUrl(o.url), [line, '']));
  throw new GuardRefusal(
    'E_TARGET_PROTECTED',
    `${o.action} on ${o.env.name} refused: ${line} (at ${identity!.server}). Nothing was changed. ` +
      `Fix: point ${o.env.name} at its own database; to write to ${reached.name}, name it: --env ${reached.name}.`,
  );
}

/** Run the guard; throws GuardRefusal (exit 2) when the command must not go ahead. */
export async function guardDestructive(o: GuardOptions): Promise<GuardResult> {
  const { env, flags, io } = o;
  const declared = envKind(env);
  const target = o.url ? maskUrl(o.url) : (o.targetLabel ?? env.name);
  if (o.url) checkTarget(env, o.url, o.registry, o.vars);
  const { identity, reached } = o.url ? await identifyTarget(o, o.url) : {};
  const byIdentity = reached && declared !== 'protected' ? reached : undefined;
  const kind: EnvKind = byIdentity ? 'protected' : declared;
  const name = byIdentity ? byIdentity.name : env.name;
  const base = { identity, ...(byIdentity ? { reachedAs: byIdentity.name } : {}) };

  if (kind === 'local') return { kind, forced: false, countedDown: false, ...base };

  if (kind === 'remote') {
    if (flags.yes) {
      io.write(`${c.warn(`${o.action} on ${env.name} (${target}): countdown skipped by --yes`)}\n`);
      return { kind, forced: false, countedDown: false, ...base };
    }
    await countdown(o.countdownSeconds, `${o.action} on ${env.name} (${target})`, io);
    return { kind, forced: false, countedDown: o.countdownSeconds > 0, ...base };
  }

  // protected: by the env's name, or by what the target is
  const reachedLine =
    byIdentity && identity ? `${env.name}'s URL reaches ${byIdentity.how}: ${describeIdentity(identity)}` : undefined;
  const forced = flags.force === true || forceFromVars(o.vars);
  if (!forced) {
    io.write(refusalBanner(o.action, name, target, reachedLine ? [reachedLine, ''] : []));
    if (byIdentity) {
      throw new GuardRefusal(
        'E_TARGET_PROTECTED',
        `${o.action} on ${env.name} refused: ${reachedLine} (at ${identity!.server}). Nothing was changed. ` +
          `Fix: point ${env.name} at its own database; if you really mean ${name}, use --env ${name} with --force and --confirm ${name}.`,
      );
    }
    throw new GuardRefusal(
      'E_ENV_PROTECTED',
      `${o.action} on protected environment ${env.name} (${target}) refused; add --force (or FORCE=1) and confirm with --confirm ${env.name}`,
    );
  }
  io.write(
    banner([
      `FORCED: ${o.action} on PROTECTED environment ${name}`,
      ...(reachedLine ? [reachedLine] : []),
      `target: ${target}`,
    ]),
  );
  // Check a given --confirm before waiting, so a typo fails fast.
  if (flags.confirm !== undefined && flags.confirm !== name) {
    throw new GuardRefusal(
      'E_GUARD_REFUSED',
      `--confirm ${JSON.stringify(flags.confirm)} does not match the environment name ${name}; nothing was changed (type it exactly)`,
    );
  }
  if (flags.confirm === undefined && !io.readLine) {
    throw new GuardRefusal(
      'E_GUARD_REFUSED',
      `no terminal to type the confirmation for protected environment ${name}; pass --confirm ${name}. Nothing was changed.`,
    );
  }
  await countdown(o.countdownSeconds, `${o.action} on ${name} (${target})`, io);
  if (flags.confirm === undefined) {
    const typed = await io.readLine!(`Type the environment name (${name}) to continue: `);
    if (typed.replace(/\r?\n$/, '') !== name) {
      throw new GuardRefusal(
        'E_GUARD_REFUSED',
        `typed ${JSON.stringify(typed.trim())}, not ${name}; nothing was changed`,
      );
    }
  }
  let backupFile: string | undefined;
  if (o.backup) {
    io.write(`taking a backup of ${name} first…\n`);
    backupFile = await o.backup();
    io.write(`${c.ok('backup written')}: ${backupFile}\n`);
  }
  return { kind, forced: true, countedDown: o.countdownSeconds > 0, backupFile, ...base };
}
