/**
 * Who is asking: a signed-in user (session cookie) or an API key (`Authorization: Bearer`), looked
 * up once per request and reused for AUTH_CACHE_MS in this process (a dashboard read then costs no
 * database round trip for its session). Sign-out, revoking a key and account changes made through
 * this process drop the cached entries at once; changes made elsewhere (the CLI, another API
 * process) apply within AUTH_CACHE_MS.
 */
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { findKeyOwner, hashKey, touchApiKey, type Actor, type Role } from '@warehouse/db/accounts';
import type { Auth } from './better-auth.ts';

export interface Principal {
  via: 'session' | 'key';
  userId: string;
  name: string;
  email: string;
  role: Role;
  keyId?: number;
  keyName?: string;
  sessionId?: string;
}

/** Why a presented credential was not accepted (reported as 401 by the guard). */
export type Refusal = {
  refused: 'E_KEY_INVALID' | 'E_KEY_REVOKED' | 'E_USER_DISABLED' | 'E_SESSION_EXPIRED';
  message: string;
};

interface Cached {
  value: Principal | Refusal | undefined;
  until: number;
  setCookies?: string[];
}

export const actorOf = (p: Principal | undefined): Actor =>
  !p
    ? { type: 'system', id: null, name: '(sign-in off)' }
    : p.via === 'key'
      ? { type: 'key', id: p.userId, name: `${p.keyName} (${p.name})` }
      : { type: 'user', id: p.userId, name: p.name };

/** better-auth's cookie prefix (auth/better-auth.ts); here so that the guard needs no better-auth loaded. */
export const COOKIE_PREFIX = 'warehouse';

export class Principals {
  private readonly cache = new Map<string, Cached>();
  private readonly touched = new Map<number, number>();
  constructor(
    private readonly pool: pg.Pool,
    private readonly getAuth: () => Promise<Auth>,
    private readonly opts: { cacheMs: number; maxSessionMs: number; cookieName: string },
  ) {}

  /** The session cookie's name (with __Secure- behind https). */
  get cookieName(): string {
    return this.opts.cookieName;
  }

  /** The bearer key of a request, or undefined. The scheme is case-insensitive (RFC 7235). */
  static bearer(req: FastifyRequest): string | undefined {
    const m = /^bearer +(\S+)$/i.exec((req.headers.authorization ?? '').trim());
    return m?.[1];
  }

  /** The session cookie's value when the request has one. */
  sessionCookie(req: FastifyRequest): string | undefined {
    const cookie = req.headers.cookie;
    if (!cookie) return undefined;
    for (const part of cookie.split(';')) {
      const i = part.indexOf('=');
      if (i > 0 && part.slice(0, i).trim() === this.opts.cookieName) return part.slice(i + 1).trim();
    }
    return undefined;
  }

  private fresh(key: string): Cached | undefined {
    const c = this.cache.get(key);
    if (c && c.until > Date.now()) return c;
    if (c) this.cache.delete(key);
    return undefined;
  }

  private remember(key: string, c: Omit<Cached, 'until'>): void {
    if (this.opts.cacheMs <= 0) return;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { ...c, until: Date.now() + this.opts.cacheMs });
  }

  /** Look up a key; `undefined` when it is no key we know. */
  async byKey(key: string): Promise<Principal | Refusal> {
    await this.getAuth(); // imports API_TOKEN on first use
    const cacheKey = `k:${hashKey(key)}`;
    const hit = this.fresh(cacheKey);
    if (hit?.value) return hit.value;
    const o = await findKeyOwner(this.pool, key);
    let value: Principal | Refusal;
    if (!o)
      value = {
        refused: 'E_KEY_INVALID',
        message:
          'the key sent as Authorization: Bearer is not a valid API key; make one with `pnpm users:key --email <you> --name <what uses it>`',
      };
    else if (o.revoked)
      value = {
        refused: 'E_KEY_REVOKED',
        message: `the API key "${o.keyName}" was revoked; make a new one with pnpm users:key`,
      };
    else if (o.banned)
      value = {
        refused: 'E_USER_DISABLED',
        message: `the account of ${o.email}, which owns this key, is disabled; ask an admin`,
      };
    else {
      value = {
        via: 'key',
        userId: o.userId,
        name: o.userName,
        email: o.email,
        role: o.role,
        keyId: o.keyId,
        keyName: o.keyName,
      };
      this.touch(o.keyId);
    }
    this.remember(cacheKey, { value });
    return value;
  }

  /** Record a key's last use at most once a minute per key (a write per request would halve read rates). */
  private touch(keyId: number): void {
    const now = Date.now();
    if ((this.touched.get(keyId) ?? 0) > now - 60_000) return;
    this.touched.set(keyId, now);
    touchApiKey(this.pool, keyId).catch(() => this.touched.delete(keyId));
  }

  /**
   * The session of a request's cookie through better-auth (signature, expiry, idle extension), plus
   * our absolute expiry and the disabled flag. `setCookies`: better-auth's refreshed cookie, to send.
   */
  async bySession(
    req: FastifyRequest,
    cookie: string,
  ): Promise<{ value: Principal | Refusal | undefined; setCookies?: string[] }> {
    const cacheKey = `s:${cookie}`;
    const hit = this.fresh(cacheKey);
    if (hit) return { value: hit.value };
    const headers = new Headers({ cookie: `${this.opts.cookieName}=${cookie}` });
    if (req.headers.host) headers.set('host', req.headers.host);
    const { headers: out, response } = await (await this.getAuth()).api.getSession({ headers, returnHeaders: true });
    const setCookies = out.getSetCookie();
    let value: Principal | Refusal | undefined;
    if (!response) value = undefined;
    else {
      const { session, user } = response as unknown as {
        session: { id: string; createdAt: Date };
        user: { id: string; name: string; email: string; role: Role; banned: boolean | null };
      };
      if (user.banned)
        value = { refused: 'E_USER_DISABLED', message: `the account ${user.email} is disabled; ask an admin` };
      else if (new Date(session.createdAt).getTime() + this.opts.maxSessionMs < Date.now()) {
        await this.pool.query('DELETE FROM auth.session WHERE id = $1', [session.id]);
        value = { refused: 'E_SESSION_EXPIRED', message: 'the session has reached its maximum age; sign in again' };
      } else
        value = {
          via: 'session',
          userId: user.id,
          name: user.name,
          email: user.email,
          role: user.role,
          sessionId: session.id,
        };
    }
    this.remember(cacheKey, { value });
    return { value, setCookies };
  }

  /** Forget what is cached for a user (sign-out everywhere, role change, disable) or for everyone. */
  forget(userId?: string): void {
    if (!userId) return this.cache.clear();
    for (const [k, c] of this.cache)
      if (c.value && 'userId' in c.value && c.value.userId === userId) this.cache.delete(k);
  }

  /** Forget one cookie's session (sign-out). */
  forgetCookie(cookie: string): void {
    this.cache.delete(`s:${cookie}`);
  }
}
