// Every operation of /openapi.json × no session, viewer, staff, admin (each by session cookie and
// by API key) and a revoked key: the answer follows the role the route declares (x-role). One app
// and one database for the whole matrix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from './helper.ts';
import { makeUser, ORIGIN, revokedKey, signIn, type TestUser } from './auth-helper.ts';

type Role = 'public' | 'viewer' | 'staff' | 'admin';
const RANK: Record<Role, number> = { public: -1, viewer: 0, staff: 1, admin: 2 };
interface Op {
  method: string;
  path: string;
  role: Role | undefined;
}

let t: TestApp;
let ops: Op[];
const users: Record<'viewer' | 'staff' | 'admin', TestUser & { cookie: string }> = {} as never;
let revoked: string;

/** A concrete URL for a path template: ids that do not exist, a month, a date, an MV name. */
const SAMPLE: Record<string, string> = { id: '999999', month: '2025-04', date: '2025-04-01', name: 'mv_receive_daily' };
const urlOf = (path: string) => path.replace(/\{(\w+)\}/g, (_m, p: string) => SAMPLE[p] ?? 'x');

beforeAll(async () => {
  t = await testApp({ auth: true, signInPerMinute: 1000 });
  for (const role of ['viewer', 'staff', 'admin'] as const) {
    const u = await makeUser(t.pool, role, `matrix-${role}`);
    users[role] = { ...u, cookie: (await signIn(t.app, u)).cookie };
  }
  revoked = await revokedKey(t.pool, users.admin);
  const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, { 'x-role'?: Role }>>;
  }>();
  ops = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({ method: method.toUpperCase(), path, role: op['x-role'] })),
  );
});
afterAll(async () => t?.close());

describe('roles', () => {
  it('every operation in /openapi.json declares x-role public, viewer, staff or admin', () => {
    expect(ops.length).toBeGreaterThan(25);
    const missing = ops.filter((o) => !o.role || !(o.role in RANK)).map((o) => `${o.method} ${o.path}`);
    expect(missing).toEqual([]);
    // the manual refresh is for admins; uploads for staff; reads for viewers
    const role = (m: string, p: string) => ops.find((o) => o.method === m && o.path === p)?.role;
    expect(role('POST', '/mv/refresh')).toBe('admin');
    expect(role('POST', '/upload/csv')).toBe('staff');
    expect(role('GET', '/dashboard/month')).toBe('viewer');
    expect(role('GET', '/healthz')).toBe('public');
    // the console's sign-in options are public; the uploader filter is for viewers; accounts for admins
    expect(role('GET', '/auth/options')).toBe('public');
    expect(role('GET', '/uploaders')).toBe('viewer');
    for (const [m, p] of [
      ['GET', '/users'],
      ['POST', '/users'],
      ['POST', '/users/{id}/disable'],
      ['POST', '/users/{id}/reset-password'],
      ['PUT', '/users/{id}/role'],
      ['GET', '/users/{id}/keys'],
      ['DELETE', '/users/{id}/keys/{keyId}'],
    ])
      expect(role(m!, p!), `${m} ${p}`).toBe('admin');
  });

  it('the matrix: 401 without a session or with a revoked key, 403 naming the role below it, through at and above it', async () => {
    const failures: string[] = [];
    for (const op of ops) {
      const url = urlOf(op.path);
      const send = (headers: Record<string, string>) =>
        t.app.inject({
          method: op.method as 'GET',
          url,
          headers: op.method === 'GET' ? headers : { origin: ORIGIN, ...headers },
          ...(op.method === 'GET' ? {} : { payload: {} }),
        });
      const check = async (who: string, headers: Record<string, string>, expected: 'pass' | 401 | 403) => {
        const res = await send(headers);
        const s = res.statusCode;
        const ok =
          expected === 'pass'
            ? s !== 401 && s !== 403
            : s === expected &&
              (expected === 401 ||
                (res.json().code === 'E_ROLE_REQUIRED' &&
                  String(res.json().error).includes(`needs the role ${op.role}`)));
        if (!ok)
          failures.push(`${op.method} ${op.path} as ${who}: ${s} (expected ${expected}) ${res.body.slice(0, 160)}`);
      };
      const role = op.role!;
      await check('no session', {}, role === 'public' ? 'pass' : 401);
      await check('revoked key', { authorization: `Bearer ${revoked}` }, role === 'public' ? 'pass' : 401);
      for (const r of ['viewer', 'staff', 'admin'] as const) {
        const expected = RANK[r] >= RANK[role] ? 'pass' : 403;
        await check(`${r} (key)`, { authorization: `Bearer ${users[r].key}` }, expected);
        await check(`${r} (session)`, { cookie: users[r].cookie }, expected);
      }
      // sign-out, sign out everywhere and a password change end sessions: sign in again
      if (op.method === 'POST' && op.path.startsWith('/api/auth/'))
        for (const r of ['viewer', 'staff', 'admin'] as const) users[r].cookie = (await signIn(t.app, users[r])).cookie;
    }
    expect(failures).toEqual([]);
  });
});
