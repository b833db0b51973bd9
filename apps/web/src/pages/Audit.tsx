import { PersonSelect } from '../components/PersonSelect.tsx';
import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, download, type AuditEventsPage, type UsersResponse } from '../api.ts';
import { fmt, useI18n } from '../i18n.tsx';
import { ACTION_TEXTS, actionText } from '../messages.ts';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Pager, ShownOfTotal } from '../components/Pager.tsx';

export const AUDIT_PAGE_SIZE = 50;

/** A before/after summary as "key: value" pairs (JSON values kept short). */
function summary(v: unknown): string {
  if (v == null) return '';
  if (typeof v !== 'object') return JSON.stringify(v);
  return Object.entries(v as Record<string, unknown>)
    .filter(([k]) => k !== 'sha256')
    .map(([k, x]) => `${k}: ${typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x)}`)
    .join(', ');
}

/** 操作履歴 (admins): log.audit_event through GET /audit, a page at a time, by person, action and period. */
export function AuditPage() {
  const { t, lang } = useI18n();
  const [f, setF] = useState<{ actorId?: string; action?: string; from?: string; to?: string; page: number }>({
    page: 1,
  });
  const set = (k: 'actorId' | 'action' | 'from' | 'to', v: string) => setF({ ...f, [k]: v || undefined, page: 1 });
  const params = new URLSearchParams();
  for (const k of ['actorId', 'action', 'from', 'to'] as const) if (f[k]) params.set(k, f[k]);
  const csvParams = params.toString();
  params.set('limit', String(AUDIT_PAGE_SIZE));
  params.set('offset', String((f.page - 1) * AUDIT_PAGE_SIZE));
  const users = useQuery({ queryKey: ['users'], queryFn: () => api<UsersResponse>('/users') });
  const q = useQuery({
    queryKey: ['audit', params.toString()],
    queryFn: () => api<AuditEventsPage>(`/audit?${params}`),
    placeholderData: keepPreviousData,
  });
  const userName = new Map(users.data?.users.map((u) => [u.id, u.name]));
  const [csvError, setCsvError] = useState<unknown>();
  const rows = q.data?.events ?? [];
  const total = q.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const first = (f.page - 1) * AUDIT_PAGE_SIZE + 1;
  return (
    <>
      <h1>{t('navAudit')}</h1>
      <form className="panel filters" role="search" aria-label={t('filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="row">
          <PersonSelect
            label={t('auditWho')}
            value={f.actorId}
            people={users.data?.users}
            onChange={(id) => set('actorId', id)}
          />
          <label>
            {t('auditAction')}
            <select value={f.action ?? ''} onChange={(e) => set('action', e.target.value)}>
              <option value="">{t('all')}</option>
              {Object.keys(ACTION_TEXTS).map((a) => (
                <option key={a} value={a}>
                  {actionText(a, lang)}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="range">
            <legend>{t('auditPeriod')}</legend>
            <label>
              {t('from')}
              <input
                type="date"
                aria-label={`${t('auditPeriod')} ${t('from')}`}
                value={f.from ?? ''}
                max={f.to}
                onChange={(e) => set('from', e.target.value)}
              />
            </label>
            <label>
              {t('to')}
              <input
                type="date"
                aria-label={`${t('auditPeriod')} ${t('to')}`}
                value={f.to ?? ''}
                min={f.from}
                onChange={(e) => set('to', e.target.value)}
              />
            </label>
            <span className="muted">{t('auditPeriodHint')}</span>
          </fieldset>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setCsvError(undefined);
              download(`/audit.csv${csvParams ? `?${csvParams}` : ''}`, 'audit.csv').catch(setCsvError);
            }}
          >
            {t('auditCsv')}
          </button>
        </div>
      </form>
      {(q.isError || csvError !== undefined) && (
        <p className="error" role="alert">
          <ErrorMessage error={q.isError ? q.error : csvError} />
        </p>
      )}
      <ShownOfTotal testId="audit-count" pending={q.isPending} total={total} first={first} count={rows.length} />
      {rows.length > 0 && (
        <>
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t('navAudit')}>
            <table data-testid="audit-table">
              <thead>
                <tr>
                  <th>{t('auditAt')}</th>
                  <th>{t('auditWho')}</th>
                  <th>{t('auditAction')}</th>
                  <th>{t('auditObject')}</th>
                  <th>{t('auditDetail')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <tr key={e.id} data-testid="audit-row">
                    <td>{fmt.dateTime(e.at)}</td>
                    <td>{e.actorName}</td>
                    <td>{actionText(e.action, lang)}</td>
                    <td>
                      {e.objectType === 'upload' && e.objectId ? (
                        <a href={`#/uploads/${e.objectId}`}>
                          {t('navUpload')} #{e.objectId}
                        </a>
                      ) : e.objectType === 'user' && e.objectId ? (
                        (userName.get(e.objectId) ?? e.objectId)
                      ) : e.objectType === 'api_key' && e.objectId ? (
                        `${t('apiKey')} #${e.objectId}`
                      ) : (
                        (e.objectId ?? '—')
                      )}
                    </td>
                    <td className="detail">
                      {[summary(e.before), summary(e.after)].filter(Boolean).join(' → ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pages > 1 && <Pager page={f.page} pages={pages} onPage={(page) => setF({ ...f, page })} where="audit" />}
        </>
      )}
    </>
  );
}
