import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { onTokenNeeded, setToken } from './api.ts';
import { useI18n, type MessageKey } from './i18n.tsx';
import { UploadPage } from './pages/Upload.tsx';
import { HistoryPage } from './pages/History.tsx';
import { FreshnessPage } from './pages/Freshness.tsx';
import { DashboardPage } from './pages/Dashboard.tsx';
import { TargetsPage } from './pages/Targets.tsx';
import { UploadDetail } from './pages/UploadDetail.tsx';
import { AttentionBadge } from './components/AttentionBadge.tsx';

const PAGES: { path: string; label: MessageKey }[] = [
  { path: 'upload', label: 'navUpload' },
  { path: 'history', label: 'navHistory' },
  { path: 'freshness', label: 'navFreshness' },
  { path: 'dashboard', label: 'navDashboard' },
  { path: 'targets', label: 'navTargets' },
];

/** Hash routes (#/upload, #/uploads/42 …): the API serves one index.html, no server routing needed. */
function useRoute(): string[] {
  // A page's own state may follow a '?' (#/history?status=failed): not part of the route.
  const read = () => (location.hash.replace(/^#\/?/, '').split('?')[0] || 'upload').split('/');
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function TokenPrompt() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const qc = useQueryClient();
  useEffect(() => {
    onTokenNeeded(() => setOpen(true));
    return () => onTokenNeeded(undefined);
  }, []);
  if (!open) return null;
  return (
    <div className="modal-backdrop">
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby="token-title"
        className="modal"
        onSubmit={(e) => {
          e.preventDefault();
          if (!value.trim()) return;
          setToken(value.trim());
          setOpen(false);
          void qc.invalidateQueries();
        }}
      >
        <h2 id="token-title">{t('tokenTitle')}</h2>
        <p>{t('tokenHint')}</p>
        <label>
          {t('token')}{' '}
          <input
            type="password"
            autoFocus
            value={value}
            onChange={(e) => setValue(e.target.value)}
            autoComplete="off"
          />
        </label>
        <button type="submit">{t('ok')}</button>
      </form>
    </div>
  );
}

export function App() {
  const { t, lang, setLang } = useI18n();
  const [page, arg] = useRoute();
  useEffect(() => {
    document.title = `${t(PAGES.find((p) => p.path === page)?.label ?? 'navUpload')} — ${t('appTitle')}`;
  }, [page, t]);
  return (
    <>
      <header className="top">
        <span className="brand">{t('appTitle')}</span>
        <nav aria-label={t('appTitle')}>
          {PAGES.map((p) => (
            <a key={p.path} href={`#/${p.path}`} aria-current={page === p.path ? 'page' : undefined}>
              {t(p.label)}
              {p.path === 'history' && <AttentionBadge part="uploads" />}
              {p.path === 'freshness' && <AttentionBadge part="views" />}
            </a>
          ))}
        </nav>
        <button
          type="button"
          className="lang"
          onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}
          lang={lang === 'ja' ? 'en' : 'ja'}
        >
          {t('switchLang')}
        </button>
      </header>
      <main>
        {page === 'upload' && <UploadPage />}
        {page === 'history' && <HistoryPage />}
        {page === 'uploads' && arg && <UploadDetail id={Number(arg)} />}
        {page === 'freshness' && <FreshnessPage />}
        {page === 'dashboard' && <DashboardPage />}
        {page === 'targets' && <TargetsPage />}
      </main>
      <TokenPrompt />
    </>
  );
}
