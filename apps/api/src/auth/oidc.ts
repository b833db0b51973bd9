/**
 * Company sign-in (OpenID Connect) through better-auth's genericOAuth plugin: discovery from the
 * issuer, the authorization code flow with PKCE, state and nonce, the ID token verified against the
 * provider's JWKS. Ours: which email domains may sign in and which claim value gives which role,
 * decided in better-auth's `user.validateUserInfo` gate (it runs before a user is created and at
 * every sign-in of a linked account, with the provider's claims), and recorded for the callback
 * route (auth/oidc-routes.ts), which sets the role and writes the audit rows. The plugin itself is
 * made in auth/better-auth.ts: this module is loaded with the server and must not load better-auth.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { roleRank, type Role } from '@warehouse/db/accounts';
import type { OidcConfig } from '../config.ts';

/** Refusal codes, sent back to the console as `/?error=<code>` (texts in apps/web/src/messages.ts). */
export const OIDC_REFUSALS = {
  E_OIDC_DOMAIN: 'this email domain may not sign in here; ask an admin to add it to OIDC_ALLOWED_DOMAINS',
  E_OIDC_NO_ROLE: 'your company account has no group that gives a role here; ask an admin',
  E_OIDC_NO_EMAIL: 'the company account sent no email address; the provider must release the email claim',
  E_OIDC_FAILED: 'company sign-in did not finish; try again, or ask an admin to look at the server log',
} as const;
export type OidcRefusal = keyof typeof OIDC_REFUSALS;

/** What the gate decided during one callback request (read by the callback route afterwards). */
export interface OidcDecision {
  email?: string;
  role?: Role;
  refused?: OidcRefusal;
}
export const oidcDecision = new AsyncLocalStorage<OidcDecision>();

/** The claim's value(s) as strings: a string, an array of strings, or nothing. */
function claimValues(profile: Record<string, unknown>, claim: string): string[] {
  const v = profile[claim];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** The role the claims give: the highest role mapped from any value of the claim, else the default (null: refused). */
export function roleFromClaims(oidc: OidcConfig, profile: Record<string, unknown>): Role | null {
  let best: Role | null = null;
  for (const value of claimValues(profile, oidc.roleClaim)) {
    const r = oidc.roleMap[value];
    if (r && (best === null || roleRank(r) > roleRank(best))) best = r;
  }
  return best ?? oidc.defaultRole;
}

/** Whether the email's domain is one of OIDC_ALLOWED_DOMAINS (exact match, case-insensitive). */
export function domainAllowed(oidc: OidcConfig, email: string): boolean {
  const at = email.lastIndexOf('@');
  return at > 0 && oidc.allowedDomains.includes(email.slice(at + 1).toLowerCase());
}

/** better-auth's `user.validateUserInfo`: passes everything but OIDC; decides the OIDC user's domain and role. */
export function validateOidcUser(oidc: OidcConfig) {
  return (data: {
    user: { email?: string | null };
    source: { method: string; oauth?: { providerId: string; profile?: Record<string, unknown> } };
  }): { error: string; errorDescription: string } | undefined => {
    if (data.source.method !== 'oauth' || data.source.oauth?.providerId !== oidc.providerId) return undefined;
    const decision = oidcDecision.getStore() ?? {};
    const refuse = (code: OidcRefusal) => {
      decision.refused = code;
      return { error: code, errorDescription: OIDC_REFUSALS[code] };
    };
    const email = data.user.email?.toLowerCase();
    if (!email) return refuse('E_OIDC_NO_EMAIL');
    decision.email = email;
    if (!domainAllowed(oidc, email)) return refuse('E_OIDC_DOMAIN');
    const role = roleFromClaims(oidc, data.source.oauth.profile ?? {});
    if (!role) return refuse('E_OIDC_NO_ROLE');
    decision.role = role;
    return undefined;
  };
}
