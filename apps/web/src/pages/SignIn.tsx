import { LangSwitch } from '../components/LangSwitch.tsx';
import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n.tsx';
import { ERROR_TEXTS, errorText, render } from '../messages.ts';
import { fetchSignInOptions, signInWithPassword } from '../session.ts';
import { CompanySignIn } from '../components/CompanySignIn.tsx';

/**
 * The sign-in page: email and password (better-auth on this server sets the session cookie), and the
 * company sign-in when the server offers one. `reason`: why it shows (a session that ended, an
 * account that was disabled), said above the form. The page the person was on stays where it was
 * (App keeps it mounted, hidden) and shows again once they are signed in.
 */
export function SignInPage({ reason, onSignedIn }: { reason?: string | undefined; onSignedIn: () => void }) {
  const { t, lang } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const options = useQuery({ queryKey: ['sign-in-options'], queryFn: fetchSignInOptions, staleTime: Infinity });
  const [refused] = useState(companySignInRefusal);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${t('signInTitle')} — ${t('appTitle')}`;
  }, [t]);
  useEffect(() => heading.current?.focus(), []);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await signInWithPassword(email.trim(), password);
      setPassword('');
      onSignedIn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const oidc = options.data?.oidc;
  return (
    <div className="sign-in-page">
      <header className="top">
        <span className="brand">{t('appTitle')}</span>
        <LangSwitch />
      </header>
      <main className="sign-in">
        <h1 ref={heading} tabIndex={-1}>
          {t('signInTitle')}
        </h1>
        {reason && (
          <p className="notice" data-testid="sign-in-reason">
            {render(ERROR_TEXTS, reason, {}, lang)}
          </p>
        )}
        {refused && (
          <p className="error" role="alert" data-testid="company-sign-in-refused">
            {render(ERROR_TEXTS, refused, {}, lang)}
          </p>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Field type="email" label={t('email')} autoComplete="username" value={email} onChange={setEmail} />
          <Field
            type="password"
            label={t('password')}
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
          />
          <div role="alert" className="error">
            {error !== undefined && errorText(error, lang)}
          </div>
          <button type="submit" disabled={busy}>
            {busy ? t('signingIn') : t('signIn')}
          </button>
        </form>
        {oidc && (
          <>
            <p className="or">{t('or')}</p>
            <CompanySignIn providerId={oidc.providerId} label={oidc.label} />
          </>
        )}
        <p className="hint">{t('signInHint')}</p>
      </main>
    </div>
  );
}

/**
 * A required field of the sign-in form, named as its type (`email`, `password`); `autoComplete`
 * tells the browser and password managers what to fill in.
 */
function Field(props: {
  type: 'email' | 'password';
  label: string;
  autoComplete: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {props.label}
      <input
        type={props.type}
        name={props.type}
        autoComplete={props.autoComplete}
        required
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

/**
 * The company sign-in comes back with ?error=<code> when it was refused (our E_OIDC_… codes, or
 * better-auth's own such as state_mismatch, said as E_OIDC_FAILED); taken off the address once read.
 */
function companySignInRefusal(): string | undefined {
  const params = new URLSearchParams(location.search);
  const code = params.get('error');
  if (!code) return undefined;
  params.delete('error');
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  return /^E_OIDC_[A-Z_]+$/.test(code) ? code : 'E_OIDC_FAILED';
}
