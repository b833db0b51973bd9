import { Pager, ShownOfTotal } from '../components/Pager.tsx';
import { FilterSelect } from '../components/FilterSelect.tsx';
import { DateRange } from '../components/DateRange.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type UploadSummary } from '../api.ts';
import { fmt, useI18n, type MessageKey } from '../i18n.tsx';
import { CSV_TYPES, FLAVOURS, UPLOAD_STATUSES } from '@warehouse/db/kinds';
import { StatusBadge } from '../components/UploadResult.tsx';
import { ErrorAlert } from '../components/ErrorMessage.tsx';

export const HISTORY_PAGE_SIZE = 50;
/** The filters GET /uploads takes, kept in the page's URL (#/history?csvType=…&page=2) so it can be shared. */
const FILTERS = [
  'csvType',
  'flavour',
  'status',
  'by',
  'fileName',
  'uploadedFrom',
  'uploadedTo',
  'periodFrom',
  'periodTo',
] as const;
type Filter = (typeof FILTERS)[number];
type State = Partial<Record<Filter, string>> & { page: number };

function readHash(): State {
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const s: State = { page: Math.max(1, Math.floor(Number(q.get('page'))) || 1) };
  for (const f of FILTERS) {
    const v = q.get(f);
    if (v) s[f] = v;
  }
  return s;
}
function toQuery(s: State, withPage: boolean): URLSearchParams {
  const q = new URLSearchParams();
  for (const f of FILTERS) if (s[f]) q.set(f, s[f]);
  if (withPage && s.page > 1) q.set('page', String(s.page));
  return q;
}

/** The page's filters and page number, read from and written to the URL (replacing the entry: typing is not history). */
function useHashState(): [State, (next: State) => void] {
  const [state, setState] = useState(readHash);
  useEffect(() => {
    const on = () => setState(readHash());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const set = (next: State) => {
    const q = toQuery(next, true).toString();
    history.replaceState(null, '', `#/history${q ? `?${q}` : ''}`);
    setState(next);
  };
  return [state, set];
}

/** GET /uploads a page at a time, filtered on the server (kind, flavour, status, file name, upload day, the data's period). */
export function HistoryPage() {
  const { t } = useI18n();
  const [s, setS] = useHashState();
  const filter = (f: Filter, v: string) => setS({ ...s, [f]: v || undefined, page: 1 });
  const params = toQuery(s, false);
  params.set('limit', String(HISTORY_PAGE_SIZE));
  params.set('offset', String((s.page - 1) * HISTORY_PAGE_SIZE));
  const q = useQuery({
    queryKey: ['uploads', params.toString()],
    queryFn: () => api<{ uploads: UploadSummary[]; total: number }>(`/uploads?${params}`),
    placeholderData: keepPreviousData,
  });
  const uploaders = useQuery({
    queryKey: ['uploaders'],
    queryFn: () => api<{ uploaders: { id: string; name: string }[] }>('/uploaders'),
  });
  const rows = q.data?.uploads ?? [];
  const total = q.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE));
  const first = (s.page - 1) * HISTORY_PAGE_SIZE + 1;
  const select = (f: Filter, label: MessageKey, values: readonly MessageKey[]) => (
    <FilterSelect
      label={t(label)}
      value={s[f]}
      options={values.map((k) => ({ id: k, name: t(k) }))}
      onChange={(v) => filter(f, v)}
    />
  );
  const range = (legend: MessageKey, hint: MessageKey, from: Filter, to: Filter) => (
    <DateRange
      legend={t(legend)}
      hint={t(hint)}
      from={s[from]}
      to={s[to]}
      onChange={(end, day) => filter(end === 'from' ? from : to, day)}
    />
  );
  const pager = (where: 'top' | 'bottom') => (
    <Pager
      page={s.page}
      pages={pages}
      onPage={(page) => setS({ ...s, page })}
      where={where}
      testId={`history-pages-${where}`}
    />
  );
  return (
    <>
      <h1>{t('navHistory')}</h1>
      <form className="panel filters" role="search" aria-label={t('filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="row">
          {select('csvType', 'kind', CSV_TYPES)}
          {select('flavour', 'flavour', FLAVOURS)}
          {select('status', 'status', UPLOAD_STATUSES)}
          <FilterSelect
            label={t('uploader')}
            value={s.by}
            options={uploaders.data?.uploaders}
            onChange={(id) => filter('by', id)}
          />
          <label>
            {t('fileNameContains')}
            <input
              type="search"
              value={s.fileName ?? ''}
              maxLength={200}
              onChange={(e) => filter('fileName', e.target.value)}
            />
          </label>
        </div>
        <div className="row">
          {range('dataPeriod', 'dataPeriodHint', 'periodFrom', 'periodTo')}
          {range('uploadedOn', 'uploadedOnHint', 'uploadedFrom', 'uploadedTo')}
          <button type="button" className="secondary" onClick={() => setS({ page: 1 })}>
            {t('clearFilters')}
          </button>
        </div>
      </form>
      <ErrorAlert show={q.isError} error={q.error} />
      <ShownOfTotal testId="history-count" pending={q.isPending} total={total} first={first} count={rows.length} />
      {!q.isPending && rows.length === 0 ? (
        <p className="muted">{t('noData')}</p>
      ) : (
        rows.length > 0 && (
          <>
            {pages > 1 && pager('top')}
            <DataTable
              label={t('navHistory')}
              testId="history-table"
              headings={[
                { text: '#', num: true },
                t('file'),
                t('kind'),
                t('flavour'),
                t('status'),
                { text: t('rowCount'), num: true },
                t('period'),
                t('createdAt'),
                t('uploader'),
              ]}
            >
              {rows.map((u) => (
                <tr key={u.id} data-testid="history-row">
                  <td className="num">
                    <a href={`#/uploads/${u.id}`}>{u.id}</a>
                  </td>
                  <td>
                    <a href={`#/uploads/${u.id}`}>{u.fileName}</a>
                  </td>
                  <td>{t(u.csvType)}</td>
                  <td>{u.flavour ? t(u.flavour) : '—'}</td>
                  <td>
                    <StatusBadge status={u.status} />
                    {(u.revertedBy ?? u.confirmedBy) && (
                      <span className="muted" data-testid="history-changed-by">
                        {' '}
                        {u.revertedBy ? `${t('revertedBy')}: ${u.revertedBy}` : `${t('confirmedBy')}: ${u.confirmedBy}`}
                      </span>
                    )}
                  </td>
                  <td className="num">{fmt.int(u.rowCount)}</td>
                  <td data-testid="history-period">
                    {u.dateFrom ? `${fmt.date(u.dateFrom)} – ${fmt.date(u.dateTo)}` : '—'}
                  </td>
                  <td>{fmt.dateTime(u.createdAt)}</td>
                  <td data-testid="history-uploader">{u.uploader?.name ?? '—'}</td>
                </tr>
              ))}
            </DataTable>
            {pages > 1 && pager('bottom')}
          </>
        )
      )}
    </>
  );
}
