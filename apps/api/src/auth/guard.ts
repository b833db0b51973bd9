/**
 * The one check in front of every route: who is asking (auth/principal.ts), whether their role is
 * the one the route declares next to its schema (`x-role`, shown in /openapi.json), and, for a
 * write authenticated by the session cookie, whether it comes from the console's own origin (CSRF).
 * A route that declares no role needs admin (routes.test.ts fails for one in /openapi.json).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { roleRank, type Role } from '@warehouse/db/accounts';
import { HttpError } from '../http-error.ts';
import { Principals, type Principal, type Refusal } from './principal.ts';

export type RouteRole = 'public' | Role;
export const ROUTE_ROLES: readonly RouteRole[] = ['public', 'viewer', 'staff', 'admin'];

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request (undefined: a public route, or AUTH=off). */
    principal: Principal | undefined;
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The role a route declared (`schema['x-role']`); undefined when it declared none. */
export function declaredRole(req: FastifyRequest): RouteRole | undefined {
  const r = (req.routeOptions.schema as Record<string, unknown> | undefined)?.['x-role'];
  return ROUTE_ROLES.includes(r as RouteRole) ? (r as RouteRole) : undefined;
}

/**
 * Whether a cookie-authenticated write comes from the console's own page: `Sec-Fetch-Site` must not
 * be cross-site, and `Origin` must be this server's own (the Host the browser used, or PUBLIC_URL).
 * A request without Origin is refused (every browser sends it on a POST).
 */
export function sameOrigin(req: FastifyRequest, publicUrl: string | undefined): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return false;
  if (publicUrl && origin === publicUrl) return true;
  try {
    const o = new URL(origin);
    // Host as the browser sent it, normalised the way URL normalises Origin (default port dropped).
    return o.host === new URL(`${o.protocol}//${req.headers.host ?? ''}`).host;
  } catch {
    return false;
  }
}

const isRefusal = (v: Principal | Refusal | undefined): v is Refusal => Boolean(v && 'refused' in v);

function unauthorized(code = 'E_UNAUTHORIZED', message?: string): HttpError {
  return new HttpError(
    401,
    code,
    message ??
      'sign in first (POST /api/auth/sign-in/email, or the console), or send Authorization: Bearer <API key> (pnpm users:key makes one)',
  );
}

async function check(
  req: FastifyRequest,
  reply: FastifyReply,
  principals: Principals,
  publicUrl: string | undefined,
  openPath: (url: string) => boolean,
): Promise<void> {
  // No such route: anyone signed in gets the 404; without a session or key it is 401, as for a
  // real route (an unsigned client learns nothing about which routes exist).
  const required = openPath(req.url)
    ? (declaredRole(req) ?? 'public')
    : !req.routeOptions.url
      ? 'viewer'
      : (declaredRole(req) ?? 'admin');
  if (required === 'public') return;
  const key = Principals.bearer(req);
  let principal: Principal | Refusal | undefined;
  if (key) principal = await principals.byKey(key);
  else {
    const cookie = principals.sessionCookie(req);
    if (cookie) {
      const s = await principals.bySession(req, cookie);
      if (s.setCookies?.length) reply.header('set-cookie', s.setCookies);
      principal = s.value;
      if (principal && !isRefusal(principal) && !SAFE.has(req.method) && !sameOrigin(req, publicUrl))
        throw new HttpError(
          403,
          'E_CSRF',
          `a write with the session cookie must come from the console's own page (Origin ${req.headers.origin ?? 'missing'}); scripts use an API key`,
        );
    }
  }
  if (!principal) throw unauthorized();
  if (isRefusal(principal)) throw unauthorized(principal.refused, principal.message);
  if (roleRank(principal.role) < roleRank(required))
    throw new HttpError(
      403,
      'E_ROLE_REQUIRED',
      `${req.method} ${req.routeOptions.url} needs the role ${required}; ${principal.name} has ${principal.role} (an admin changes roles with pnpm users:role)`,
      { requiredRole: required, role: principal.role },
    );
  req.principal = principal;
}

export function registerGuard(
  app: FastifyInstance,
  principals: Principals,
  opts: { publicUrl: string | undefined; openPath: (url: string) => boolean },
): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', (req, reply, done) => {
    check(req, reply, principals, opts.publicUrl, opts.openPath).then(() => done(), done);
  });
}
