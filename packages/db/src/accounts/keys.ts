/**
 * API keys for scripts (auth.api_key): `wh_` + 32 random bytes (base64url). Only the key's SHA-256
 * is stored (a key has 256 bits of entropy, so a fast hash is enough: there is nothing to guess);
 * the key itself is shown once, when it is made.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { writeAudit, type Actor } from './audit.ts';
import { AccountError, type Role } from './users.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export interface KeyRow {
  id: number;
  userId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What a presented key stands for (looked up by its hash). */
export interface KeyOwner {
  keyId: number;
  keyName: string;
  userId: string;
  userName: string;
  email: string;
  role: Role;
  banned: boolean;
  revoked: boolean;
}

/**
 * Make a key for a user; returns the key (shown once). `key` may be given to import an existing
 * secret (the retired API_TOKEN becomes a key this way).
 */
export async function createApiKey(
  q: Queryable,
  opts: { userId: string; name: string; actor: Actor; key?: string },
): Promise<{ id: number; key: string; prefix: string }> {
  if (!opts.name.trim())
    throw new AccountError('E_BAD_NAME', 'the key needs a name (what uses it), e.g. --name nightly-upload');
  const key = opts.key ?? `wh_${randomBytes(32).toString('base64url')}`;
  const prefix = key.slice(0, 7);
  const { rows } = await q.query<{ id: number }>(
    `INSERT INTO auth.api_key (user_id, name, prefix, key_hash) VALUES ($1, $2, $3, $4) RETURNING id::int`,
    [opts.userId, opts.name.trim(), prefix, hashKey(key)],
  );
  const id = rows[0]!.id;
  await writeAudit(q, {
    actor: opts.actor,
    action: 'key.created',
    objectType: 'api_key',
    objectId: id,
    after: { userId: opts.userId, name: opts.name.trim(), prefix },
  });
  return { id, key, prefix };
}

/** Revoke a key (it stops working at once in this process, within the key cache's lifetime elsewhere). */
export async function revokeApiKey(q: Queryable, id: number, actor: Actor): Promise<boolean> {
  const { rowCount } = await q.query(
    'UPDATE auth.api_key SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
    [id],
  );
  if (rowCount) await writeAudit(q, { actor, action: 'key.revoked', objectType: 'api_key', objectId: id });
  return Boolean(rowCount);
}

export async function listApiKeys(q: Queryable, userId?: string): Promise<KeyRow[]> {
  const { rows } = await q.query<KeyRow>(
    `SELECT id::int, user_id AS "userId", name, prefix, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
       FROM auth.api_key ${userId ? 'WHERE user_id = $1' : ''} ORDER BY id`,
    userId ? [userId] : [],
  );
  return rows;
}

/** The key's owner by the key's hash, revoked or not; undefined when no such key exists. */
export async function findKeyOwner(q: Queryable, key: string): Promise<KeyOwner | undefined> {
  const { rows } = await q.query<KeyOwner>(
    `SELECT k.id::int AS "keyId", k.name AS "keyName", u.id AS "userId", u.name AS "userName", u.email, u.role,
            u.banned, k.revoked_at IS NOT NULL AS revoked
       FROM auth.api_key k JOIN auth."user" u ON u.id = k.user_id WHERE k.key_hash = $1`,
    [hashKey(key)],
  );
  return rows[0];
}

/** Record a key's use (callers throttle this: once a minute per key is plenty). */
export async function touchApiKey(q: Queryable, keyId: number): Promise<void> {
  await q.query('UPDATE auth.api_key SET last_used_at = now() WHERE id = $1', [keyId]);
}
