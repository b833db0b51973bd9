// Sign-in, sessions, keys, CSRF and the audit of sign-ins, through the real app on its own database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableUser, listAudit } from '@warehouse/db/accounts';
import { testApp, type TestApp } from './helper.ts';
import { freshIp, makeUser, ORIGIN, revokedKey, signIn, TEST_ACTOR, type TestUser } from './auth-helper.ts';

let t: TestApp;
let viewer: TestUser;
let staff: TestUser;
let admin: TestUser;

beforeAll(async () => {
  t = await testApp({ auth: true, signInPerMinute: 3 });
  viewer = await makeUser(t.pool, 'viewer');
  staff = await makeUser(t.pool, 'staff');
  admin = await makeUser(t.pool, 'admin');
});
afterAll(async () => {
  await t?.close();
});

const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/me', headers });

describe('sign-in', () => {
  it('sets an HttpOnly SameSite=Lax session cookie (not Secure over http) that opens the routes of the role', async () => {
    const { cookie, setCookie } = await signIn(t.app, staff);
    const session = setCookie.find((c) => c.startsWith('warehouse.session_token='))!;
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; SameSite=Lax/i);
    expect(session).not.toMatch(/; Secure/i);
    expect(session).toMatch(/Max-Age=28800/); // SESSION_IDLE_MINUTES 480
    const res = await me({ cookie });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ email: staff.email, role: 'staff', via: 'session' });
    const { rows } = await t.pool.query(`SELECT count(*)::int AS n FROM auth.session WHERE user_id = $1`, [staff.id]);
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it('answers an unknown email and a wrong password alike, and records both as failed sign-ins', async () => {
    const send = (email: string, password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        payload: { email, password },
        remoteAddress: freshIp(),
      });
    const unknown = await send('nobody@example.test', 'whatever-password');
    const wrong = await send(viewer.email, 'wrong-password');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
    expect(unknown.json().code).toBe('E_SIGN_IN_FAILED');
    expect(unknown.headers['set-cookie']).toBeUndefined();
    const failed = await listAudit(t.pool, { action: 'auth.sign_in_failed' });
    expect(failed.map((e) => e.actorName)).toEqual(expect.arrayContaining(['nobody@example.test', viewer.email]));
    expect(failed.every((e) => e.actorType === 'anonymous' && e.ip?.startsWith('10.0.'))).toBe(true);
  });

  it('records a successful sign-in with the user as actor', async () => {
    await signIn(t.app, admin, { 'user-agent': 'auth-test-agent' });
    const ok = await listAudit(t.pool, { action: 'auth.sign_in', actor: admin.name });
    expect(ok[0]).toMatchObject({
      actorType: 'user',
      actorId: admin.id,
      objectId: admin.id,
      userAgent: 'auth-test-agent',
    });
  });

  it('limits sign-in attempts per client address (429 after AUTH_SIGNIN_PER_MINUTE), other addresses unaffected', async () => {
    const ip = freshIp();
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        payload: { email: viewer.email, password: i === 3 ? viewer.password : 'wrong-password' },
        remoteAddress: ip,
      });
      codes.push(r.statusCode);
      if (i === 3) expect(r.json().code).toBe('E_TOO_MANY_SIGN_INS');
    }
    expect(codes).toEqual([401, 401, 401, 429]); // the right password too, once limited
    await signIn(t.app, viewer); // another address still signs in
  });

  it('a session cookie set before signing in is not the one after (no session fixation)', async () => {
    const planted = 'warehouse.session_token=attacker-chosen-value.c2lnbmF0dXJl';
    const { cookie } = await signIn(t.app, viewer, { cookie: planted });
    expect(cookie).not.toBe(planted);
    expect((await me({ cookie: planted })).statusCode).toBe(401);
    expect((await me({ cookie })).statusCode).toBe(200);
  });

  it('no public sign-up and no better-auth admin endpoints', async () => {
    const signUp = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-up/email',
        payload: { email: 'new@example.test', password: 'new-password-1', name: 'x' },
        headers: { origin: ORIGIN, ...headers },
      });
    expect((await signUp({})).statusCode).toBe(401); // an unknown path: 401 before its 404
    expect((await signUp({ authorization: `Bearer ${viewer.key}` })).statusCode).toBe(404);
    const adm = await t.app.inject({
      method: 'POST',
      url: '/api/auth/admin/set-role',
      payload: { userId: viewer.id, role: 'admin' },
      headers: { origin: ORIGIN, cookie: (await signIn(t.app, admin)).cookie },
    });
    expect(adm.statusCode).toBe(404);
    const { rows } = await t.pool.query(`SELECT count(*)::int AS n FROM auth."user" WHERE email = 'new@example.test'`);
    expect(rows[0].n).toBe(0);
  });
});

describe('sessions end', () => {
  it('sign-out ends that session only', async () => {
    const a = await signIn(t.app, viewer);
    const b = await signIn(t.app, viewer);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-out',
      headers: { cookie: a.cookie, origin: ORIGIN },
    });
    expect(out.statusCode).toBe(200);
    expect((await me({ cookie: a.cookie })).statusCode).toBe(401);
    expect((await me({ cookie: b.cookie })).statusCode).toBe(200);
  });

  it('sign out everywhere ends every session of the user, not other users’', async () => {
    const a = await signIn(t.app, staff);
    const b = await signIn(t.app, staff);
    const other = await signIn(t.app, viewer);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/revoke-sessions',
      headers: { cookie: a.cookie, origin: ORIGIN },
    });
    expect(out.statusCode).toBe(200);
    expect((await me({ cookie: a.cookie })).statusCode).toBe(401);
    expect((await me({ cookie: b.cookie })).statusCode).toBe(401);
    expect((await me({ cookie: other.cookie })).statusCode).toBe(200);
    const ev = await listAudit(t.pool, { action: 'auth.sign_out_everywhere' });
    expect(ev[0]).toMatchObject({ actorId: staff.id });
  });

  it('an idle session past its expiry is refused', async () => {
    const { cookie } = await signIn(t.app, viewer);
    const token = decodeURIComponent(cookie.split('=')[1]!).split('.')[0]!;
    const upd = await t.pool.query(
      `UPDATE auth.session SET expires_at = now() - interval '1 second' WHERE token = $1`,
      [token],
    );
    expect(upd.rowCount).toBe(1);
    expect((await me({ cookie })).statusCode).toBe(401);
  });

  it('a session older than SESSION_MAX_HOURS is refused even while in use', async () => {
    const { cookie } = await signIn(t.app, viewer);
    const token = decodeURIComponent(cookie.split('=')[1]!).split('.')[0]!;
    await t.pool.query(`UPDATE auth.session SET created_at = now() - interval '169 hours' WHERE token = $1`, [token]);
    const res = await me({ cookie });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('E_SESSION_EXPIRED');
    const { rows } = await t.pool.query(`SELECT count(*)::int AS n FROM auth.session WHERE token = $1`, [token]);
    expect(rows[0].n).toBe(0);
  });

  it('a disabled account cannot sign in and its keys stop working', async () => {
    const gone = await makeUser(t.pool, 'staff', 'leaver');
    const { cookie } = await signIn(t.app, gone);
    await disableUser(t.pool, gone.email, TEST_ACTOR);
    expect((await me({ cookie })).statusCode).toBe(401);
    const byKey = await me({ authorization: `Bearer ${gone.key}` });
    expect(byKey.statusCode).toBe(401);
    expect(byKey.json().code).toBe('E_USER_DISABLED');
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: gone.email, password: gone.password },
      remoteAddress: freshIp(),
    });
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('E_SIGN_IN_FAILED');
  });
});

describe('CSRF: writes with the session cookie', () => {
  const post = (headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/me/keys', payload: { name: 'csrf-probe' }, headers });

  it('from another origin, without Origin, or marked cross-site: 403 E_CSRF and nothing written', async () => {
    const { cookie } = await signIn(t.app, viewer);
    for (const h of [
      { origin: 'http://evil.example' } as Record<string, string>,
      {},
      { origin: 'null' },
      { origin: ORIGIN, 'sec-fetch-site': 'cross-site' },
      { origin: 'http://localhost:80.evil.example' },
    ]) {
      const res = await post({ cookie, ...h });
      expect(res.statusCode, JSON.stringify(h)).toBe(403);
      expect(res.json().code).toBe('E_CSRF');
    }
    const { rows } = await t.pool.query(`SELECT count(*)::int AS n FROM auth.api_key WHERE name = 'csrf-probe'`);
    expect(rows[0].n).toBe(0);
  });

  it('from the console’s own origin: allowed; with an API key: no Origin needed', async () => {
    const { cookie } = await signIn(t.app, viewer);
    expect((await post({ cookie, origin: ORIGIN, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(201);
    expect((await post({ authorization: `Bearer ${viewer.key}` })).statusCode).toBe(201);
    // reads need no Origin
    expect((await me({ cookie })).statusCode).toBe(200);
  });
});

describe('API keys', () => {
  it('made once, kept hashed, listed with last use, revoked at once', async () => {
    const { cookie } = await signIn(t.app, staff);
    const made = await t.app.inject({
      method: 'POST',
      url: '/me/keys',
      payload: { name: 'nightly' },
      headers: { cookie, origin: ORIGIN },
    });
    expect(made.statusCode).toBe(201);
    const { id, key } = made.json<{ id: number; key: string }>();
    expect(key).toMatch(/^wh_[A-Za-z0-9_-]{43}$/);
    const { rows } = await t.pool.query(`SELECT key_hash FROM auth.api_key WHERE id = $1`, [id]);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].key_hash).not.toContain(key);
    expect((await me({ authorization: `Bearer ${key}` })).json()).toMatchObject({ email: staff.email, via: 'key' });
    expect((await me({ authorization: `bearer ${key}` })).statusCode).toBe(200); // scheme is case-insensitive
    const listed = await t.app.inject({ method: 'GET', url: '/me/keys', headers: { cookie } });
    const mine = listed
      .json<{ keys: { id: number; lastUsedAt: string | null; name: string }[] }>()
      .keys.find((k) => k.id === id)!;
    expect(mine.name).toBe('nightly');
    expect(JSON.stringify(listed.json())).not.toContain(key);
    // last use is recorded in the background: wait for it rather than sleeping
    for (let i = 0; i < 100; i++) {
      const r = await t.pool.query(`SELECT last_used_at FROM auth.api_key WHERE id = $1`, [id]);
      if (r.rows[0].last_used_at) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(
      (await t.pool.query(`SELECT last_used_at FROM auth.api_key WHERE id = $1`, [id])).rows[0].last_used_at,
    ).not.toBeNull();
    const del = await t.app.inject({ method: 'DELETE', url: `/me/keys/${id}`, headers: { cookie, origin: ORIGIN } });
    expect(del.json()).toEqual({ id, revoked: true });
    const after = await me({ authorization: `Bearer ${key}` });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('E_KEY_REVOKED');
    const ev = await listAudit(t.pool, { objectType: 'api_key', objectId: String(id) });
    expect(ev.map((e) => e.action)).toEqual(['key.revoked', 'key.created']);
    expect(ev.every((e) => e.actorId === staff.id && e.actorType === 'user')).toBe(true);
  });

  it('another user’s key cannot be revoked by a viewer or staff (404), by an admin it can', async () => {
    const { cookie } = await signIn(t.app, viewer);
    const { rows } = await t.pool.query<{ id: number }>(`SELECT id::int FROM auth.api_key WHERE user_id = $1 LIMIT 1`, [
      staff.id,
    ]);
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/me/keys/${rows[0]!.id}`,
      headers: { cookie, origin: ORIGIN },
    });
    expect(res.statusCode).toBe(404);
    const byAdmin = await t.app.inject({
      method: 'DELETE',
      url: `/me/keys/${rows[0]!.id}`,
      headers: { authorization: `Bearer ${admin.key}` },
    });
    expect(byAdmin.json()).toMatchObject({ revoked: true });
  });

  it('an unknown or revoked key: 401 naming why, never the route', async () => {
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/uploads',
      headers: { authorization: 'Bearer wh_nope' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('E_KEY_INVALID');
    const revoked = await t.app.inject({
      method: 'GET',
      url: '/uploads',
      headers: { authorization: `Bearer ${await revokedKey(t.pool, admin)}` },
    });
    expect(revoked.json().code).toBe('E_KEY_REVOKED');
  });
});

describe('security headers', () => {
  it('every answer has a CSP and the usual headers; /docs and the console are still served', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).toBeDefined();
  });
});

describe('the audit log', () => {
  it('GET /audit is for admins; filters by actor and action; CSV has a BOM and one line per event', async () => {
    const viewerRes = await t.app.inject({
      method: 'GET',
      url: '/audit',
      headers: { authorization: `Bearer ${viewer.key}` },
    });
    expect(viewerRes.statusCode).toBe(403);
    const res = await t.app.inject({
      method: 'GET',
      url: `/audit?action=auth.sign_in&actor=${encodeURIComponent(admin.name)}`,
      headers: { authorization: `Bearer ${admin.key}` },
    });
    const events = res.json<{ events: { action: string; actorName: string }[] }>().events;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.action === 'auth.sign_in' && e.actorName === admin.name)).toBe(true);
    const csv = await t.app.inject({
      method: 'GET',
      url: '/audit.csv?action=auth.',
      headers: { authorization: `Bearer ${admin.key}` },
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFFat,actor_type,actor,action')).toBe(true);
    const n = (await listAudit(t.pool, { action: 'auth.' })).length;
    expect(csv.body.trim().split('\r\n')).toHaveLength(n + 1);
  });

  it('rows cannot be changed or removed, not even by the owner role the API connects as', async () => {
    await expect(t.pool.query(`UPDATE log.audit_event SET actor_name = 'someone else'`)).rejects.toThrow(
      /append-only: UPDATE/,
    );
    await expect(t.pool.query(`DELETE FROM log.audit_event`)).rejects.toThrow(/append-only: DELETE/);
    await expect(t.pool.query(`TRUNCATE log.audit_event`)).rejects.toThrow(/append-only: TRUNCATE/);
  });
});
