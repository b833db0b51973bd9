/**
 * Who is signed in to the console: GET /me through the session cookie. `null` = nobody (the
 * sign-in page shows), `'off'` = this server has sign-in turned off (every page is open).
 */
import { useQuery } from '@tanstack/react-query';
import { ApiError } from './api.ts';

export type Role = 'viewer' | 'staff' | 'admin';
export interface Me {
  id: string;
  name: string;
  email: string;
  role: Role;
  via: 'session' | 'key';
}
export type Session = Me | null | 'off';

const RANK: Record<Role, number> = { viewer: 0, staff: 1, admin: 2 };
/** Whether `session` may do what `role` may (sign-in off: everything). */
export function may(session: Session | undefined, role: Role): boolean {
  if (session === 'off') return true;
  return !!session && RANK[session.role] >= RANK[role];
}

/** GET /me without the sign-in wait of api(): a 401 is an answer here (nobody is signed in). */
export async function fetchSession(): Promise<Session> {
  const res = await fetch('/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) return null;
  if (res.status === 404) return 'off'; // no /me: the server runs with AUTH=off
  if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, `GET /me answered ${res.status}`);
  return (await res.json()) as Me;
}

export const SESSION_KEY = ['session'] as const;
export const useSession = () =>
  useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: Infinity, retry: 1 });

/** Sign in with email and password (better-auth, same origin): the session cookie is set by the answer. */
export async function signInWithPassword(email: string, password: string): Promise<void> {
  const res = await fetch('/api/auth/sign-in/email', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.ok) return;
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  const code =
    typeof body.code === 'string' ? body.code : res.status === 429 ? 'E_TOO_MANY_SIGN_INS' : 'E_SIGN_IN_FAILED';
  throw new ApiError(res.status, code, typeof body.error === 'string' ? body.error : `sign-in ${res.status}`, body);
}

/** End this session, or every session of the person ("sign out everywhere"). */
export async function signOut(everywhere: boolean): Promise<void> {
  const res = await fetch(everywhere ? '/api/auth/revoke-sessions' : '/api/auth/sign-out', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  // 401: the session had ended already, which is what was asked for.
  if (!res.ok && res.status !== 401) {
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    throw new ApiError(
      res.status,
      typeof body.code === 'string' ? body.code : `HTTP_${res.status}`,
      'sign-out failed',
      body,
    );
  }
}

export interface SignInOptions {
  password: true;
  oidc: { label: string; providerId: string } | null;
}
export const fetchSignInOptions = async (): Promise<SignInOptions> => {
  const res = await fetch('/auth/options');
  if (!res.ok) return { password: true, oidc: null };
  return (await res.json()) as SignInOptions;
};

/** Whether the person signed in may do what `role` may (for showing a control, not for security: the API decides). */
export function useMay(role: Role): boolean {
  return may(useSession().data, role);
}
