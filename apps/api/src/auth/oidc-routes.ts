/**
 * Company sign-in's two routes: the start (better-auth's `POST /api/auth/sign-in/social`, answering
 * the provider's authorization URL) and the provider's return (`GET /api/auth/callback/oidc`), after
 * which the user's role is set from the claims (re-evaluated at every sign-in) and the sign-in or
 * its refusal is written to the audit log, in one transaction.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { withTransaction } from '@warehouse/db';
import { writeAudit, type Role } from '@warehouse/db/accounts';
import type { OidcConfig } from '../config.ts';
import { errorResponses } from '../schemas.ts';
import { oidcDecision, type OidcDecision } from './oidc.ts';
import { originOf, sendFetch, signInRateLimit, toFetch, type AuthRouteDeps } from './routes.ts';

/** A same-origin path (not `//host`), where the console is sent back to. */
const LocalPath = Type.String({ pattern: '^/(?!/)[^\\s\\\\]*$', maxLength: 500 });

export function oidcRoutes(app: FastifyInstance, deps: AuthRouteDeps<OidcConfig>): void {
  const { pool, getAuth, principals, oidc } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/api/auth/sign-in/social',
    {
      schema: {
        'x-role': 'public',
        summary:
          'Start company sign-in (OpenID Connect): answers the provider address to open; after it the browser returns to callbackURL signed in, or to errorCallbackURL with ?error=<code>',
        tags: ['auth'],
        body: Type.Object({
          provider: Type.Literal(oidc.providerId),
          callbackURL: Type.Optional(LocalPath),
          errorCallbackURL: Type.Optional(LocalPath),
        }),
        response: {
          200: Type.Object({ url: Type.String(), redirect: Type.Boolean() }, { additionalProperties: true }),
          ...errorResponses,
        },
      },
      config: { rateLimit: signInRateLimit(deps.signInPerMinute) },
    },
    async (req, reply) => {
      req.body = { callbackURL: '/', errorCallbackURL: '/', ...req.body };
      return sendFetch(reply, await (await getAuth()).handler(toFetch(req)));
    },
  );

  r.get(
    `/api/auth/callback/${oidc.providerId}`,
    {
      schema: {
        'x-role': 'public',
        summary:
          "The company provider's return (register <console address>/api/auth/callback/oidc as its redirect URI); sets the session cookie",
        tags: ['auth'],
        querystring: Type.Object({}, { additionalProperties: Type.String() }),
        response: {
          302: Type.Null({ description: 'to the console, signed in or with ?error=<code>' }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const auth = await getAuth();
      const decision: OidcDecision = {};
      const res = await oidcDecision.run(decision, () => auth.handler(toFetch(req)));
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${principals.cookieName}=`));
      const token = cookie
        ? decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1).split(';')[0]!).split('.')[0]
        : '';
      const signedIn = token && decision.role;
      if (token && !decision.role) {
        // A session without our gate's decision (never expected): not handed out.
        await pool.query('DELETE FROM auth.session WHERE token = $1', [token]);
        decision.refused ??= 'E_OIDC_FAILED';
      }
      const client = await pool.connect();
      try {
        await withTransaction(client, async () => {
          if (signedIn) {
            const { rows } = await client.query<{ id: string; name: string; before: Role }>(
              `UPDATE auth."user" u SET role = $2, updated_at = CASE WHEN u.role = $2 THEN u.updated_at ELSE now() END
                 FROM auth.session s, auth."user" old
                WHERE s.token = $1 AND u.id = s.user_id AND old.id = u.id
               RETURNING u.id, u.name, old.role AS before`,
              [token, decision.role],
            );
            const u = rows[0];
            if (!u) throw new Error('company sign-in: the session better-auth just made was not found');
            const actor = { type: 'user' as const, id: u.id, name: u.name };
            await writeAudit(client, {
              actor,
              action: 'auth.sign_in',
              objectType: 'user',
              objectId: u.id,
              after: { via: 'oidc', role: decision.role },
              ...originOf(req),
            });
            if (u.before !== decision.role) {
              await writeAudit(client, {
                actor: { type: 'system', id: null, name: `company sign-in (${oidc.roleClaim} claim)` },
                action: 'user.role_changed',
                objectType: 'user',
                objectId: u.id,
                before: { role: u.before },
                after: { role: decision.role },
                ...originOf(req),
              });
              principals.forget(u.id);
            }
          } else {
            const location = res.headers.get('location') ?? '';
            const error =
              decision.refused ?? new URL(location, 'http://x').searchParams.get('error') ?? `status ${res.status}`;
            await writeAudit(client, {
              actor: { type: 'anonymous', id: null, name: decision.email ?? '(company account)' },
              action: 'auth.sign_in_failed',
              after: { via: 'oidc', error },
              ...originOf(req),
            });
          }
        });
      } finally {
        client.release();
      }
      if (token && !signedIn) return reply.redirect('/?error=E_OIDC_FAILED', 302);
      return sendFetch(reply, res);
    },
  );
}
