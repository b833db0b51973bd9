import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  getEnvironment,
  loadRegistry,
  type DatabaseIdentity,
  type EnvironmentConfig,
  type EnvironmentRegistry,
  type ResolvedDatabase,
} from '@warehouse/env';
import {
  guardDestructive,
  guardWrite,
  refuseUnforcedProtected,
  type GuardIo,
  type GuardOptions,
  type GuardResult,
} from './guard.ts';
import { backupDatabase } from './ops/backup.ts';
import type { DumpVia } from './ops/dump.ts';
import { withEnv } from './env.ts';
import { c, info } from './output.ts';
import { repoRoot } from './paths.ts';

/**
 * The process environment this package reads (one place): FORCE, WAREHOUSE_COUNTDOWN_SECONDS
 * (default 5; tests use 0), WAREHOUSE_BACKUP_DIR (default backups/ at the repo root),
 * UPLOAD_FAILED_RETENTION_DAYS (read by failedRetentionDays in uploads.ts, so that a bad
 * value stops only `upload:purge`).
 */
export function cliConfig(vars: NodeJS.ProcessEnv = process.env) {
  const raw = vars.WAREHOUSE_COUNTDOWN_SECONDS;
  const countdownSeconds = raw === undefined || raw === '' ? 5 : Number(raw);
  if (!Number.isInteger(countdownSeconds) || countdownSeconds < 0) {
    throw new Error(`WAREHOUSE_COUNTDOWN_SECONDS must be a whole number of seconds ≥ 0, got ${JSON.stringify(raw)}`);
  }
  return {
    countdownSeconds,
    backupDir: path.resolve(vars.WAREHOUSE_BACKUP_DIR || path.join(repoRoot, 'backups')),
  };
}

/** The guard's I/O in a real process: stderr, real sleeps, Ctrl+C cancels, a prompt only on a TTY. */
export function processGuardIo(): GuardIo & { dispose(): void } {
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.on('SIGINT', onSigint);
  const tty = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  return {
    write: (t) => process.stderr.write(t),
    sleep: (ms, signal) => sleep(ms, undefined, { signal }),
    signal: ac.signal,
    readLine: tty
      ? async (prompt) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return await rl.question(prompt, { signal: ac.signal });
          } finally {
            rl.close();
          }
        }
      : undefined,
    dispose: () => process.off('SIGINT', onSigint),
  };
}

/**
 * Run the guard for a command about to change `env`; a protected env is backed up first.
 * Throws GuardRefusal (exit 2) when refused.
 */
export async function guardForCommand(o: {
  action: string;
  env: EnvironmentConfig;
  url?: string;
  targetLabel?: string;
  registry: EnvironmentRegistry;
  flags: { yes?: boolean; force?: boolean; confirm?: string };
  via?: DumpVia;
  known?: GuardOptions['known'];
}): Promise<GuardResult> {
  const config = cliConfig();
  const io = processGuardIo();
  try {
    return await guardDestructive({
      action: o.action,
      env: o.env,
      url: o.url,
      targetLabel: o.targetLabel,
      registry: o.registry,
      flags: o.flags,
      vars: process.env,
      countdownSeconds: config.countdownSeconds,
      io,
      known: o.known,
      backup: o.url
        ? async () =>
            (
              await backupDatabase({
                env: o.env,
                url: o.url!,
                registry: o.registry,
                via: o.via ?? 'local',
                dir: config.backupDir,
              })
            ).file
        : async () => {
            info(c.warn(`no URL configured for ${o.env.name}: cannot take a backup first`));
            throw new Error(
              `a backup of protected environment ${o.env.name} is required first, but it has no URL configured; set ${'DATABASE_URL_' + o.env.name.toUpperCase()}`,
            );
          },
    });
  } finally {
    io.dispose();
  }
}

/**
 * The protected env's refusal, before any tool check or connection (a missing Docker must not
 * turn "refused" into "failed"). Throws GuardRefusal (exit 2).
 */
export function refuseEarly(o: {
  action: string;
  env: EnvironmentConfig;
  target: string;
  flags: { force?: boolean };
}): void {
  refuseUnforcedProtected({
    ...o,
    vars: process.env,
    io: { write: (t) => process.stderr.write(t), sleep: async () => {} },
  });
}

/**
 * The shape of every guarded migration command: resolve the env named by `--env`, say what it is,
 * run the guard for `action` against the server actually reached (exit 2 when refused), then `fn`.
 */
export async function withGuardedEnv<T>(
  flags: { env: string; yes?: boolean; force?: boolean; confirm?: string },
  action: string,
  fn: (db: ResolvedDatabase) => Promise<T>,
): Promise<T> {
  const registry = loadRegistry();
  const env = getEnvironment(flags.env, registry);
  return withEnv(
    env.name,
    async (db, identity) => {
      await guardForCommand({ action, env, url: db.url, registry, flags, known: known(db, identity) });
      return fn(db);
    },
    { registry },
  );
}

/**
 * The shape of every command that writes without destroying: resolve `--env`, say what it is,
 * refuse (exit 2) when the server reached is a protected env's database that was not named
 * (guardWrite), then `fn`. No countdown, no prompt.
 */
export async function withWritingEnv<T>(
  name: string,
  action: string,
  fn: (db: ResolvedDatabase) => Promise<T>,
  options: { quiet?: boolean } = {},
): Promise<T> {
  const registry = loadRegistry();
  const env = getEnvironment(name, registry);
  return withEnv(
    env.name,
    async (db, identity) => {
      const io = processGuardIo();
      try {
        await guardWrite({ action, env, url: db.url, registry, vars: process.env, io, known: known(db, identity) });
      } finally {
        io.dispose();
      }
      return fn(db);
    },
    { registry, quiet: options.quiet },
  );
}

/** The identity withEnv read for the URL the guard is about to judge (read once per command). */
export function known(db: ResolvedDatabase, identity: DatabaseIdentity | undefined): GuardOptions['known'] {
  return identity ? { url: db.url, identity } : undefined;
}
