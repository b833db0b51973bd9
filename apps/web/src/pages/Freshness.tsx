import { useMay } from '../session.ts';
import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type MvHistoryRow, type MvRow } from '../api.ts';
import { fmt, useI18n, type MessageKey } from '../i18n.tsx';
import { Chart } from '../components/Chart.tsx';
import { useNow } from '../hooks/use-now.ts';
import { formatAge, summariseTriggers } from '../freshness-text.ts';
import { errorText } from '../messages.ts';

type MvList = { mvs: MvRow[]; queue: { jobId: string }[] };

function MvHistory({ mv, label }: { mv: string; label: string }) {
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
  return <Chart option={option} label={`${label} ${t('history')}`} height={90} />;
}

/** What a row's state asks of the person reading it: a badge and, unless all is well, what to do. */
function rowState(m: MvRow, ageMin: number | null, targetMin: number): { badge: MessageKey; hint?: MessageKey } {
  const failedLast =
    m.lastError != null && (!m.lastRefreshAt || (m.lastErrorAt != null && m.lastErrorAt > m.lastRefreshAt));
  if (!m.populated) return { badge: 'mvUnpopulated', hint: 'mvHintUnpopulated' };
  if (failedLast) return { badge: 'failed', hint: 'mvHintFailed' };
  if (ageMin == null || ageMin > targetMin) return { badge: 'stale', hint: m.behind ? 'mvHintBehind' : 'mvHintOld' };
  return { badge: 'fresh' };
}

const MODES: Record<string, MessageKey> = { concurrent: 'modeConcurrent', plain: 'modePlain' };

/**
 * GET /mv: per MV its state, last refresh, age (ticking every second) against a target the user
 * sets (kept in this browser), what to do when it is not fresh, history, and "refresh now", which
 * queues a refresh of everything and says when it is done.
 */
export function FreshnessPage() {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const now = useNow(1000);
  const [targetMin, setTargetMin] = useState(() => Number(localStorage.getItem('freshTargetMin') ?? 10));
  const [asked, setAsked] = useState<{ jobId: string; at: number } | null>(null);
  const q = useQuery({
    queryKey: ['mv'],
    queryFn: () => api<MvList>('/mv'),
    refetchInterval: asked ? 1000 : 5000,
  });
  // The manual refresh is for admins (the API's x-role); the others read the ages.
  const mayRefresh = useMay('admin');
  const refresh = useMutation({
    mutationFn: () => api<{ jobId: string }>('/mv/refresh', { method: 'POST', body: JSON.stringify({ all: true }) }),
    onSuccess: (r) => {
      setAsked({ jobId: r.jobId, at: Date.now() });
      void qc.invalidateQueries({ queryKey: ['mv'] });
    },
  });
  // Done once a list read after the request no longer holds its job.
  const done = asked && q.data && q.dataUpdatedAt > asked.at && !q.data.queue.some((j) => j.jobId === asked.jobId);
  const failedSince =
    done && q.data ? q.data.mvs.filter((m) => m.lastErrorAt && Date.parse(m.lastErrorAt) >= asked.at).length : 0;
  const busy = refresh.isPending || (!!asked && !done);
  const announce = refresh.isError
    ? ''
    : done
      ? failedSince
        ? t('refreshDoneWithErrors').replace('{n}', String(failedSince))
        : t('refreshDone')
      : asked || refresh.isPending
        ? t('refreshQueued')
        : '';
  return (
    <>
      <h1>{t('navFreshness')}</h1>
      <p className="muted">{t('freshnessIntro')}</p>
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
        {/* aria-disabled, not disabled: a disabled button drops the focus to the page while it waits. */}
        {mayRefresh && (
          <button
            type="button"
            aria-disabled={busy}
            onClick={() => {
              if (busy) return;
              setAsked(null);
              refresh.mutate();
            }}
          >
            {t('refreshNow')}
          </button>
        )}
        <span role="status" data-testid="refresh-status">
          {announce}
        </span>
        {refresh.isError && (
          <span className="error" role="alert">
            {errorText(refresh.error, lang)}
          </span>
        )}
      </div>
      {q.isError && (
        <p className="error" role="alert">
          {errorText(q.error, lang)}
        </p>
      )}
      {q.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('navFreshness')}>
          <table data-testid="mv-table">
            <thead>
              <tr>
                <th>{t('mv')}</th>
                <th>{t('populated')}</th>
                <th>{t('lastRefresh')}</th>
                <th className="num">{t('duration')}</th>
                <th>{t('mode')}</th>
                <th>{t('trigger')}</th>
                <th>{t('age')}</th>
                <th style={{ minWidth: 140 }}>{t('history')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.mvs.map((m) => {
                const ageSec = m.lastRefreshAt ? (now - new Date(m.lastRefreshAt).getTime()) / 1000 : null;
                const state = rowState(m, ageSec == null ? null : ageSec / 60, targetMin);
                const label = m.label ?? t('mvNoLabel');
                return (
                  <tr key={m.mv} data-testid="mv-row" data-mv={m.mv}>
                    <th scope="row" className="wrap">
                      {label}
                    </th>
                    <td>{m.populated ? t('yes') : t('no')}</td>
                    <td data-testid="last-refresh">{fmt.dateTime(m.lastRefreshAt)}</td>
                    <td className="num">{fmt.ms(m.lastDurationMs)}</td>
                    <td>{m.lastMode ? (MODES[m.lastMode] ? t(MODES[m.lastMode]!) : m.lastMode) : '—'}</td>
                    <td data-testid="trigger">{summariseTriggers(m.lastTrigger, lang)}</td>
                    <td className="wrap" style={{ minWidth: 160 }}>
                      <span
                        className={`status ${state.badge === 'fresh' ? 'success' : 'failed'}`}
                        data-testid="mv-state"
                      >
                        {t(state.badge)}
                      </span>{' '}
                      <span data-testid="age">{ageSec == null ? '' : formatAge(ageSec, lang)}</span>
                      {state.hint && (
                        <span className="hint" data-testid="mv-hint">
                          {t(state.hint).replace('{min}', String(targetMin))}
                        </span>
                      )}
                    </td>
                    <td>
                      {/* A fixed width: the chart's canvas would otherwise keep the cell at its first size. */}
                      <div style={{ width: 140 }}>
                        <MvHistory mv={m.mv} label={label} />
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
