import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type MvHistoryRow, type MvRow } from '../api.ts';
import { fmt, useI18n } from '../i18n.tsx';
import { Chart } from '../components/Chart.tsx';

function MvHistory({ mv }: { mv: string }) {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['mv-history', mv],
    queryFn: () => api<{ history: MvHistoryRow[] }>(`/mv/${encodeURIComponent(mv)}/history?limit=30`),
    retry: false,
  });
  const option = useMemo(() => {
    const h = [...(q.data?.history ?? [])].reverse();
    return {
      grid: { left: 50, right: 10, top: 10, bottom: 30 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: h.map((x) => fmt.dateTime(x.startedAt)), axisLabel: { show: false } },
      yAxis: { type: 'value', name: 'ms' },
      series: [
        {
          type: 'bar',
          name: t('duration'),
          data: h.map((x) => ({
            value: x.durationMs ?? 0,
            itemStyle: { color: x.outcome === 'refreshed' ? '#2563eb' : '#dc2626' },
          })),
        },
      ],
    };
  }, [q.data, t]);
  if (q.isError) return <span className="muted">{t('notAvailable')}</span>;
  if (!q.data) return <span className="muted">{t('loading')}</span>;
  return <Chart option={option} label={`${mv} ${t('history')}`} height={90} />;
}

/** GET /mv: per MV its state, last refresh, age against a target the user sets (kept in this browser), history and "refresh now". */
export function FreshnessPage() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [targetMin, setTargetMin] = useState(() => Number(localStorage.getItem('freshTargetMin') ?? 10));
  const q = useQuery({ queryKey: ['mv'], queryFn: () => api<{ mvs: MvRow[] }>('/mv'), refetchInterval: 5000 });
  const refresh = useMutation({
    mutationFn: (mv?: string) => api('/mv/refresh', { method: 'POST', body: JSON.stringify(mv ? { mvs: [mv] } : {}) }),
    onSuccess: () => setTimeout(() => void qc.invalidateQueries({ queryKey: ['mv'] }), 500),
  });
  const now = Date.now();
  return (
    <>
      <h1>{t('navFreshness')}</h1>
      <div className="row panel">
        <label>
          {t('freshTarget')}
          <input
            type="number"
            min={1}
            value={targetMin}
            style={{ width: '5rem' }}
            onChange={(e) => {
              const v = Math.max(1, Number(e.target.value) || 1);
              setTargetMin(v);
              localStorage.setItem('freshTargetMin', String(v));
            }}
          />
        </label>
        <button type="button" disabled={refresh.isPending} onClick={() => refresh.mutate(undefined)}>
          {t('refreshNow')}
        </button>
        {refresh.isSuccess && <span role="status">{t('refreshQueued')}</span>}
        {refresh.isError && (
          <span className="error" role="alert">
            {refresh.error.message}
          </span>
        )}
      </div>
      {q.isError && (
        <p className="error" role="alert">
          {q.error.message}
        </p>
      )}
      {q.data && (
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="mv-table">
            <thead>
              <tr>
                <th>{t('mv')}</th>
                <th>{t('populated')}</th>
                <th>{t('lastRefresh')}</th>
                <th className="num">{t('duration')}</th>
                <th>{t('mode')}</th>
                <th>{t('outcome')}</th>
                <th>{t('trigger')}</th>
                <th>{t('age')}</th>
                <th style={{ minWidth: 140 }}>{t('history')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.mvs.map((m) => {
                const ageMin = m.lastRefreshAt ? (now - new Date(m.lastRefreshAt).getTime()) / 60_000 : null;
                const stale = ageMin == null || ageMin > targetMin;
                return (
                  <tr key={m.mv} data-testid="mv-row" data-mv={m.mv}>
                    <td>{m.mv}</td>
                    <td>{m.populated ? '✓' : '✗'}</td>
                    <td data-testid="last-refresh">{fmt.dateTime(m.lastRefreshAt)}</td>
                    <td className="num">{fmt.ms(m.lastDurationMs)}</td>
                    <td>{m.lastMode ?? '—'}</td>
                    <td>
                      {m.lastError ? (
                        <span className="error" title={m.lastError}>
                          {t('failed')}
                        </span>
                      ) : m.lastRefreshAt ? (
                        'refreshed'
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>{m.lastTrigger ?? '—'}</td>
                    <td>
                      <span className={`status ${stale ? 'failed' : 'success'}`}>
                        {stale ? t('stale') : t('fresh')}
                      </span>{' '}
                      {ageMin == null ? '' : `${fmt.int(Math.round(ageMin))} min`}
                    </td>
                    <td>
                      {/* A fixed width: the chart's canvas would otherwise keep the cell at its first size. */}
                      <div style={{ width: 140 }}>
                        <MvHistory mv={m.mv} />
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
