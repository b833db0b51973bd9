/**
 * better-auth on our pg Pool (its Kysely adapter), with its tables in the `auth` schema declared in
 * schema.prisma (snake_case columns mapped below). Why not its Prisma adapter: docs/design.md,
 * "Accounts and sessions".
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { betterAuth } from 'better-auth';
import { admin, genericOAuth } from 'better-auth/plugins';
import { PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { ApiConfig, OidcConfig } from '../config.ts';
import { validateOidcUser } from './oidc.ts';
import { COOKIE_PREFIX } from './principal.ts';

/** The secret that signs session cookies: AUTH_SECRET, else one kept in the database (made once). */
export async function authSecret(pool: pg.Pool, config: Pick<ApiConfig, 'authSecret'>): Promise<string> {
  if (config.authSecret) return config.authSecret;
  // auth.verification is better-auth's table of short-lived values; this row never expires and is
  // shared by every process on the database (sessions survive restarts and work on every API process).
  await pool.query(
    `INSERT INTO auth.verification (id, identifier, value, expires_at)
     VALUES ('warehouse-cookie-secret', 'warehouse-cookie-secret', $1, 'infinity') ON CONFLICT (id) DO NOTHING`,
    [randomBytes(32).toString('base64url')],
  );
  const { rows } = await pool.query<{ value: string }>(
    `SELECT value FROM auth.verification WHERE id = 'warehouse-cookie-secret'`,
  );
  return rows[0]!.value;
}

export function createAuth(pool: pg.Pool, config: ApiConfig, secret: string) {
  const secure = config.publicUrl?.startsWith('https:') ?? false;
  const { oidc } = config;
  return betterAuth({
    secret,
    basePath: '/api/auth',
    ...(config.publicUrl ? { baseURL: config.publicUrl } : {}),
    // The console is served by this server: its own origin is the request's Host (and PUBLIC_URL).
    trustedOrigins: (request) => {
      const host = request?.headers.get('host');
      return [config.publicUrl, host ? `http://${host}` : undefined, host ? `https://${host}` : undefined];
    },
    telemetry: { enabled: false },
    // Without PUBLIC_URL better-auth warns on every start that it derives its origin from each
    // request, which is what we want (the console is served by this server): errors only.
    logger: { level: 'error' },
    database: { dialect: new PostgresDialect({ pool }), type: 'postgres', schemaName: 'auth', transaction: true },
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8 },
    // One limiter for sign-in: @fastify/rate-limit on the route (auth/routes.ts).
    rateLimit: { enabled: false },
    session: {
      expiresIn: config.sessionIdleMinutes * 60,
      // A session used within the idle time is extended, at most once a minute (a write each time).
      updateAge: Math.min(60, config.sessionIdleMinutes * 60),
      fields: {
        expiresAt: 'expires_at',
        createdAt: 'created_at',
        updatedAt: 'updated_at',
        ipAddress: 'ip_address',
        userAgent: 'user_agent',
        userId: 'user_id',
      },
    },
    user: {
      fields: { emailVerified: 'email_verified', createdAt: 'created_at', updatedAt: 'updated_at' },
      // Company sign-in: the allowed domains and the role from the claims (auth/oidc.ts).
      ...(oidc ? { validateUserInfo: validateOidcUser(oidc) } : {}),
    },
    account: {
      // An account made with pnpm users:create signs in with the company provider too when the
      // emails are equal: the provider is the company's (and only its allowed domains get here),
      // and our accounts' emails are never verified by mail.
      ...(oidc ? { accountLinking: { trustedProviders: [oidc.providerId], requireLocalEmailVerified: false } } : {}),
      fields: {
        accountId: 'account_id',
        providerId: 'provider_id',
        userId: 'user_id',
        accessToken: 'access_token',
        refreshToken: 'refresh_token',
        idToken: 'id_token',
        accessTokenExpiresAt: 'access_token_expires_at',
        refreshTokenExpiresAt: 'refresh_token_expires_at',
        createdAt: 'created_at',
        updatedAt: 'updated_at',
      },
    },
    verification: {
      fields: { expiresAt: 'expires_at', createdAt: 'created_at', updatedAt: 'updated_at' },
    },
    // Failed company sign-ins come back to the console with ?error=<code>.
    onAPIError: { errorURL: '/' },
    plugins: [
      ...(oidc ? [oidcPlugin(oidc)] : []),
      // role and banned on auth.user; a banned (disabled) user cannot sign in.
      admin({
        defaultRole: 'viewer',
        adminRoles: ['admin'],
        schema: {
          user: { fields: { banReason: 'ban_reason', banExpires: 'ban_expires' } },
          session: { fields: { impersonatedBy: 'impersonated_by' } },
        },
      }),
    ],
    advanced: {
      cookiePrefix: COOKIE_PREFIX,
      useSecureCookies: secure,
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
      database: { generateId: () => randomUUID() },
      // auth/routes.ts sets x-forwarded-for to the address Fastify saw (a client's own value is replaced).
      ipAddress: { ipAddressHeaders: ['x-forwarded-for'] },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** The genericOAuth plugin for the configured provider (the gate it uses is auth/oidc.ts's). */
export function oidcPlugin(oidc: OidcConfig) {
  return genericOAuth({
    config: [
      {
        providerId: oidc.providerId,
        name: oidc.label,
        discoveryUrl: `${oidc.issuer}/.well-known/openid-configuration`,
        // No sign-in on an ID token we could not verify: discovery must give the issuer and its keys.
        requireIdTokenVerification: true,
        clientId: oidc.clientId,
        clientSecret: oidc.clientSecret,
        scopes: ['openid', 'email', 'profile'],
        pkce: true,
        // Name and email follow the provider at each sign-in (the role is set by the callback route).
        overrideUserInfo: true,
      },
    ],
  });
}
