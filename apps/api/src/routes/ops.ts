import type { FastifyInstance } from 'fastify';
import { status as migrationStatus } from '@warehouse/db/migrator';
import type { AppContext } from '../app.ts';

export function opsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (req, reply) => {
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
    return { status: 'ready', database: 'reachable', migrations: { upToDate: true, applied: s.applied.length } };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', ctx.registry.contentType);
    return ctx.registry.metrics();
  });
}
