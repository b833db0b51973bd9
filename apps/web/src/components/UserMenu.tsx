import { useState } from 'react';
import { useI18n } from '../i18n.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { signOut, type Me } from '../session.ts';

/** 「{name}（{role}）でサインイン中」 with sign-out and "sign out everywhere" (every device of this person). */
export function UserMenu({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const out = async (everywhere: boolean) => {
    setError(undefined);
    try {
      await signOut(everywhere);
      onSignedOut();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="user-menu" data-testid="user-menu">
      <span>
        {t('signedInAs')
          .replace('{name}', me.name)
          .replace('{role}', t(`role_${me.role}`))}
      </span>
      <button type="button" onClick={() => void out(false)}>
        {t('signOut')}
      </button>
      <button type="button" onClick={() => void out(true)}>
        {t('signOutEverywhere')}
      </button>
      {error !== undefined && (
        <span role="alert">
          <ErrorMessage error={error} />
        </span>
      )}
    </div>
  );
}
