import { LangSwitch } from './components/LangSwitch.tsx';
import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { onSignInNeeded, signedIn } from './api.ts';
import { fetchSession, may, SESSION_KEY, useSession, type Me, type Role } from './session.ts';
import { SignInPage } from './pages/SignIn.tsx';
import { UserMenu } from './components/UserMenu.tsx';
import { useI18n, type MessageKey } from './i18n.tsx';
import { UploadPage } from './pages/Upload.tsx';
import { HistoryPage } from './pages/History.tsx';
import { FreshnessPage } from './pages/Freshness.tsx';
import { DashboardPage } from './pages/Dashboard.tsx';
import { TargetsPage } from './pages/Targets.tsx';
import { UploadDetail } from './pages/UploadDetail.tsx';
import { AuditPage } from './pages/Audit.tsx';
import { UsersPage } from './pages/Users.tsx';
import { AttentionBadge } from './components/AttentionBadge.tsx';

/** The pages and the least role that may open each (the API's x-role for what the page does). */
const PAGES: { path: string; label: MessageKey; role: Role }[] = [
  { path: 'upload', label: 'navUpload', role: 'staff' },
  { path: 'history', label: 'navHistory', role: 'viewer' },
  { path: 'freshness', label: 'navFreshness', role: 'viewer' },
  { path: 'dashboard', label: 'navDashboard', role: 'viewer' },
  { path: 'targets', label: 'navTargets', role: 'viewer' },
  { path: 'audit', label: 'navAudit', role: 'admin' },
  { path: 'users', label: 'navUsers', role: 'admin' },
];

/** Hash routes (#/upload, #/uploads/42 …): the API serves one index.html, no server routing needed. */
function useRoute(): string[] {
  // A page's own state may follow a '?' (#/history?status=failed): not part of the route.
  const read = () => (location.hash.replace(/^#\/?/, '').split('?')[0] ?? '').split('/');
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/**
 * The console. Nobody signed in: the sign-in page. A session that ends while a page is open (a 401
 * from any request): the sign-in page over that page, which stays mounted but hidden, so what was
 * typed there is kept; after signing in it shows again and the requests that waited are sent.
 */
export function App() {
  const session = useSession();
  const qc = useQueryClient();
  const [expired, setExpired] = useState<string | undefined>();
  // The person the hidden page belongs to: kept while the sign-in page covers it.
  const shown = useRef<Me | 'off' | undefined>(undefined);
  useEffect(() => {
    onSignInNeeded((code) => setExpired(code));
    return () => onSignInNeeded(undefined);
  }, []);
  if (session.isPending) return null;
  if (session.data) shown.current = session.data;
  const signedInAgain = async () => {
    const before = shown.current;
    const now = await qc.fetchQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 0 });
    // Someone else signed in at this screen: nothing of the previous person's page is kept.
    if (before && before !== 'off' && now && now !== 'off' && now.id !== before.id) {
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
      shown.current = now;
    }
    setExpired(undefined);
    signedIn();
    void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
  };
  const who = shown.current;
  if (!who || session.data === null)
    return (
      <SignInPage
        reason={session.data === null && who ? 'E_SESSION_EXPIRED' : undefined}
        onSignedIn={() => void signedInAgain()}
      />
    );
  return (
    <>
      {expired && <SignInPage reason={expired} onSignedIn={() => void signedInAgain()} />}
      <div hidden={!!expired}>
        <Console
          who={who}
          onSignedOut={() => {
            shown.current = undefined;
            qc.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
            qc.setQueryData(SESSION_KEY, null);
          }}
        />
      </div>
    </>
  );
}

function Console({ who, onSignedOut }: { who: Me | 'off'; onSignedOut: () => void }) {
  const { t } = useI18n();
  const [route, arg] = useRoute();
  const pages = PAGES.filter((p) => may(who, p.role));
  // No page named (or one this role may not open): the first page the role has.
  const page = route === 'uploads' || pages.some((p) => p.path === route) ? route : (pages[0]?.path ?? 'history');
  const forbidden = route !== page && !!route && PAGES.find((p) => p.path === route);
  useEffect(() => {
    document.title = `${t(PAGES.find((p) => p.path === page)?.label ?? 'navHistory')} — ${t('appTitle')}`;
  }, [page, t]);
  return (
    <>
      <header className="top">
        <span className="brand">{t('appTitle')}</span>
        <nav aria-label={t('appTitle')}>
          {pages.map((p) => (
            <a key={p.path} href={`#/${p.path}`} aria-current={page === p.path ? 'page' : undefined}>
              {t(p.label)}
              {p.path === 'history' && <AttentionBadge part="uploads" />}
              {p.path === 'freshness' && <AttentionBadge part="views" />}
            </a>
          ))}
        </nav>
        {who !== 'off' && <UserMenu me={who} onSignedOut={onSignedOut} />}
        <LangSwitch />
      </header>
      <main>
        {forbidden && (
          <p className="notice" role="status" data-testid="page-forbidden">
            {t('pageNeedsRole')
              .replace('{page}', t(forbidden.label))
              .replace('{role}', t(`role_${forbidden.role}`))}
          </p>
        )}
        {page === 'upload' && <UploadPage />}
        {page === 'history' && <HistoryPage />}
        {page === 'uploads' && arg && <UploadDetail id={Number(arg)} />}
        {page === 'freshness' && <FreshnessPage />}
        {page === 'dashboard' && <DashboardPage />}
        {page === 'targets' && <TargetsPage />}
        {page === 'audit' && <AuditPage />}
        {page === 'users' && <UsersPage />}
      </main>
    </>
  );
}
