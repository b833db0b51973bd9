/**
 * What `pnpm start` does for accounts: the retired API_TOKEN becomes an admin's API key named
 * "API_TOKEN (migrated)" (so scripts sending it keep working until an admin revokes that key), and
 * an embedded database with no account gets a first admin whose one-time password is printed once.
 */
import type pg from 'pg';
import { withTransaction } from '@warehouse/db';
import { countUsers, createApiKey, createUser, findKeyOwner, type Actor } from '@warehouse/db/accounts';

export const MIGRATED_KEY_NAME = 'API_TOKEN (migrated)';
export const MIGRATED_USER_EMAIL = 'api-token@localhost';
export const FIRST_ADMIN_EMAIL = 'admin@warehouse.local';
const SYSTEM: Actor = { type: 'system', id: null, name: 'pnpm start' };

/**
 * Keep API_TOKEN as a key of the admin user api-token@localhost (who has no password, so cannot
 * sign in). Idempotent: a token already imported (or imported and then revoked) is left as it is.
 */
export async function importApiToken(pool: pg.Pool, token: string): Promise<'imported' | 'present'> {
  if (await findKeyOwner(pool, token)) return 'present';
  const client = await pool.connect();
  try {
    return await withTransaction(client, async () => {
      // One process at a time (several API processes start together).
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('warehouse:import-api-token'))`);
      if (await findKeyOwner(client, token)) return 'present';
      await client.query(
        `INSERT INTO auth."user" (id, name, email, role) VALUES (gen_random_uuid()::text, $1, $2, 'admin')
         ON CONFLICT (email) DO NOTHING`,
        [MIGRATED_KEY_NAME, MIGRATED_USER_EMAIL],
      );
      const { rows } = await client.query<{ id: string }>('SELECT id FROM auth."user" WHERE email = $1', [
        MIGRATED_USER_EMAIL,
      ]);
      await createApiKey(client, { userId: rows[0]!.id, name: MIGRATED_KEY_NAME, key: token, actor: SYSTEM });
      return 'imported' as const;
    });
  } finally {
    client.release();
  }
}

/**
 * The first admin of a database without accounts (admin@warehouse.local with a one-time password), or
 * undefined when accounts exist. Only `pnpm start` on the embedded database calls this; elsewhere an
 * admin is made with `pnpm users:create`.
 */
export async function ensureFirstAdmin(pool: pg.Pool): Promise<{ email: string; password: string } | undefined> {
  const client = await pool.connect();
  try {
    return await withTransaction(client, async () => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('warehouse:first-admin'))`);
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM auth."user" WHERE email <> $1`,
        [MIGRATED_USER_EMAIL],
      );
      if (rows[0]!.n > 0) return undefined;
      const made = await createUser(client, { email: FIRST_ADMIN_EMAIL, name: 'Admin', role: 'admin', actor: SYSTEM });
      return { email: made.user.email, password: made.password };
    });
  } finally {
    client.release();
  }
}

export { countUsers };
