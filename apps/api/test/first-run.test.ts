// What pnpm start does for accounts: the first admin of an empty database (once) and API_TOKEN
// kept as the admin key "API_TOKEN (migrated)" (once; a revoked import stays revoked).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, findKeyOwner, listAudit, revokeApiKey, verifyPassword } from '@warehouse/db/accounts';
import { ensureFirstAdmin, importApiToken, MIGRATED_KEY_NAME } from '../src/auth/first-run.ts';
import { testApp, testDatabase } from './helper.ts';
import type { TestDatabase } from '@warehouse/migrate/testing';

const TEST_ACTOR = { type: 'cli', id: null, name: 'test' } as const;

let db: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  db = await testDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => {}); // its test database is dropped WITH (FORCE) while a connection may still be closing
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('first run', () => {
  it('makes admin@warehouse.local with a one-time password once, even when two starts race', async () => {
    const [a, b] = await Promise.all([ensureFirstAdmin(pool), ensureFirstAdmin(pool)]);
    const made = a ?? b;
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(made!.email).toBe('admin@warehouse.local');
    const { rows } = await pool.query(
      `SELECT u.role, a.password FROM auth."user" u JOIN auth.account a ON a.user_id = u.id WHERE u.email = 'admin@warehouse.local'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].role).toBe('admin');
    expect(await verifyPassword({ hash: rows[0].password, password: made!.password })).toBe(true);
    expect(await ensureFirstAdmin(pool)).toBeUndefined();
    expect((await listAudit(pool, { action: 'user.created' }))[0]).toMatchObject({
      actorType: 'system',
      actorName: 'pnpm start',
    });
  });

  it('imports API_TOKEN once as an admin key; revoked, it stays revoked on the next start', async () => {
    const [x, y] = await Promise.all([importApiToken(pool, 'legacy-token-1'), importApiToken(pool, 'legacy-token-1')]);
    expect([x, y].sort()).toEqual(['imported', 'present']);
    const owner = await findKeyOwner(pool, 'legacy-token-1');
    expect(owner).toMatchObject({
      keyName: MIGRATED_KEY_NAME,
      role: 'admin',
      email: 'api-token@localhost',
      revoked: false,
    });
    await revokeApiKey(pool, owner!.keyId, { type: 'cli', id: null, name: 'test' });
    expect(await importApiToken(pool, 'legacy-token-1')).toBe('present');
    expect((await findKeyOwner(pool, 'legacy-token-1'))!.revoked).toBe(true);
    // the migrated user has no password: it cannot sign in
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM auth.account a JOIN auth."user" u ON u.id = a.user_id WHERE u.email = 'api-token@localhost'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('through the app: the token works as a bearer key, and a revoked import answers 401 E_KEY_REVOKED', async () => {
    const t = await testApp({ apiToken: 'legacy-token-2' });
    try {
      const ok = await t.app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Bearer legacy-token-2' } });
      expect(ok.json()).toMatchObject({ role: 'admin', via: 'key', email: 'api-token@localhost' });
      const owner = await findKeyOwner(t.pool, 'legacy-token-2');
      await t.app.inject({
        method: 'DELETE',
        url: `/me/keys/${owner!.keyId}`,
        headers: { authorization: 'Bearer legacy-token-2' },
      });
      const after = await t.app.inject({
        method: 'GET',
        url: '/uploads',
        headers: { authorization: 'Bearer legacy-token-2' },
      });
      expect(after.statusCode).toBe(401);
      expect(after.json().code).toBe('E_KEY_REVOKED');
    } finally {
      await t.close();
    }
  });

  it('the first admin, and every account createUser accepts, signs in through better-auth; what it would refuse is refused at creation', async () => {
    const t = await testApp({ auth: true });
    try {
      const signIn = (email: string, password: string) =>
        t.app.inject({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password } });
      const first = await ensureFirstAdmin(t.pool);
      const res = await signIn(first!.email, first!.password);
      expect(res.statusCode, res.body).toBe(200);
      // Spellings chosen against better-auth's check (zod's z.email()), not from our code.
      const accepted = ['sato+dash@example.co.jp', 'O.Tanaka@Example.COM', "o'brien@ex-ample.io"];
      const refused = ['sato@localhost', 'sato@host', 'sato@example.c', 'sa to@example.com', '.sato@example.com'];
      for (const email of accepted) {
        const made = await createUser(t.pool, { email, name: 'X', role: 'viewer', actor: TEST_ACTOR });
        const r = await signIn(email, made.password);
        expect(r.statusCode, `${email}: ${r.body}`).toBe(200);
      }
      for (const email of refused) {
        const err = await createUser(t.pool, { email, name: 'X', role: 'viewer', actor: TEST_ACTOR }).catch(
          (e: unknown) => e,
        );
        expect((err as { code?: string }).code, email).toBe('E_BAD_EMAIL');
      }
    } finally {
      await t.close();
    }
  });
});
