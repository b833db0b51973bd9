/**
 * Accounts in better-auth's tables (auth.user, auth.account), for the CLI (`pnpm users:*`) and the
 * API's first run. Passwords are hashed with better-auth's own `hashPassword` (scrypt), so an
 * account made here signs in through better-auth's `POST /api/auth/sign-in/email`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { hashPassword } from 'better-auth/crypto';
import { z } from 'zod';
import { writeAudit, type Actor } from './audit.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

const SIGN_IN_EMAIL = z.email();

export const ROLES = ['viewer', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const isRole = (v: unknown): v is Role => ROLES.includes(v as Role);
/** viewer < staff < admin */
export const roleRank = (r: Role): number => ROLES.indexOf(r);

/** Shortest password accepted (better-auth's default minimum). */
export const MIN_PASSWORD = 8;

export class AccountError extends Error {
  constructor(
    readonly code:
      'E_USER_EXISTS' | 'E_USER_NOT_FOUND' | 'E_BAD_ROLE' | 'E_BAD_PASSWORD' | 'E_BAD_EMAIL' | 'E_BAD_NAME',
    message: string,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  banned: boolean;
  createdAt: Date;
  lastSignIn: Date | null;
  activeSessions: number;
  keys: number;
}

/** The audit event of a change to an account (object type `user`, its id), with what it was and became. */
function auditUser(
  q: Queryable,
  actor: Actor,
  action: 'user.created' | 'user.disabled' | 'user.role_changed' | 'user.password_reset',
  id: string,
  change: { before?: unknown; after?: unknown } = {},
): Promise<void> {
  return writeAudit(q, { actor, action, objectType: 'user', objectId: id, ...change });
}

/** A one-time password: 20 characters from a 56-letter alphabet without look-alikes (~116 bits). */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(20)].map((b) => alphabet[b % alphabet.length]).join('');
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD)
    throw new AccountError(
      'E_BAD_PASSWORD',
      `the password has ${password.length} characters; use at least ${MIN_PASSWORD} (or leave it out to get a one-time password)`,
    );
}

/**
 * Create an account that signs in with email + password. Without `password` a one-time password is
 * generated and returned (print it once). Writes `user.created` to the audit log with `actor`.
 */
export async function createUser(
  q: Queryable,
  opts: { email: string; name: string; role: Role; password?: string | undefined; actor: Actor },
): Promise<{ user: { id: string; email: string; name: string; role: Role }; password: string; generated: boolean }> {
  const email = opts.email.trim().toLowerCase();
  // better-auth's own check at sign-in (zod's z.email(), the zod better-auth uses): an account it
  // refuses there (e.g. name@localhost, no dot in the domain) could never sign in.
  if (!SIGN_IN_EMAIL.safeParse(email).success)
    throw new AccountError(
      'E_BAD_EMAIL',
      `${JSON.stringify(opts.email)} is not an email address that can sign in; write it as name@example.com (the domain needs a dot)`,
    );
  if (!opts.name.trim()) throw new AccountError('E_BAD_NAME', 'the name is empty; give the person’s name with --name');
  if (!isRole(opts.role))
    throw new AccountError(
      'E_BAD_ROLE',
      `role ${JSON.stringify(opts.role)} does not exist; use one of ${ROLES.join(', ')}`,
    );
  const generated = opts.password === undefined;
  const password = opts.password ?? oneTimePassword();
  checkPassword(password);
  const { rows: exists } = await q.query('SELECT 1 FROM auth."user" WHERE email = $1', [email]);
  if (exists.length)
    throw new AccountError('E_USER_EXISTS', `a user with email ${email} exists already; see pnpm users:list`);
  const id = randomUUID();
  await q.query(`INSERT INTO auth."user" (id, name, email, role) VALUES ($1, $2, $3, $4)`, [
    id,
    opts.name.trim(),
    email,
    opts.role,
  ]);
  await q.query(
    `INSERT INTO auth.account (id, account_id, provider_id, user_id, password) VALUES ($1, $2, 'credential', $2, $3)`,
    [randomUUID(), id, await hashPassword(password)],
  );
  await auditUser(q, opts.actor, 'user.created', id, { after: { email, name: opts.name.trim(), role: opts.role } });
  return { user: { id, email, name: opts.name.trim(), role: opts.role }, password, generated };
}

/** Every account, oldest first. */
export async function listUsers(q: Queryable): Promise<UserRow[]> {
  const { rows } = await q.query<UserRow>(
    `SELECT u.id, u.email, u.name, u.role, u.banned, u.created_at AS "createdAt",
            (SELECT max(s.created_at) FROM auth.session s WHERE s.user_id = u.id) AS "lastSignIn",
            (SELECT count(*)::int FROM auth.session s WHERE s.user_id = u.id AND s.expires_at > now()) AS "activeSessions",
            (SELECT count(*)::int FROM auth.api_key k WHERE k.user_id = u.id AND k.revoked_at IS NULL) AS keys
       FROM auth."user" u ORDER BY u.created_at, u.email`,
  );
  return rows;
}

/** An account as a lookup returns it. */
export interface UserRef {
  id: string;
  name: string;
  email: string;
  role: Role;
  banned: boolean;
}

/** The user whose `column` is `value`, or an E_USER_NOT_FOUND error naming the value as given. */
async function userBy(q: Queryable, column: 'email' | 'id', value: string, given: string): Promise<UserRef> {
  const { rows } = await q.query<UserRef>(
    `SELECT id, name, email, role, banned FROM auth."user" WHERE ${column} = $1`,
    [value],
  );
  if (!rows[0]) throw new AccountError('E_USER_NOT_FOUND', `no user has the ${column} ${given}; see pnpm users:list`);
  return rows[0];
}

/** The user with this email (compared lower-cased, trimmed), or an E_USER_NOT_FOUND error naming it. */
export const userByEmail = (q: Queryable, email: string): Promise<UserRef> =>
  userBy(q, 'email', email.trim().toLowerCase(), email);

/** The user with this id (auth.user.id), or an E_USER_NOT_FOUND error naming it. */
export const userById = (q: Queryable, id: string): Promise<UserRef> => userBy(q, 'id', id, id);

/** Disable an account: it cannot sign in, its sessions end and its keys stop working. */
export async function disableUser(
  q: Queryable,
  email: string,
  actor: Actor,
): Promise<{ id: string; sessionsEnded: number }> {
  const u = await userByEmail(q, email);
  await q.query(`UPDATE auth."user" SET banned = true, ban_reason = 'disabled', updated_at = now() WHERE id = $1`, [
    u.id,
  ]);
  const { rowCount } = await q.query('DELETE FROM auth.session WHERE user_id = $1', [u.id]);
  await auditUser(q, actor, 'user.disabled', u.id, { before: { banned: u.banned }, after: { banned: true } });
  return { id: u.id, sessionsEnded: rowCount ?? 0 };
}

/** Change a user's role (their sessions keep going with the new role). */
export async function setRole(q: Queryable, email: string, role: Role, actor: Actor): Promise<void> {
  if (!isRole(role))
    throw new AccountError('E_BAD_ROLE', `role ${JSON.stringify(role)} does not exist; use one of ${ROLES.join(', ')}`);
  const u = await userByEmail(q, email);
  await q.query(`UPDATE auth."user" SET role = $2, updated_at = now() WHERE id = $1`, [u.id, role]);
  await auditUser(q, actor, 'user.role_changed', u.id, { before: { role: u.role }, after: { role } });
}

/**
 * Set a new password (a one-time one when `password` is undefined); every session of the user ends.
 * A disabled account stays disabled.
 */
export async function resetPassword(
  q: Queryable,
  email: string,
  password: string | undefined,
  actor: Actor,
): Promise<{ password: string; generated: boolean; sessionsEnded: number }> {
  const u = await userByEmail(q, email);
  const generated = password === undefined;
  const pw = password ?? oneTimePassword();
  checkPassword(pw);
  const hash = await hashPassword(pw);
  const { rowCount } = await q.query(
    `UPDATE auth.account SET password = $2, updated_at = now() WHERE user_id = $1 AND provider_id = 'credential'`,
    [u.id, hash],
  );
  if (!rowCount)
    await q.query(
      `INSERT INTO auth.account (id, account_id, provider_id, user_id, password) VALUES ($1, $2, 'credential', $2, $3)`,
      [randomUUID(), u.id, hash],
    );
  const ended = await q.query('DELETE FROM auth.session WHERE user_id = $1', [u.id]);
  await auditUser(q, actor, 'user.password_reset', u.id);
  return { password: pw, generated, sessionsEnded: ended.rowCount ?? 0 };
}

/** Number of accounts (the first run creates an admin when there is none). */
export async function countUsers(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM auth."user"');
  return rows[0]!.n;
}

/** better-auth's own password check (scrypt), for tests and tools that verify a stored hash. */
export { verifyPassword } from 'better-auth/crypto';
