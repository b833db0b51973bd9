import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * The OpenAPI document at GET /openapi.json and Swagger UI at /docs, both built from the routes'
 * TypeBox schemas and open without the token (see isOpenPath in app.ts). Register before the
 * routes: @fastify/swagger collects them as they are added.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'pg-warehouse-toolkit API',
        version,
        description:
          'Uploads of Shogun CSV exports, their row errors and undo, the MV refresh state, targets and the dashboard reads. ' +
          'Errors answer `{ error, code, requestId }`. With API_TOKEN set on the server every data route needs ' +
          '`Authorization: Bearer <API_TOKEN>`; /healthz, /readyz, /metrics, /openapi.json and /docs stay open.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
