/**
 * Sign-in, roles and keys for the app (issue 26): security headers, better-auth at /api/auth, the
 * role check before every route, and the account routes. build() calls setupAuth before any route.
 */
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import type pg from 'pg';
import type { ApiConfig } from '../config.ts';
import type { Auth } from './better-auth.ts';
import { importApiToken } from './first-run.ts';
import { registerGuard } from './guard.ts';
import { COOKIE_PREFIX, Principals } from './principal.ts';
import { authRoutes } from './routes.ts';

export { actorOf, type Principal } from './principal.ts';
export { originOf } from './routes.ts';

/**
 * Helmet everywhere. The CSP allows what the console and Swagger UI at /docs load: scripts,
 * styles and fonts from this origin only; inline style attributes (React's and Swagger UI's);
 * data: images (Swagger UI's icons); connections to this origin.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The console downloads CSVs through blob: links; a cross-origin embedder policy would add nothing here.
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * Security headers and the role check (before any route is added); returns what adds the account
 * routes (call it after the OpenAPI plugin, so /openapi.json lists them).
 */
export async function setupAuth(
  app: FastifyInstance,
  opts: { pool: pg.Pool; config: ApiConfig; openPath: (url: string) => boolean },
): Promise<() => Promise<void>> {
  const { pool, config } = opts;
  await registerSecurityHeaders(app);
  if (!config.auth) {
    app.log.warn('AUTH=off: every route is open to anyone who reaches this server, and nobody is signed in');
    app.decorateRequest('principal', undefined);
    return async () => {};
  }
  // better-auth and the API_TOKEN import are made at the first request that needs them, not here:
  // the app starts (and answers /healthz, /readyz) while its database is unreachable or unmigrated.
  // better-auth is also loaded then (~1.5 CPU-s of imports): a start with AUTH=off never loads it,
  // and one with sign-in on listens sooner (server.ts loads it right after listening).
  let ready: Promise<Auth> | undefined;
  const getAuth = (): Promise<Auth> =>
    (ready ??= (async () => {
      const { authSecret, createAuth } = await import('./better-auth.ts');
      const auth = createAuth(pool, config, await authSecret(pool, config));
      if (config.apiToken && (await importApiToken(pool, config.apiToken)) === 'imported')
        app.log.warn(
          'API_TOKEN is retired: it is now the admin API key "API_TOKEN (migrated)" (scripts sending it keep working); make per-person keys with pnpm users:key and revoke it when nothing uses it',
        );
      return auth;
    })().catch((error: unknown) => {
      ready = undefined; // the next request tries again
      throw error;
    }));
  const secure = config.publicUrl?.startsWith('https:') ?? false;
  const principals = new Principals(pool, getAuth, {
    cacheMs: config.authCacheMs,
    maxSessionMs: config.sessionMaxHours * 3_600_000,
    cookieName: `${secure ? '__Secure-' : ''}${COOKIE_PREFIX}.session_token`,
  });
  registerGuard(app, principals, { publicUrl: config.publicUrl, openPath: opts.openPath });
  return () =>
    authRoutes(app, { pool, getAuth, principals, signInPerMinute: config.signInPerMinute, oidc: config.oidc });
}
