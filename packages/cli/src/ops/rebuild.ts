/**
 * `db:rebuild`: an environment rebuilt from the snapshot in one guarded run, what the old
 * Makefile's FORCE=1 sequence did and what today takes db:reset + db:init-from-snapshot +
 * db:bootstrap-roles, each confirmed separately (forgetting the last left app_readonly without
 * grants). Steps, each after the previous succeeded: backup (protected envs, taken by the guard),
 * reset, snapshot, stamp, roles (+ the protection marker of a protected env), populate, verify —
 * the rebuilt database's schema and privileges against a fresh migrate of head made on the same
 * server (as db:diff compares them).
 */
import { performance } from 'node:perf_hooks';
import { createScratchDatabase, type EnvironmentConfig, type EnvironmentRegistry } from '@warehouse/env';
import { maskUrl } from '@warehouse/db';
import { migrate, stamp } from '@warehouse/migrate';
import { CliError } from '@warehouse/command';
import { populateAfterMigrate } from '../populate.ts';
import { applySnapshot, SNAPSHOT_FILE } from './baseline.ts';
import { dumpSchema, dumpVia, unifiedDiff } from './dump.ts';
import { ensureProtectionMarker } from './protect.ts';
import { guardReset, performReset, type ResetMethod } from './reset.ts';
import { bootstrapRoles } from './roles.ts';

export const REBUILD_STEPS = ['backup', 'reset', 'snapshot', 'stamp', 'roles', 'populate', 'verify'] as const;
export type RebuildStepName = (typeof REBUILD_STEPS)[number];

export interface RebuildStep {
  name: RebuildStepName;
  status: 'success' | 'failed' | 'skipped';
  ms: number;
  /** What the step did (a file, a count), or why it was skipped. */
  detail?: string;
  error?: Error;
}

export interface RebuildResult {
  env: string;
  method: ResetMethod;
  /** The rebuilt database's URL, password masked. */
  url: string | null;
  steps: RebuildStep[];
  /** verify: the unified diff of the rebuilt database against a fresh migrate of head ('' when equal). */
  diff: string;
  ok: boolean;
}

export interface RebuildOptions {
  env: EnvironmentConfig;
  registry: EnvironmentRegistry;
  method?: ResetMethod;
  /** The snapshot applied (default packages/db/sql/schema_head.sql). */
  file?: string;
  /** Migrations folder (stamp, and the fresh migrate verify compares with). */
  dir?: string;
  flags: { yes?: boolean; force?: boolean; confirm?: string };
  log: (m: string) => void;
  vars?: NodeJS.ProcessEnv;
}

/**
 * Rebuild `env` from the snapshot. Guard refusals throw (GuardRefusal, exit 2) before anything
 * changes; after the guard every step is recorded and the first failure skips the rest.
 *
 * @example
 * const r = await rebuildEnvironment({ env, registry, flags: { yes: true }, log: console.error });
 * if (!r.ok) process.exitCode = 1;
 */
export async function rebuildEnvironment(o: RebuildOptions): Promise<RebuildResult> {
  const vars = o.vars ?? process.env;
  const env = o.env;
  const action = (method: ResetMethod) => `rebuild from the snapshot (reset method ${method})`;
  // One guard for the whole run: countdown, typed confirmation and the backup of a protected env.
  const target = await guardReset({
    env,
    registry: o.registry,
    method: o.method,
    action,
    flags: o.flags,
    vars,
    log: o.log,
  });
  const { method, configured, guard } = target;
  let stopServer = async () => {};
  try {
    const steps: RebuildStep[] = [];
    let url = target.url;
    let diff = '';
    const run = async (name: RebuildStepName, fn: () => Promise<string | undefined>) => {
      if (steps.some((s) => s.status === 'failed')) {
        steps.push({ name, status: 'skipped', ms: 0, detail: 'an earlier step failed' });
        return;
      }
      const t0 = performance.now();
      try {
        const detail = await fn();
        steps.push({ name, status: 'success', ms: Math.round(performance.now() - t0), detail });
      } catch (error) {
        steps.push({ name, status: 'failed', ms: Math.round(performance.now() - t0), error: error as Error });
      }
      const last = steps.at(-1)!;
      o.log(
        `${last.status === 'success' ? '✓' : '✗'} ${name}${last.detail ? ` — ${last.detail}` : ''}${last.error ? `: ${last.error.message}` : ''}`,
      );
    };

    steps.push(
      guard.backupFile
        ? { name: 'backup', status: 'success', ms: 0, detail: guard.backupFile }
        : { name: 'backup', status: 'skipped', ms: 0, detail: `${env.name} is not protected` },
    );
    await run('reset', async () => {
      const r = await performReset(target, env, o.registry, vars, o.log);
      url = r.url;
      stopServer = r.stop;
      if (!url)
        throw new CliError(
          'E_FAILED',
          `reset ${env.name}, but it has no URL to build on; set DATABASE_URL_${env.name.toUpperCase()} and run pnpm db:init-from-snapshot --env ${env.name}`,
        );
      return `method ${method}`;
    });
    await run('snapshot', () => applySnapshot({ url: url!, envName: env.name, file: o.file ?? SNAPSHOT_FILE }));
    await run('stamp', async () => {
      const r = await stamp({ url: url!, dir: o.dir, to: 'head' });
      return `${r.stamped.length} migrations marked applied`;
    });
    await run('roles', async () => {
      const r = await bootstrapRoles(url!);
      const marked = await ensureProtectionMarker(env, url!);
      const granted = r.schemas.filter((s) => s.status === 'granted').map((s) => s.schema);
      return `${r.role} on ${granted.join(', ')}${marked ? `; ${marked}` : ''}`;
    });
    await run('populate', async () => {
      if (!(await populateAfterMigrate(url!, 'rebuild')))
        throw new CliError('E_FAILED', `a critical materialized view of ${env.name} failed to populate (see above)`);
      return undefined;
    });
    await run('verify', async () => {
      diff = await verifyAgainstHead(env, o.registry, url!, configured?.sourceDetail ?? '', o.dir);
      if (diff)
        throw new CliError(
          'E_FAILED',
          `the rebuilt ${env.name} differs from a fresh migrate of head (schema or privileges, diff below); the snapshot is stale (pnpm db:snapshot) or a step did not do its part`,
        );
      return 'schema and privileges equal a fresh migrate of head';
    });
    return {
      env: env.name,
      method,
      url: url ? maskUrl(url) : null,
      steps,
      diff,
      ok: steps.every((s) => s.status !== 'failed'),
    };
  } finally {
    await stopServer();
    await target.release();
  }
}

/**
 * A scratch database on the same server (same roles), migrated from empty to head with the roles
 * bootstrapped, dumped with privileges beside the rebuilt one; returns the unified diff ('' = equal).
 */
async function verifyAgainstHead(
  env: EnvironmentConfig,
  registry: EnvironmentRegistry,
  url: string,
  sourceDetail: string,
  dir: string | undefined,
): Promise<string> {
  const reference = await createScratchDatabase(url, { prefix: 'rebuild_head' });
  try {
    const m = await migrate({ url: reference.url, dir });
    if (m.failed)
      throw new CliError('E_FAILED', `a fresh migrate of head failed at ${m.failed.name}: ${m.failed.error.message}`);
    await bootstrapRoles(reference.url);
    const via = await dumpVia({ env, sourceDetail });
    const dump = (u: string) => dumpSchema({ env, url: u, registry, via, privileges: true });
    const d = await unifiedDiff(
      await dump(reference.url),
      await dump(url),
      'fresh migrate of head',
      `rebuilt ${env.name}`,
    );
    return d.same ? '' : d.diff;
  } finally {
    await reference.drop().catch(() => {});
  }
}
