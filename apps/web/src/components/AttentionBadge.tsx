import { useQuery } from '@tanstack/react-query';
import { api, type MvRow, type UploadSummary } from '../api.ts';
import { useI18n } from '../i18n.tsx';

/** Failed uploads count for a week, like the upload alerts (packages/refresher/src/upload-alerts.ts). */
const RECENT_MS = 7 * 86_400_000;

/**
 * What needs someone: held uploads, uploads failed in the last 7 days and summary tables that are
 * unbuilt or whose last refresh failed. Polled every 10 s, so it changes without a reload.
 */
function useAttention(): { held: number; failed: number; views: number } | undefined {
  const q = useQuery({
    queryKey: ['attention'],
    queryFn: async () => {
      const [held, failed, mv] = await Promise.all([
        api<{ total: number }>('/uploads?status=held&limit=1'),
        api<{ uploads: UploadSummary[] }>('/uploads?status=failed&limit=1000'),
        api<{ mvs: MvRow[] }>('/mv'),
      ]);
      const since = Date.now() - RECENT_MS;
      return {
        held: held.total, // all of them, however many (the list pages on the server)
        failed: failed.uploads.filter((u) => Date.parse(u.createdAt) >= since).length,
        views: mv.mvs.filter(
          (m) => !m.populated || (m.lastError != null && (!m.lastRefreshAt || (m.lastErrorAt ?? '') > m.lastRefreshAt)),
        ).length,
      };
    },
    refetchInterval: 10_000,
    retry: false,
  });
  return q.data;
}

/** The count beside a navigation link; nothing when all is well. */
export function AttentionBadge({ part }: { part: 'uploads' | 'views' }) {
  const { t } = useI18n();
  const a = useAttention();
  if (!a) return null;
  const n = part === 'uploads' ? a.held + a.failed : a.views;
  if (n === 0) return null;
  const label =
    part === 'uploads'
      ? t('attentionUploads').replace('{held}', String(a.held)).replace('{failed}', String(a.failed))
      : t('attentionViews').replace('{n}', String(n));
  return (
    <span className="badge" data-testid={`attention-${part}`} title={label}>
      <span aria-hidden="true">{n}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}
