import { useState } from 'react';
import { useI18n } from '../i18n.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { ApiError } from '../api.ts';

/**
 * The company sign-in button (OIDC through better-auth's generic OAuth plugin): asks better-auth
 * for the provider's authorisation address, with this page (and its #route) as where to come back,
 * and goes there. Shown only when GET /auth/options names a provider.
 */
export function CompanySignIn({ providerId, label }: { providerId: string; label: string }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      // Back to this page (and its #route) signed in, or with ?error=<code> when refused.
      const here = `${location.pathname}${location.hash}`;
      const res = await fetch('/api/auth/sign-in/social', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: providerId, callbackURL: here, errorCallbackURL: here }),
      });
      const body = (await res.json().catch(() => ({}))) as { url?: unknown; code?: unknown; error?: unknown };
      if (!res.ok || typeof body.url !== 'string')
        throw new ApiError(
          res.status,
          typeof body.code === 'string' ? body.code : 'E_OIDC_START',
          'company sign-in did not start',
          body,
        );
      location.assign(body.url);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <div className="company-sign-in">
      <button type="button" onClick={() => void start()} disabled={busy}>
        {label ? t('signInWithCompany').replace('{label}', label) : t('signInWithCompanyAccount')}
      </button>
      {error !== undefined && (
        <p className="error" role="alert">
          <ErrorMessage error={error} />
        </p>
      )}
    </div>
  );
}
