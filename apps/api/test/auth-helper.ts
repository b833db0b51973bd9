import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { withTransaction } from '@warehouse/db';
import { createApiKey, createUser, revokeApiKey, type Actor, type Role } from '@warehouse/db/accounts';

export const TEST_ACTOR: Actor = { type: 'cli', id: null, name: 'test' };
/** The Origin of the console as app.inject's default Host (localhost:80) makes it. */
export const ORIGIN = 'http://localhost:80';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  password: string;
  key: string;
}

/** A user with a password and an API key. */
export async function makeUser(pool: pg.Pool, role: Role, name = `${role}-user`): Promise<TestUser> {
  const client = await pool.connect();
  try {
    return await withTransaction(client, async () => {
      const email = `${name}@example.test`;
      const password = `pw-${name}-${Math.random().toString(36).slice(2)}`;
      const u = await createUser(client, { email, name, role, password, actor: TEST_ACTOR });
      const k = await createApiKey(client, { userId: u.user.id, name: `${name}-key`, actor: TEST_ACTOR });
      return { id: u.user.id, email, name, role, password, key: k.key };
    });
  } finally {
    client.release();
  }
}

/** An API key that was revoked (of an admin). */
export async function revokedKey(pool: pg.Pool, user: TestUser): Promise<string> {
  const client = await pool.connect();
  try {
    return await withTransaction(client, async () => {
      const k = await createApiKey(client, { userId: user.id, name: 'revoked', actor: TEST_ACTOR });
      await revokeApiKey(client, k.id, TEST_ACTOR);
      return k.key;
    });
  } finally {
    client.release();
  }
}

let nextIp = 1;
/** A fresh client address, so the sign-in rate limit of one test does not reach another. */
export const freshIp = () => `10.0.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;

/** Sign in through better-auth; returns the `Cookie` header value and the raw Set-Cookie. */
export async function signIn(
  app: FastifyInstance,
  user: { email: string; password: string },
  headers: Record<string, string> = {},
): Promise<{ cookie: string; setCookie: string[] }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/sign-in/email',
    payload: { email: user.email, password: user.password },
    headers,
    remoteAddress: freshIp(),
  });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${user.email} answered ${res.statusCode}: ${res.body}`);
  const raw = res.headers['set-cookie'];
  const setCookie = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const session = setCookie.find((c) => c.startsWith('warehouse.session_token='));
  if (!session) throw new Error(`sign-in set no session cookie: ${JSON.stringify(setCookie)}`);
  return { cookie: session.split(';')[0]!, setCookie };
}
