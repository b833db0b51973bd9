// Company sign-in against a real OpenID Connect provider (oidc-provider, on 127.0.0.1) and the app
// listening on a real port: the authorization code flow over HTTP, as a browser follows it (the
// provider's own login and consent forms, redirects, cookies), then the session opens routes by the
// role its claims gave. One provider and one app for the whole file.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, listAudit } from '@warehouse/db/accounts';
import { ConfigError, oidcConfig } from '../src/config.ts';
import { testApp, type TestApp } from './helper.ts';

interface Claims {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
  groups?: string[];
}
/** The provider's accounts: the login typed on its form is the account id. */
const accounts: Record<string, Claims> = {
  ana: { sub: 'ana', email: 'ana@corp.example', email_verified: true, name: 'Ana Admin', groups: ['wh-admins', 'all'] },
  vic: { sub: 'vic', email: 'Vic@Corp.Example', email_verified: true, name: 'Vic Viewer', groups: ['all'] },
  sam: { sub: 'sam', email: 'sam@corp.example', email_verified: true, name: 'Sam', groups: ['wh-staff'] },
  eve: { sub: 'eve', email: 'eve@elsewhere.example', email_verified: true, name: 'Eve Outside', groups: ['wh-admins'] },
};

let t: TestApp;
let idp: Server;
let issuer: string;
let base: string;

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

beforeAll(async () => {
  // The provider's address is needed by the app's config, and the app's by the provider's client:
  // the provider's server listens first and gets its handler once both are known.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  idp = createServer((req, res) => handler(req, res));
  issuer = await listen(idp);
  t = await testApp({
    auth: true,
    oidc: oidcConfig({
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: 'warehouse',
      OIDC_CLIENT_SECRET: 'a-client-secret-for-the-test',
      OIDC_ALLOWED_DOMAINS: 'corp.example',
      OIDC_ROLE_MAP: 'wh-admins=admin,wh-staff=staff',
    }),
  });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'warehouse',
        client_secret: 'a-client-secret-for-the-test',
        redirect_uris: [`${base}/api/auth/callback/oidc`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    findAccount: (_ctx, id) => {
      const claims = accounts[id];
      return claims ? { accountId: id, claims: () => ({ ...claims }) } : undefined;
    },
    cookies: { keys: ['cookie-key-for-the-test'] },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
  });
  const callback = provider.callback();
  handler = (req, res) => void callback(req, res);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => idp?.close(resolve));
});

/** A browser's cookie jar, by host name (cookies are not kept apart by port, as in browsers). */
class Jar {
  private readonly jar = new Map<string, Map<string, string>>();
  header(url: URL): string {
    return [...(this.jar.get(url.hostname) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(url: URL, res: Response): void {
    const m = this.jar.get(url.hostname) ?? new Map<string, string>();
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (value === '' || /max-age=0\b/i.test(c)) m.delete(name);
      else m.set(name, value);
    }
    this.jar.set(url.hostname, m);
  }
  get(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).hostname)?.get(name);
  }
}

/** One request as a browser makes it: cookies sent and kept, redirects not followed. */
async function go(jar: Jar, url: string, init: RequestInit = {}): Promise<Response> {
  const u = new URL(url);
  const headers = new Headers(init.headers);
  const cookie = jar.header(u);
  if (cookie) headers.set('cookie', cookie);
  const res = await fetch(u, { ...init, headers, redirect: 'manual' });
  jar.take(u, res);
  return res;
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/**
 * Company sign-in as `login`: our start, the provider's login and consent forms, our callback.
 * Returns where the app sent the browser at the end and the jar (with the session cookie, if any).
 */
async function signInWithCompany(login: string): Promise<{ location: URL; jar: Jar }> {
  const jar = new Jar();
  const start = await go(jar, `${base}/api/auth/sign-in/social`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ provider: 'oidc' }),
  });
  expect(start.status, await start.clone().text()).toBe(200);
  let next: { url: string; init?: RequestInit } = { url: ((await start.json()) as { url: string }).url };
  expect(next.url.startsWith(`${issuer}/`)).toBe(true);
  for (let step = 0; step < 20; step++) {
    const res = await go(jar, next.url, next.init);
    const here = new URL(next.url);
    if (res.status >= 300 && res.status < 400) {
      const to = new URL(res.headers.get('location')!, here);
      // Back at the console (signed in or refused): where a browser would now render the page.
      if (to.origin === base && !to.pathname.startsWith('/api/auth/')) return { location: to, jar };
      next = { url: to.href };
      continue;
    }
    const html = await res.text();
    expect(res.status, html).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    expect(action, html).toBeDefined();
    const to = new URL(action!.replace(/&amp;/g, '&'), here).href;
    if (prompt === 'login') next = { url: to, init: form({ prompt: 'login', login, password: 'any' }) };
    else if (prompt === 'consent') next = { url: to, init: form({ prompt: 'consent' }) };
    else throw new Error(`unexpected page from the provider: ${html.slice(0, 500)}`);
  }
  throw new Error('company sign-in did not come back within 20 steps');
}

const sessionCookie = (jar: Jar) => jar.get(base, 'warehouse.session_token');
const withSession = (jar: Jar, extra: Record<string, string> = {}) => ({
  headers: { cookie: `warehouse.session_token=${sessionCookie(jar)}`, origin: base, ...extra },
});
const me = async (jar: Jar) =>
  (await (await fetch(`${base}/me`, withSession(jar))).json()) as { email: string; role: string; name: string };
const putTarget = (jar: Jar) =>
  fetch(`${base}/targets/month/2025-03`, {
    method: 'PUT',
    ...withSession(jar, { 'content-type': 'application/json' }),
    body: JSON.stringify({ targetTon: 12.5 }),
  });

describe('company sign-in (OpenID Connect) against oidc-provider', () => {
  it('a member of the admins group signs in as a new admin: the session opens a staff route; audited', async () => {
    const { location, jar } = await signInWithCompany('ana');
    expect(location.pathname).toBe('/');
    expect(location.searchParams.get('error')).toBeNull();
    expect(sessionCookie(jar)).toBeDefined();
    expect(await me(jar)).toMatchObject({ email: 'ana@corp.example', role: 'admin', name: 'Ana Admin' });
    expect((await putTarget(jar)).status).toBe(200);
    const { rows } = await t.pool.query<{ id: string; role: string }>(
      `SELECT u.id, u.role FROM auth."user" u JOIN auth.account a ON a.user_id = u.id
        WHERE a.provider_id = 'oidc' AND a.account_id = 'ana'`,
    );
    expect(rows).toHaveLength(1);
    const events = await listAudit(t.pool, { action: 'auth.sign_in', objectId: rows[0]!.id });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorType: 'user',
      actorName: 'Ana Admin',
      after: { via: 'oidc', role: 'admin' },
    });
    expect(events[0]!.ip).toBe('127.0.0.1');
  });

  it('no mapped group gives the default role (viewer): the staff route answers 403', async () => {
    const { jar } = await signInWithCompany('vic');
    expect(await me(jar)).toMatchObject({ email: 'vic@corp.example', role: 'viewer' });
    const res = await putTarget(jar);
    expect(res.status).toBe(403);
  });

  it('the role follows the claims at every sign-in (and the change is audited)', async () => {
    accounts.vic!.groups = ['all', 'wh-staff'];
    try {
      const { jar } = await signInWithCompany('vic');
      expect(await me(jar)).toMatchObject({ role: 'staff' });
      expect((await putTarget(jar)).status).toBe(200);
      const { rows } = await t.pool.query<{ id: string }>(
        `SELECT id FROM auth."user" WHERE email = 'vic@corp.example'`,
      );
      const changes = await listAudit(t.pool, { action: 'user.role_changed', objectId: rows[0]!.id });
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({ before: { role: 'viewer' }, after: { role: 'staff' } });
      // One account per provider subject, however often it signs in.
      const accountsOfVic = await t.pool.query(`SELECT 1 FROM auth.account WHERE user_id = $1`, [rows[0]!.id]);
      expect(accountsOfVic.rowCount).toBe(1);
    } finally {
      accounts.vic!.groups = ['all'];
    }
  });

  it('an account made with users:create signs in with the company account of its email (linked, role from claims)', async () => {
    const made = await createUser(t.pool, {
      email: 'sam@corp.example',
      name: 'Sam (made by hand)',
      role: 'viewer',
      password: 'a-long-password-1',
      actor: { type: 'cli', id: null, name: 'test' },
    });
    const { jar } = await signInWithCompany('sam');
    expect(await me(jar)).toMatchObject({ email: 'sam@corp.example', role: 'staff' });
    const { rows } = await t.pool.query<{ user_id: string; provider_id: string }>(
      `SELECT user_id, provider_id FROM auth.account WHERE user_id = $1 ORDER BY provider_id`,
      [made.user.id],
    );
    expect(rows.map((r) => r.provider_id)).toEqual(['credential', 'oidc']);
  });

  it('an email domain not allowed is refused with a code: no user, no session, a failure row', async () => {
    const before = await listAudit(t.pool, { action: 'auth.sign_in_failed' });
    const { location, jar } = await signInWithCompany('eve');
    expect(location.pathname).toBe('/');
    expect(location.searchParams.get('error')).toBe('E_OIDC_DOMAIN');
    expect(sessionCookie(jar)).toBeUndefined();
    const users = await t.pool.query(`SELECT 1 FROM auth."user" WHERE email = 'eve@elsewhere.example'`);
    expect(users.rowCount).toBe(0);
    const after = await listAudit(t.pool, { action: 'auth.sign_in_failed' });
    expect(after.length).toBe(before.length + 1);
    expect(after[0]).toMatchObject({
      actorType: 'anonymous',
      actorName: 'eve@elsewhere.example',
      after: { via: 'oidc', error: 'E_OIDC_DOMAIN' },
    });
  });

  it('a callback that does not answer a sign-in this browser started is refused and audited', async () => {
    const res = await fetch(`${base}/api/auth/callback/oidc?code=forged&state=forged`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(
      res.headers.getSetCookie().some((c) => c.startsWith('warehouse.session_token=') && !/max-age=0/i.test(c)),
    ).toBe(false);
    const [last] = await listAudit(t.pool, { action: 'auth.sign_in_failed', limit: 1 });
    expect(last).toMatchObject({ after: { via: 'oidc' } });
  });
});

describe('OIDC_* configuration', () => {
  const full = {
    OIDC_ISSUER: 'https://login.example.com/tenant/v2.0/',
    OIDC_CLIENT_ID: 'id',
    OIDC_CLIENT_SECRET: 'secret',
    OIDC_ALLOWED_DOMAINS: '@Corp.example, corp.example.co.jp',
  };
  it('is off without any OIDC_* variable, and read and normalised with them', () => {
    expect(oidcConfig({})).toBeUndefined();
    expect(oidcConfig({ ...full, OIDC_ROLE_MAP: 'a=admin, b c=staff', OIDC_DEFAULT_ROLE: 'none' })).toMatchObject({
      issuer: 'https://login.example.com/tenant/v2.0',
      allowedDomains: ['corp.example', 'corp.example.co.jp'],
      roleClaim: 'groups',
      roleMap: { a: 'admin', 'b c': 'staff' },
      defaultRole: null,
    });
  });
  it.each([
    [{ OIDC_CLIENT_ID: 'id' }, /OIDC_ISSUER is not set but OIDC_CLIENT_ID is/],
    [{ ...full, OIDC_CLIENT_SECRET: '' }, /OIDC_CLIENT_SECRET is not set/],
    [{ ...full, OIDC_ALLOWED_DOMAINS: undefined }, /OIDC_ALLOWED_DOMAINS is not set/],
    [{ ...full, OIDC_ISSUER: 'login.example.com' }, /OIDC_ISSUER="login.example.com" is not an http\(s\) issuer URL/],
    [{ ...full, OIDC_ALLOWED_DOMAINS: 'corp' }, /OIDC_ALLOWED_DOMAINS has "corp"/],
    [{ ...full, OIDC_ROLE_MAP: 'wh-admins=root' }, /OIDC_ROLE_MAP has "wh-admins=root"/],
    [{ ...full, OIDC_DEFAULT_ROLE: 'guest' }, /OIDC_DEFAULT_ROLE="guest"/],
  ])('names the variable that is missing or wrong: %j', (vars, message) => {
    expect(() => oidcConfig(vars)).toThrow(ConfigError);
    expect(() => oidcConfig(vars)).toThrow(message);
  });
});
