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
          'Errors answer `{ error, code, requestId }`. Every operation says the role it needs as `x-role` ' +
          '(public, viewer, staff, admin): send the session cookie of `POST /api/auth/sign-in/email` (a write ' +
          "with it must carry the console's own Origin) or `Authorization: Bearer <API key>`. 401 without " +
          'either, 403 `E_ROLE_REQUIRED` naming the role when yours is below it.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'an API key (pnpm users:key, POST /me/keys)' },
          session: { type: 'apiKey', in: 'cookie', name: 'warehouse.session_token' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
