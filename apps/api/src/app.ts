import Fastify, {
  LogController,
  type FastifyError,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import multipart from '@fastify/multipart';
import type pg from 'pg';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import { refreshMetrics } from '@warehouse/refresher';
import type { ApiConfig } from './config.ts';
import { HttpError } from './http-error.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
import { uploadRoutes } from './routes/upload.ts';
import { readRoutes } from './routes/reads.ts';
import { uploadsRoutes } from './routes/uploads.ts';
import { opsRoutes } from './routes/ops.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { targetRoutes } from './routes/targets.ts';
import { serveConsole } from './web.ts';
import { uploadErrorRoutes } from './routes/upload-errors.ts';
import { isDbUnavailable } from './db-unavailable.ts';
import { mvRoutes } from './routes/mv.ts';
import { salesRoutes } from './routes/sales.ts';
import { badDateMessage, isApiDate, isApiMonth } from './schemas.ts';
import { LOG_OPTIONS, redactUrl } from './logger.ts';
import { registerOpenApi } from './openapi.ts';
import type { AppContext } from './context.ts';
import { setupAuth } from './auth/index.ts';

export interface BuildOptions {
  pool: pg.Pool;
  /** The same database as `pool` (for the migrator's status). */
  databaseUrl: string;
  config: ApiConfig;
  logger?: Logger;
  /** Registry served by /metrics; the refresher's and the API's metrics are registered on it. */
  registry?: Registry;
  metrics?: IngestMetrics;
}

/** Paths open without signing in: probes, metrics, API docs and the console's static files (routes without an `x-role`). */
const OPEN_EXACT = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/docs',
  '/',
  '/index.html',
  '/favicon.svg',
]);
const OPEN_PREFIX = ['/docs/', '/assets/'];

export function isOpenPath(url: string): boolean {
  const path = url.split('?')[0]!;
  return OPEN_EXACT.has(path) || OPEN_PREFIX.some((p) => path.startsWith(p));
}

/**
 * A schema validation error on a `date` or `month` parameter that has the right shape but is no
 * calendar date (2025-02-30, 0000-01-01) or lies outside the years the API answers for (9999-12):
 * the message names the parameter and the value, as the routes' own checks did before the schemas
 * took over.
 */
function badDateOf(error: Error & { validation?: unknown }, req: FastifyRequest): string | undefined {
  const v = (error as FastifyError).validation?.[0];
  const where = (error as FastifyError).validationContext;
  const format = v?.params.format;
  if (!v || v.keyword !== 'format' || (format !== 'date' && format !== 'month') || !where) return undefined;
  const name = v.instancePath.replace(/^\//, '');
  const input = { querystring: req.query, params: req.params, body: req.body, headers: req.headers }[where];
  const raw = (input as Record<string, unknown> | undefined)?.[name];
  return badDateMessage(format, name, typeof raw === 'string' ? raw : JSON.stringify(raw ?? null));
}

/**
 * The Fastify app with injected pool, logger and config. It does not listen and does not run
 * workers; main.ts does.
 *
 * @example
 * const app = await build({ pool, databaseUrl: url, config: loadConfig() });
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 */
export async function build(opts: BuildOptions): Promise<FastifyInstance> {
  const logger = opts.logger ?? pino({ level: opts.config.logLevel, ...LOG_OPTIONS });
  const app: FastifyInstance = Fastify({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: pino's Logger is not FastifyBaseLogger for the instance's type
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: () => `req-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    requestIdHeader: 'x-request-id',
    logController: new LogController({ disableRequestLogging: true }),
    // `date` is a calendar date in the years the API answers for (schemas.ts): ajv-formats' own takes
    // year 0000, which PostgreSQL refuses. onCreate runs after Fastify has added ajv-formats: our
    // `date` replaces its own. `x-finite` refuses the Infinity that Ajv's coercion makes of 1e309
    // (its own type and maximum checks let it through).
    ajv: {
      onCreate: (ajv) => {
        ajv.addFormat('date', isApiDate);
        ajv.addFormat('month', isApiMonth);
        const finite = (on: boolean, data: unknown): boolean => {
          finite.errors = [{ keyword: 'x-finite', message: 'must be a finite number', params: {} }];
          return !on || typeof data !== 'number' || Number.isFinite(data);
        };
        finite.errors = [] as object[];
        ajv.addKeyword({ keyword: 'x-finite', schemaType: 'boolean', validate: finite });
      },
    },
  });
  // Access log: every write and every error at info; successful reads at debug. Logging each
  // dashboard read at info cost ~18 % of their rate (bench:web), and reads are the bulk of requests.
  // Callback-style hooks: an async hook costs a promise per request on the hottest path.
  app.addHook('onResponse', (req, reply, done) => {
    const level = req.method === 'GET' && reply.statusCode < 400 ? 'debug' : 'info';
    if (logger.isLevelEnabled(level))
      req.log[level](
        { method: req.method, url: redactUrl(req.url), statusCode: reply.statusCode, responseTime: reply.elapsedTime },
        'request completed',
      );
    done();
  });
  const registry = opts.registry ?? new Registry();
  const metrics = opts.metrics ?? createIngestMetrics(registry);
  refreshMetrics(registry);
  const ctx: AppContext = {
    pool: opts.pool,
    databaseUrl: opts.databaseUrl,
    config: opts.config,
    registry,
    metrics,
  };

  await app.register(multipart, {
    // Keep the client's file name as sent, so a name with a path is refused rather than silently cut.
    preservePath: true,
    limits: { fileSize: opts.config.uploadMaxBytes, files: 3, fields: 10, fieldSize: 1024, parts: 20 },
  });

  app.setErrorHandler(
    (error: Error & { statusCode?: number; code?: string; details?: Record<string, unknown> }, req, reply) => {
      if (isDbUnavailable(error)) {
        req.log.warn({ code: error.code, message: error.message, reqId: req.id }, 'database unavailable');
        reply.header('retry-after', '5');
        return reply.code(503).send({
          error: 'the database is unreachable or restarting; retry in a few seconds (GET /readyz says when it is back)',
          code: 'E_DB_UNAVAILABLE',
          requestId: req.id,
        });
      }
      const status = error.statusCode ?? 500;
      if (status >= 500) {
        req.log.error({ err: error, reqId: req.id }, 'request failed');
        return reply
          .code(status)
          .send({ error: 'internal error; the server log has the details under this request id', requestId: req.id });
      }
      const badDate = badDateOf(error, req);
      if (badDate) return reply.code(400).send({ error: badDate, code: 'E_BAD_DATE', requestId: req.id });
      let message = error.message;
      if (error.code === 'FST_REQ_FILE_TOO_LARGE')
        message = `the file is larger than the limit of ${opts.config.uploadMaxBytes} bytes (UPLOAD_MAX_BYTES); split it by period`;
      return reply.code(status).send({
        error: message,
        code: error.code ?? 'E_BAD_REQUEST',
        ...(error instanceof HttpError ? error.details : {}),
        requestId: req.id,
      });
    },
  );
  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .send({ error: `no route ${req.method} ${req.url.split('?')[0]}`, code: 'E_NO_ROUTE', requestId: req.id });
  });

  // Security headers and the role check before every route (auth/guard.ts); each route declares
  // its role as `x-role` next to its schema.
  const accountRoutes = await setupAuth(app, { pool: opts.pool, config: opts.config, openPath: isOpenPath });
  await registerOpenApi(app);
  await accountRoutes();
  if (opts.config.webDist) await serveConsole(app, opts.config.webDist);

  uploadRoutes(app, ctx);
  readRoutes(app, ctx);
  uploadErrorRoutes(app, ctx);
  uploadsRoutes(app, ctx);
  opsRoutes(app, ctx);
  dashboardRoutes(app, ctx);
  targetRoutes(app, ctx);
  mvRoutes(app, ctx);
  salesRoutes(app, ctx);
  return app;
}
