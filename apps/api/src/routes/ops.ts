import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { status as migrationStatus } from '@warehouse/migrate';
import type { AppContext } from '../context.ts';

const Unready = Type.Object(
  {
    status: Type.Literal('unavailable'),
    database: Type.Union([Type.Literal('unreachable'), Type.Literal('reachable')]),
    migrations: Type.Optional(
      Type.Object({ upToDate: Type.Boolean(), pending: Type.Array(Type.String()), failed: Type.Array(Type.String()) }),
    ),
    pool: Type.Optional(
      Type.Object(
        { max: Type.Integer(), busy: Type.Integer(), waiting: Type.Integer() },
        { description: 'the connection pool is exhausted: every connection busy and requests queued for one' },
      ),
    ),
    fix: Type.Optional(Type.String()),
  },
  { description: 'the database is unreachable, its migrations are not at head, or the connection pool is exhausted' },
);

/** Probes and metrics; open without the token (isOpenPath in app.ts). */
export function opsRoutes(root: FastifyInstance, ctx: AppContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/healthz',
    {
      schema: {
        'x-role': 'public',
        summary: 'Liveness: the process answers (no database check)',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        'x-role': 'public',
        summary:
          'Readiness: the connection pool has room (not every connection busy with requests queued), the database answers and its migrations are at head',
        response: {
          200: Type.Object({
            status: Type.Literal('ready'),
            database: Type.Literal('reachable'),
            migrations: Type.Object({ upToDate: Type.Literal(true), applied: Type.Integer() }),
          }),
          503: Unready,
        },
      },
    },
    async (req, reply) => {
      // Exhausted: every connection is busy and requests are queued for one. Answered without
      // queueing behind them (a probe must not wait for the pool it reports on).
      const { totalCount, idleCount, waitingCount } = ctx.pool;
      const max = ctx.pool.options.max;
      if (totalCount >= max && idleCount === 0 && waitingCount > 0) {
        req.log.warn({ max, waiting: waitingCount }, 'readyz: connection pool exhausted');
        reply.header('retry-after', '5');
        return reply.code(503).send({
          status: 'unavailable',
          database: 'reachable',
          pool: { max, busy: totalCount - idleCount, waiting: waitingCount },
          fix: 'every database connection is busy and requests wait for one: look for slow requests or jobs (GET /metrics, pg_stat_activity), or raise the pool size',
        });
      }
      try {
        await ctx.pool.query('SELECT 1');
      } catch (error) {
        req.log.warn({ err: error }, 'readyz: database unreachable');
        return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
      }
      const s = await migrationStatus({ url: ctx.databaseUrl, applicationName: 'warehouse-api-readyz' });
      if (!s.upToDate) {
        return reply.code(503).send({
          status: 'unavailable',
          database: 'reachable',
          migrations: { upToDate: false, pending: s.pending, failed: s.failed.map((f) => f.name) },
          fix: 'run `pnpm db:migrate` for this environment',
        });
      }
      return {
        status: 'ready' as const,
        database: 'reachable' as const,
        migrations: { upToDate: true as const, applied: s.applied.length },
      };
    },
  );

  // Prometheus text format: no JSON response schema (it would be serialised as a JSON string).
  app.get(
    '/metrics',
    {
      schema: {
        'x-role': 'public',
        summary: 'Prometheus metrics (text exposition format): ingest, refresh, staleness',
      },
    },
    async (_req, reply) => {
      reply.header('content-type', ctx.registry.contentType);
      return ctx.registry.metrics();
    },
  );
}
