import { FilterSelect } from '../components/FilterSelect.tsx';
import { DateRange } from '../components/DateRange.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, download, type AuditEventsPage, type UsersResponse } from '../api.ts';
import { fmt, useI18n } from '../i18n.tsx';
import { ACTION_TEXTS, actionText } from '../messages.ts';
import { ErrorAlert } from '../components/ErrorMessage.tsx';
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
          <FilterSelect
            label={t('auditWho')}
            value={f.actorId}
            options={users.data?.users}
            onChange={(id) => set('actorId', id)}
          />
          <FilterSelect
            label={t('auditAction')}
            value={f.action}
            options={Object.keys(ACTION_TEXTS).map((a) => ({ id: a, name: actionText(a, lang) }))}
            onChange={(a) => set('action', a)}
          />
          <DateRange legend={t('auditPeriod')} hint={t('auditPeriodHint')} from={f.from} to={f.to} onChange={set} />
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
      <ErrorAlert show={q.isError || csvError !== undefined} error={q.isError ? q.error : csvError} />
      <ShownOfTotal testId="audit-count" pending={q.isPending} total={total} first={first} count={rows.length} />
      {rows.length > 0 && (
        <>
          <DataTable
            label={t('navAudit')}
            testId="audit-table"
            headings={[t('auditAt'), t('auditWho'), t('auditAction'), t('auditObject'), t('auditDetail')]}
          >
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
                <td className="detail">{[summary(e.before), summary(e.after)].filter(Boolean).join(' → ') || '—'}</td>
              </tr>
            ))}
          </DataTable>
          {pages > 1 && <Pager page={f.page} pages={pages} onPage={(page) => setF({ ...f, page })} where="audit" />}
        </>
      )}
    </>
  );
}
