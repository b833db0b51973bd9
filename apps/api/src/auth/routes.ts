/**
 * better-auth mounted at /api/auth (sign-in, sign-out, sign out everywhere, the session), and our
 * own account routes: GET /me, the caller's API keys (/me/keys) and the audit log (GET /audit).
 * Only the better-auth endpoints listed in BETTER_AUTH_ROUTES are reachable; sign-up and its admin
 * endpoints are not (accounts are made with `pnpm users:create`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import rateLimit from '@fastify/rate-limit';
import type pg from 'pg';
import {
  countAudit,
  createApiKey,
  listApiKeys,
  listAudit,
  revokeApiKey,
  writeAudit,
  type Actor,
  type AuditRow,
} from '@warehouse/db/accounts';
import { withTransaction } from '@warehouse/db';
import { HttpError } from '../http-error.ts';
import { errorResponses, Nullable } from '../schemas.ts';
import type { Auth } from './better-auth.ts';
import type { OidcConfig } from '../config.ts';
import { actorOf, type Principals } from './principal.ts';
import { auditCsv } from './audit-csv.ts';
import { oidcRoutes } from './oidc-routes.ts';
import { adminRoutes, ApiKeysResponse, apiKeysJson } from './admin-routes.ts';

/** better-auth's endpoints the API serves besides sign-in (each needs a session: role viewer). */
const BETTER_AUTH_ROUTES: ['GET' | 'POST', string, string][] = [
  ['POST', '/sign-out', 'Sign out: end this session (its cookie is cleared)'],
  ['GET', '/get-session', 'The current session and its user'],
  ['POST', '/revoke-sessions', 'Sign out everywhere: end every session of the signed-in user'],
  ['POST', '/revoke-other-sessions', 'End every other session of the signed-in user'],
  ['GET', '/list-sessions', "The signed-in user's sessions"],
  ['POST', '/change-password', 'Change your password: { currentPassword, newPassword, revokeOtherSessions? }'],
];

/** One row of log.audit_event as GET /audit answers it. */
const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorType: Type.String(),
  actorId: Nullable(Type.String()),
  actorName: Type.String(),
  action: Type.String(),
  objectType: Nullable(Type.String()),
  objectId: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  requestId: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
});
/** GET /audit: a page of events and how many the filters select. */
const AuditEventsPage = Type.Object({
  events: Type.Array(AuditEvent),
  total: Type.Integer({ description: 'events on every page' }),
});
export type AuditEvent = Static<typeof AuditEvent>;
export type AuditEventsPage = Static<typeof AuditEventsPage>;

/** What a request tells about its origin, for the audit log. */
export const originOf = (req: FastifyRequest) => ({
  requestId: req.id,
  ip: req.ip,
  userAgent: req.headers['user-agent'],
});

/** A Fetch Request for better-auth from a Fastify request (its body re-serialised as JSON). */
export function toFetch(req: FastifyRequest): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === 'x-forwarded-for' || k === 'content-length') continue;
    headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  // The address Fastify saw (behind a proxy: set trustProxy there), never the client's own claim.
  headers.set('x-forwarded-for', req.ip);
  const url = new URL(req.url, `http://${req.headers.host ?? 'localhost'}`);
  const body =
    req.method === 'GET' || req.method === 'HEAD' || req.body === undefined ? undefined : JSON.stringify(req.body);
  if (body !== undefined) headers.set('content-type', 'application/json');
  return new Request(url, { method: req.method, headers, body });
}

/** Send better-auth's Response through Fastify (every Set-Cookie kept). */
export async function sendFetch(reply: FastifyReply, res: Response): Promise<void> {
  reply.code(res.status);
  res.headers.forEach((value, key) => {
    if (key !== 'set-cookie' && key !== 'content-length') reply.header(key, value);
  });
  const cookies = res.headers.getSetCookie();
  if (cookies.length) reply.header('set-cookie', cookies);
  const text = await res.text();
  await reply.send(text === '' ? null : text);
}

/** Sign-in attempts per client address (email and company sign-in alike): the same 429 for both. */
export function signInRateLimit(perMinute: number) {
  return {
    max: perMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_req: FastifyRequest, ctx: { ttl: number }) =>
      new HttpError(
        429,
        'E_TOO_MANY_SIGN_INS',
        `too many sign-in attempts from this address; try again in ${Math.ceil(ctx.ttl / 1000)} s`,
      ),
  };
}

/**
 * What the sign-in routes take from build(), the email and the company sign-in alike; `oidc` is the
 * company sign-in's configuration (undefined: not configured; oidcRoutes needs it set).
 */
export interface AuthRouteDeps<Oidc extends OidcConfig | undefined = OidcConfig | undefined> {
  pool: pg.Pool;
  getAuth: () => Promise<Auth>;
  principals: Principals;
  signInPerMinute: number;
  oidc: Oidc;
}

export async function authRoutes(app: FastifyInstance, deps: AuthRouteDeps): Promise<void> {
  const { pool, getAuth, principals } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  await app.register(rateLimit, { global: false });
  if (deps.oidc) oidcRoutes(app, { ...deps, oidc: deps.oidc });

  r.get(
    '/auth/options',
    {
      schema: {
        'x-role': 'public',
        summary: 'How one signs in here: email and password, and the company sign-in (OIDC) when configured',
        tags: ['auth'],
        response: {
          200: Type.Object({
            password: Type.Literal(true),
            oidc: Nullable(
              Type.Object({
                label: Type.String({ description: "the button's text" }),
                providerId: Type.String({
                  description:
                    "for POST /api/auth/sign-in/social { provider: providerId }, which answers the provider's url",
                }),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    () => ({
      password: true as const,
      oidc: deps.oidc ? { label: deps.oidc.label, providerId: deps.oidc.providerId } : null,
    }),
  );

  r.post(
    '/api/auth/sign-in/email',
    {
      schema: {
        'x-role': 'public',
        summary: 'Sign in with email and password; sets the session cookie (HttpOnly, SameSite=Lax)',
        tags: ['auth'],
        body: Type.Object({
          email: Type.String({ maxLength: 320 }),
          password: Type.String({ maxLength: 1024 }),
          rememberMe: Type.Optional(Type.Boolean()),
        }),
        response: {
          200: Type.Object(
            {
              user: Type.Object(
                { id: Type.String(), email: Type.String(), name: Type.String() },
                { additionalProperties: true },
              ),
            },
            {
              additionalProperties: true,
              description: "better-auth's answer; the session is in the Set-Cookie header",
            },
          ),
          ...errorResponses,
        },
      },
      config: { rateLimit: signInRateLimit(deps.signInPerMinute) },
    },
    async (req, reply) => {
      const res = await (await getAuth()).handler(toFetch(req));
      const email = req.body.email.trim().toLowerCase();
      if (res.ok) {
        const { user } = (await res.clone().json()) as { user: { id: string; name: string } };
        await writeAudit(pool, {
          actor: { type: 'user', id: user.id, name: user.name },
          action: 'auth.sign_in',
          objectType: 'user',
          objectId: user.id,
          ...originOf(req),
        });
        return sendFetch(reply, res);
      }
      await writeAudit(pool, {
        actor: { type: 'anonymous', id: null, name: email },
        action: 'auth.sign_in_failed',
        after: { status: res.status },
        ...originOf(req),
      });
      // One answer for an unknown email, a wrong password and a disabled account.
      if (res.status === 401 || res.status === 403 || res.status === 400)
        throw new HttpError(401, 'E_SIGN_IN_FAILED', 'the email or the password is wrong (or the account is disabled)');
      return sendFetch(reply, res);
    },
  );

  for (const [method, sub, summary] of BETTER_AUTH_ROUTES) {
    app.route({
      method,
      url: `/api/auth${sub}`,
      schema: {
        'x-role': 'viewer',
        summary,
        tags: ['auth'],
        response: { 200: Type.Unknown({ description: "better-auth's answer" }), ...errorResponses },
      },
      handler: async (req, reply) => {
        const cookie = principals.sessionCookie(req);
        const who = req.principal;
        if (who?.via === 'key')
          throw new HttpError(
            400,
            'E_SESSION_ONLY',
            `${req.method} ${req.url.split('?')[0]} is about browser sessions; an API key has none (revoke a key with DELETE /me/keys/:id)`,
          );
        const res = await (await getAuth()).handler(toFetch(req));
        if (res.ok && sub !== '/get-session' && sub !== '/list-sessions') {
          if (cookie) principals.forgetCookie(cookie);
          if (who && sub !== '/sign-out') principals.forget(who.userId);
          if (who && sub !== '/change-password')
            await writeAudit(pool, {
              actor: actorOf(who),
              action: sub === '/sign-out' ? 'auth.sign_out' : 'auth.sign_out_everywhere',
              objectType: 'user',
              objectId: who.userId,
              ...originOf(req),
            });
          if (who && sub === '/change-password')
            await writeAudit(pool, {
              actor: actorOf(who),
              action: 'user.password_changed',
              objectType: 'user',
              objectId: who.userId,
              ...originOf(req),
            });
        }
        return sendFetch(reply, res);
      },
    });
  }

  const Me = Type.Object({
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    role: Type.Union([Type.Literal('viewer'), Type.Literal('staff'), Type.Literal('admin')]),
    via: Type.Union([Type.Literal('session'), Type.Literal('key')]),
  });
  r.get(
    '/me',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Who is signed in (or whose key this is) and their role',
        tags: ['auth'],
        response: { 200: Me, ...errorResponses },
      },
    },
    (req) => {
      const p = req.principal;
      if (!p)
        throw new HttpError(404, 'E_AUTH_OFF', 'sign-in is turned off on this server (AUTH=off): nobody is signed in');
      return { id: p.userId, name: p.name, email: p.email, role: p.role, via: p.via };
    },
  );

  const me = (req: FastifyRequest) => {
    if (!req.principal)
      throw new HttpError(
        404,
        'E_AUTH_OFF',
        'sign-in is turned off on this server (AUTH=off): there is no user to hold keys',
      );
    return req.principal;
  };
  r.get(
    '/me/keys',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Your API keys (never the keys themselves)',
        tags: ['auth'],
        response: { 200: ApiKeysResponse, ...errorResponses },
      },
    },
    async (req) => {
      return apiKeysJson(await listApiKeys(pool, me(req).userId));
    },
  );
  r.post(
    '/me/keys',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Make an API key for scripts; the key is in this answer only (it is kept hashed)',
        tags: ['auth'],
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: {
          201: Type.Object({ id: Type.Integer(), name: Type.String(), key: Type.String() }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const p = me(req);
      const client = await pool.connect();
      try {
        const k = await withTransaction(client, () =>
          createApiKey(client, { userId: p.userId, name: req.body.name, actor: actorOf(p) }),
        );
        reply.code(201);
        return { id: k.id, name: req.body.name.trim(), key: k.key };
      } finally {
        client.release();
      }
    },
  );
  r.delete(
    '/me/keys/:id',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Revoke one of your API keys (it stops working at once)',
        tags: ['auth'],
        params: Type.Object({ id: Type.String({ pattern: '^\\d{1,15}$' }) }),
        response: { 200: Type.Object({ id: Type.Integer(), revoked: Type.Boolean() }), ...errorResponses },
      },
    },
    async (req) => {
      const p = me(req);
      const id = Number(req.params.id);
      const { rows } = await pool.query<{ user_id: string }>('SELECT user_id FROM auth.api_key WHERE id = $1', [id]);
      if (!rows[0] || (rows[0].user_id !== p.userId && p.role !== 'admin'))
        throw new HttpError(404, 'E_KEY_NOT_FOUND', `you have no API key ${id}; GET /me/keys lists yours`);
      const client = await pool.connect();
      try {
        const revoked = await withTransaction(client, () => revokeApiKey(client, id, actorOf(p)));
        principals.forget(rows[0].user_id);
        return { id, revoked };
      } finally {
        client.release();
      }
    },
  );

  const AuditQuery = Type.Object({
    actor: Type.Optional(Type.String({ maxLength: 400, description: "the actor's name, exactly" })),
    actorId: Type.Optional(
      Type.String({ maxLength: 100, description: 'a person (user id): their events and their keys’' }),
    ),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' })),
    to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' })),
    objectType: Type.Optional(Type.String({ maxLength: 50 })),
    objectId: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    offset: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'events skipped (page × limit)' }),
    ),
  });
  r.get(
    '/audit',
    {
      schema: {
        'x-role': 'admin',
        summary: 'The audit log (who did what), newest first, filtered by person, action and dates',
        tags: ['auth'],
        querystring: AuditQuery,
        response: {
          200: AuditEventsPage,
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const [rows, total]: [AuditRow[], number] = await Promise.all([
        listAudit(pool, req.query),
        countAudit(pool, req.query),
      ]);
      return { events: rows.map((e) => ({ ...e, at: e.at.toISOString() })), total };
    },
  );
  r.get(
    '/audit.csv',
    {
      schema: {
        'x-role': 'admin',
        summary: 'The same events as GET /audit, as CSV (UTF-8 with BOM, CRLF)',
        tags: ['auth'],
        querystring: AuditQuery,
        // 200 is text/csv: no JSON response schema (errors are the usual JSON body).
      },
    },
    async (req, reply) => {
      const rows = await listAudit(pool, req.query);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="audit.csv"');
      return reply.send(auditCsv(rows));
    },
  );

  adminRoutes(app, { pool, principals });
}

export type { Actor };
