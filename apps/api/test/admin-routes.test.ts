// The console's account routes for admins (GET/POST /users, disable, reset-password, role, keys),
// GET /auth/options and GET /audit's pages: what they change, the audit row each writes with the
// change, and what they refuse. One app and one database for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit, verifyPassword } from '@warehouse/db/accounts';
import { oidcConfig } from '../src/config.ts';
import { testApp, type TestApp } from './helper.ts';
import { freshIp, makeUser, ORIGIN, signIn, type TestUser } from './auth-helper.ts';

let t: TestApp;
let admin: TestUser;
let adminCookie: string;
beforeAll(async () => {
  t = await testApp({
    auth: true,
    signInPerMinute: 1000,
    oidc: oidcConfig({
      OIDC_ISSUER: 'https://sso.example.test',
      OIDC_CLIENT_ID: 'console',
      OIDC_CLIENT_SECRET: 'not-used',
      OIDC_ALLOWED_DOMAINS: 'example.test',
      OIDC_LABEL: 'Example SSO',
    }),
  });
  admin = await makeUser(t.pool, 'admin', 'users-admin');
  adminCookie = (await signIn(t.app, admin)).cookie;
});
afterAll(async () => t?.close());

const asAdmin = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({
    method,
    url,
    headers: { cookie: adminCookie, ...(method === 'GET' ? {} : { origin: ORIGIN }) },
    ...(payload ? { payload } : {}),
  });
const lastEvent = async (action: string, objectId: string) =>
  (await listAudit(t.pool, { action, objectId, limit: 1 }))[0];

describe('GET /auth/options', () => {
  it('is public and names the company sign-in from the configuration', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/auth/options' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ password: true, oidc: { label: 'Example SSO', providerId: 'oidc' } });
  });

  it('answers oidc null when no provider is configured', async () => {
    const plain = await testApp({ auth: true });
    try {
      const res = await plain.app.inject({ method: 'GET', url: '/auth/options' });
      expect(res.json()).toEqual({ password: true, oidc: null });
    } finally {
      await plain.close();
    }
  });
});

describe('accounts over HTTP (admin)', () => {
  it('creates an account with a one-time password that signs in, audited as the admin', async () => {
    const res = await asAdmin('POST', '/users', { email: 'New.Person@Example.test', name: '新 人', role: 'staff' });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ user: { id: string; email: string; role: string }; oneTimePassword: string }>();
    expect(body.user).toMatchObject({ email: 'new.person@example.test', role: 'staff' });
    expect(body.oneTimePassword.length).toBeGreaterThanOrEqual(16);
    // the password works through better-auth's own sign-in
    await signIn(t.app, { email: 'new.person@example.test', password: body.oneTimePassword });
    const e = await lastEvent('user.created', body.user.id);
    expect(e).toMatchObject({ actorType: 'user', actorId: admin.id, actorName: 'users-admin' });
    expect(e?.after).toMatchObject({ email: 'new.person@example.test', role: 'staff' });

    const listed = (await asAdmin('GET', '/users')).json<{
      users: { email: string; role: string; disabled: boolean }[];
    }>();
    expect(listed.users.find((u) => u.email === 'new.person@example.test')).toMatchObject({
      role: 'staff',
      disabled: false,
    });
    // the same email again: 409 with the account code, nothing written
    const createdBefore = (await listAudit(t.pool, { action: 'user.created' })).length;
    const again = await asAdmin('POST', '/users', { email: 'new.person@example.test', name: 'x', role: 'viewer' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('E_USER_EXISTS');
    expect((await listAudit(t.pool, { action: 'user.created' })).length).toBe(createdBefore);
  });

  it('changes a role, resets a password (sessions end) and disables an account (keys stop), each with its audit row', async () => {
    const u = await makeUser(t.pool, 'viewer', 'managed');
    const cookie = (await signIn(t.app, u)).cookie;

    const role = await asAdmin('PUT', `/users/${u.id}/role`, { role: 'staff' });
    expect(role.statusCode).toBe(200);
    const me = await t.app.inject({ method: 'GET', url: '/me', headers: { cookie } });
    expect(me.json().role).toBe('staff');
    expect(await lastEvent('user.role_changed', u.id)).toMatchObject({
      actorId: admin.id,
      before: { role: 'viewer' },
      after: { role: 'staff' },
    });

    const reset = await asAdmin('POST', `/users/${u.id}/reset-password`);
    expect(reset.statusCode).toBe(200);
    const { oneTimePassword, sessionsEnded } = reset.json<{ oneTimePassword: string; sessionsEnded: number }>();
    expect(sessionsEnded).toBe(1);
    expect((await t.app.inject({ method: 'GET', url: '/me', headers: { cookie } })).statusCode).toBe(401);
    const { rows } = await t.pool.query<{ password: string }>(
      `SELECT password FROM auth.account WHERE user_id = $1 AND provider_id = 'credential'`,
      [u.id],
    );
    expect(await verifyPassword({ hash: rows[0]!.password, password: oneTimePassword })).toBe(true);
    expect(await lastEvent('user.password_reset', u.id)).toMatchObject({ actorId: admin.id });

    const disable = await asAdmin('POST', `/users/${u.id}/disable`);
    expect(disable.statusCode).toBe(200);
    const byKey = await t.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${u.key}` } });
    expect(byKey.statusCode).toBe(401);
    expect(byKey.json().code).toBe('E_USER_DISABLED');
    const failed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: u.email, password: oneTimePassword },
      remoteAddress: freshIp(),
    });
    expect(failed.json().code).toBe('E_SIGN_IN_FAILED');
    expect(await lastEvent('user.disabled', u.id)).toMatchObject({ actorId: admin.id, after: { banned: true } });
  });

  it("lists and revokes a person's keys; refuses an admin's own disable or role change; 404 for no such user", async () => {
    const u = await makeUser(t.pool, 'staff', 'keyed');
    const keys = (await asAdmin('GET', `/users/${u.id}/keys`)).json<{
      keys: { id: number; name: string; revokedAt: string | null }[];
    }>();
    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]).toMatchObject({ name: 'keyed-key', revokedAt: null });
    expect(JSON.stringify(keys)).not.toContain(u.key);
    const revoke = await asAdmin('DELETE', `/users/${u.id}/keys/${keys.keys[0]!.id}`);
    expect(revoke.json()).toEqual({ id: keys.keys[0]!.id, revoked: true });
    const use = await t.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${u.key}` } });
    expect(use.json().code).toBe('E_KEY_REVOKED');
    expect(await lastEvent('key.revoked', String(keys.keys[0]!.id))).toMatchObject({ actorId: admin.id });
    // a key of someone else, named under this person: 404, not revoked
    const other = await makeUser(t.pool, 'viewer', 'other-keyed');
    const otherKey = (await asAdmin('GET', `/users/${other.id}/keys`)).json<{ keys: { id: number }[] }>().keys[0]!;
    expect((await asAdmin('DELETE', `/users/${u.id}/keys/${otherKey.id}`)).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${other.key}` } })).statusCode,
    ).toBe(200);

    for (const [method, url, payload] of [
      ['POST', `/users/${admin.id}/disable`, undefined],
      ['PUT', `/users/${admin.id}/role`, { role: 'viewer' }],
    ] as const) {
      const res = await asAdmin(method, url, payload);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('E_SELF');
    }
    const missing = await asAdmin('POST', '/users/no-such-id/reset-password');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('E_USER_NOT_FOUND');
  });

  it('GET /audit pages with a total and filters by person (their keys too), action and period', async () => {
    const all = (await asAdmin('GET', '/audit?limit=1000')).json<{ events: { id: number }[]; total: number }>();
    expect(all.total).toBe(all.events.length);
    expect(all.total).toBeGreaterThan(6);
    const p1 = (await asAdmin('GET', '/audit?limit=3&offset=0')).json<{ events: { id: number }[]; total: number }>();
    const p2 = (await asAdmin('GET', '/audit?limit=3&offset=3')).json<{ events: { id: number }[]; total: number }>();
    expect([...p1.events, ...p2.events].map((e) => e.id)).toEqual(all.events.slice(0, 6).map((e) => e.id));
    expect(p2.total).toBe(all.total);
    const mine = (await asAdmin('GET', `/audit?actorId=${admin.id}&action=user.`)).json<{
      events: { actorId: string; action: string }[];
      total: number;
    }>();
    expect(mine.total).toBeGreaterThanOrEqual(4);
    expect(mine.events.every((e) => e.actorId === admin.id && e.action.startsWith('user.'))).toBe(true);
    const { rows } = await t.pool.query<{ d: string }>(
      `SELECT to_char(max(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d FROM log.audit_event`,
    );
    const today = (await asAdmin('GET', `/audit?from=${rows[0]!.d}&to=${rows[0]!.d}&limit=1`)).json<{
      total: number;
    }>();
    expect(today.total).toBe(all.total);
    const none = (await asAdmin('GET', '/audit?from=2000-01-01&to=2000-01-02')).json<{ total: number }>();
    expect(none.total).toBe(0);
  });
});
