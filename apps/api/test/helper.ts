import pg from 'pg';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from '@warehouse/migrate/testing';
import { enqueueRefresh } from '@warehouse/refresher';
import { build } from '../src/app.ts';
import { loadConfig, type ApiConfig } from '../src/config.ts';
import { createIngestMetrics } from '../src/metrics.ts';
import { installWorkerSchema, startWorker, type WorkerHandle } from '../src/worker.ts';
import { refreshTasks } from '../src/tasks.ts';

export interface TestApp {
  app: FastifyInstance;
  pool: pg.Pool;
  db: TestDatabase;
  config: ApiConfig;
  startWorker(): Promise<WorkerHandle>;
  close(): Promise<void>;
}

export const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A fresh migrated database (cloned from the template) with graphile-worker's schema. */
export async function testDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const template = await createMigratedTemplate(adminUrl);
  const db = await createTestDatabase(adminUrl, { template, prefix: 'api' });
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {})); // graphile-worker warns without it
  await installWorkerSchema({ pool, logger: silent });
  await pool.end();
  return db;
}

/** The app on its own fresh database; the worker is started on demand. `poolMax`: the pool's size (20). */
export async function testApp(overrides: Partial<ApiConfig> = {}, opts: { poolMax?: number } = {}): Promise<TestApp> {
  const db = await testDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: opts.poolMax ?? 20 });
  pool.on('error', () => {}); // idle clients of a dropped test database
  pool.on('connect', (client) => client.on('error', () => {}));
  // Sign-in stays off for the tests of other features unless they ask for it (auth: true) or set
  // API_TOKEN (then on, and the token is the admin key "API_TOKEN (migrated)", as in production).
  const auth = overrides.auth ?? overrides.apiToken !== undefined;
  const config = loadConfig(
    {},
    { logLevel: 'silent', maxErrors: 20, sweepIntervalMs: 200, authCacheMs: 0, ...overrides, auth },
  );
  const registry = new Registry();
  const metrics = createIngestMetrics(registry);
  const app = await build({ pool, databaseUrl: db.url, config, logger: silent, registry, metrics });
  const workers: WorkerHandle[] = [];
  return {
    app,
    pool,
    db,
    config,
    async startWorker() {
      const w = await startWorker({
        pool,
        logger: silent,
        config,
        metrics,
        enqueueRefresh: (client, job) => enqueueRefresh(client, job, { debounceMs: 0 }),
        tasks: refreshTasks({ pool, logger: silent, registry }),
        pollInterval: 100,
      });
      workers.push(w);
      return w;
    },
    async close() {
      for (const w of workers) await w.stop();
      await app.close();
      await pool.end();
      await db.drop();
    },
  };
}

/** A multipart/form-data body. */
export function multipart(
  parts: { name: string; value?: string; filename?: string; content?: Buffer | string; contentType?: string }[],
) {
  const boundary = `----warehouse${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"\r\nContent-Type: ${p.contentType ?? 'text/csv'}`;
    head += '\r\n\r\n';
    chunks.push(
      Buffer.from(head),
      Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content ?? p.value ?? ''),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Wait until an upload is success, failed or held; returns its row. */
export async function waitForUpload(pool: pg.Pool, id: number) {
  return waitFor(`upload ${id} to finish`, async () => {
    const { rows } = await pool.query(
      `SELECT * FROM log.upload_file WHERE id = $1 AND status IN ('success', 'failed', 'held')`,
      [id],
    );
    return rows[0];
  });
}
