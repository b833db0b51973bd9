/**
 * Accounts managed over HTTP by admins (the console's users page): list, create (a one-time
 * password, shown once), disable, reset the password, change the role, and a person's API keys.
 * Our own routes over @warehouse/db/accounts — the same functions as `pnpm users:*` — rather than
 * better-auth's admin endpoints, so that each change and its log.audit_event row commit in one
 * transaction (docs/design.md, "Accounts over HTTP").
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { withTransaction } from '@warehouse/db';
import {
  AccountError,
  createUser,
  disableUser,
  listApiKeys,
  listUsers,
  resetPassword,
  revokeApiKey,
  setRole,
  userById,
  type KeyRow,
} from '@warehouse/db/accounts';
import { HttpError } from '../http-error.ts';
import { errorResponses, Nullable } from '../schemas.ts';
import { actorOf, type Principals } from './principal.ts';

const RoleT = Type.Union([Type.Literal('viewer'), Type.Literal('staff'), Type.Literal('admin')], {
  description: 'viewer | staff | admin',
});
const UserParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, description: 'the user id' }) });
const Time = Type.String({ format: 'date-time' });
const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleT,
  disabled: Type.Boolean(),
  createdAt: Time,
  lastSignIn: Nullable(Time),
  activeSessions: Type.Integer(),
  keys: Type.Integer({ description: 'API keys not revoked' }),
});
/** GET /users. */
const UsersResponse = Type.Object({ users: Type.Array(User) });
export type AdminUser = Static<typeof User>;
export type UsersResponse = Static<typeof UsersResponse>;
/** GET /me/keys and GET /users/:id/keys: a person's API keys (names and prefixes, never the keys). */
export const ApiKeysResponse = Type.Object({
  keys: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      prefix: Type.String(),
      createdAt: Time,
      lastUsedAt: Nullable(Time),
      revokedAt: Nullable(Time),
    }),
  ),
});
export type ApiKeysResponse = Static<typeof ApiKeysResponse>;
/** Key rows as {@link ApiKeysResponse}. */
export const apiKeysJson = (rows: KeyRow[]): ApiKeysResponse => ({
  keys: rows.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  })),
});

/** AccountError → the HTTP answer with the same code. */
const STATUS: Record<AccountError['code'], number> = {
  E_USER_EXISTS: 409,
  E_USER_NOT_FOUND: 404,
  E_BAD_ROLE: 400,
  E_BAD_PASSWORD: 400,
  E_BAD_EMAIL: 400,
  E_BAD_NAME: 400,
};

export function adminRoutes(app: FastifyInstance, deps: { pool: pg.Pool; principals: Principals }): void {
  const { pool, principals } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const admin = (req: FastifyRequest) => actorOf(req.principal);

  /** One transaction on one client; an AccountError becomes its HTTP answer. */
  async function tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      return await withTransaction(client, () => fn(client));
    } catch (error) {
      if (error instanceof AccountError) throw new HttpError(STATUS[error.code], error.code, error.message);
      throw error;
    } finally {
      client.release();
    }
  }
  const notSelf = (req: FastifyRequest, id: string, what: string) => {
    if (req.principal?.userId === id)
      throw new HttpError(
        409,
        'E_SELF',
        `you cannot ${what} your own account (another admin can, or pnpm users:* on the server)`,
      );
  };

  r.get(
    '/users',
    {
      schema: {
        'x-role': 'admin',
        summary: 'Every account, oldest first, with its last sign-in, open sessions and keys',
        tags: ['users'],
        response: { 200: UsersResponse, ...errorResponses },
      },
    },
    async () => ({
      users: (await listUsers(pool)).map((u) => ({
        id: u.id,
        email: u.email,
        name: u.name,
        role: u.role,
        disabled: u.banned,
        createdAt: u.createdAt.toISOString(),
        lastSignIn: u.lastSignIn?.toISOString() ?? null,
        activeSessions: u.activeSessions,
        keys: u.keys,
      })),
    }),
  );

  r.post(
    '/users',
    {
      schema: {
        'x-role': 'admin',
        summary: 'Make an account; its one-time password is in this answer only (like pnpm users:create)',
        tags: ['users'],
        body: Type.Object({
          email: Type.String({ minLength: 3, maxLength: 320 }),
          name: Type.String({ minLength: 1, maxLength: 200 }),
          role: RoleT,
        }),
        response: {
          201: Type.Object({
            user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), role: RoleT }),
            oneTimePassword: Type.String({ description: 'shown once; the person changes it after signing in' }),
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const made = await tx((c) => createUser(c, { ...req.body, actor: admin(req) }));
      reply.code(201);
      return { user: made.user, oneTimePassword: made.password };
    },
  );

  r.post(
    '/users/:id/disable',
    {
      schema: {
        'x-role': 'admin',
        summary: 'Disable an account: it cannot sign in, its sessions end and its keys stop working',
        tags: ['users'],
        params: UserParams,
        response: { 200: Type.Object({ id: Type.String(), sessionsEnded: Type.Integer() }), ...errorResponses },
      },
    },
    async (req) => {
      notSelf(req, req.params.id, 'disable');
      const done = await tx(async (c) => disableUser(c, (await userById(c, req.params.id)).email, admin(req)));
      principals.forget(req.params.id);
      return done;
    },
  );

  r.post(
    '/users/:id/reset-password',
    {
      schema: {
        'x-role': 'admin',
        summary: 'Give an account a new one-time password (in this answer only); its sessions end',
        tags: ['users'],
        params: UserParams,
        response: {
          200: Type.Object({ oneTimePassword: Type.String(), sessionsEnded: Type.Integer() }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const done = await tx(async (c) =>
        resetPassword(c, (await userById(c, req.params.id)).email, undefined, admin(req)),
      );
      principals.forget(req.params.id);
      return { oneTimePassword: done.password, sessionsEnded: done.sessionsEnded };
    },
  );

  r.put(
    '/users/:id/role',
    {
      schema: {
        'x-role': 'admin',
        summary: "Change an account's role (its sessions continue with the new role)",
        tags: ['users'],
        params: UserParams,
        body: Type.Object({ role: RoleT }),
        response: { 200: Type.Object({ id: Type.String(), role: RoleT }), ...errorResponses },
      },
    },
    async (req) => {
      notSelf(req, req.params.id, 'change the role of');
      await tx(async (c) => setRole(c, (await userById(c, req.params.id)).email, req.body.role, admin(req)));
      principals.forget(req.params.id);
      return { id: req.params.id, role: req.body.role };
    },
  );

  r.get(
    '/users/:id/keys',
    {
      schema: {
        'x-role': 'admin',
        summary: "A person's API keys (names and prefixes, never the keys)",
        tags: ['users'],
        params: UserParams,
        response: { 200: ApiKeysResponse, ...errorResponses },
      },
    },
    async (req) => {
      await tx((c) => userById(c, req.params.id));
      return apiKeysJson(await listApiKeys(pool, req.params.id));
    },
  );

  r.delete(
    '/users/:id/keys/:keyId',
    {
      schema: {
        'x-role': 'admin',
        summary: "Revoke one of a person's API keys (it stops working at once)",
        tags: ['users'],
        params: Type.Object({ id: UserParams.properties.id, keyId: Type.String({ pattern: '^\\d{1,15}$' }) }),
        response: { 200: Type.Object({ id: Type.Integer(), revoked: Type.Boolean() }), ...errorResponses },
      },
    },
    async (req) => {
      const keyId = Number(req.params.keyId);
      const revoked = await tx(async (c) => {
        const { rowCount } = await c.query('SELECT 1 FROM auth.api_key WHERE id = $1 AND user_id = $2', [
          keyId,
          req.params.id,
        ]);
        if (!rowCount) throw new HttpError(404, 'E_KEY_NOT_FOUND', `user ${req.params.id} has no API key ${keyId}`);
        return revokeApiKey(c, keyId, admin(req));
      });
      principals.forget(req.params.id);
      return { id: keyId, revoked };
    },
  );
}
