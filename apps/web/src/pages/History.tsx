import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, type UploadSummary } from '../api.ts';
import { fmt, useI18n } from '../i18n.tsx';
import { CSV_TYPES, FLAVOURS, UPLOAD_STATUSES } from '@warehouse/db/kinds';
import { StatusBadge } from '../components/UploadResult.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';

/** GET /uploads with the API's filters (status, kind, flavour); the date filter applies to the upload's creation day. */
export function HistoryPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState('');
  const [csvType, setCsvType] = useState('');
  const [flavour, setFlavour] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const params = new URLSearchParams({
    limit: '200',
    ...(status && { status }),
    ...(csvType && { csvType }),
    ...(flavour && { flavour }),
  });
  const q = useQuery({
    queryKey: ['uploads', params.toString()],
    queryFn: () => api<{ uploads: UploadSummary[] }>(`/uploads?${params}`),
  });
  const rows = (q.data?.uploads ?? []).filter((u) => {
    const d = new Date(u.createdAt).toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' });
    return (
      (!from || d >= from) &&
      (!to || d <= to) &&
      (!csvType || u.csvType === csvType) &&
      (!flavour || u.flavour === flavour)
    );
  });
  return (
    <>
      <h1>{t('navHistory')}</h1>
      <div className="row panel">
        <label>
          {t('kind')}
          <select value={csvType} onChange={(e) => setCsvType(e.target.value)}>
            <option value="">{t('all')}</option>
            {CSV_TYPES.map((k) => (
              <option key={k} value={k}>
                {t(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('flavour')}
          <select value={flavour} onChange={(e) => setFlavour(e.target.value)}>
            <option value="">{t('all')}</option>
            {FLAVOURS.map((k) => (
              <option key={k} value={k}>
                {t(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('all')}</option>
            {UPLOAD_STATUSES.map((k) => (
              <option key={k} value={k}>
                {t(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('from')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('to')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      {q.isError && (
        <p className="error" role="alert">
          <ErrorMessage error={q.error} />
        </p>
      )}
      {q.isPending ? (
        <p>{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p className="muted">{t('noData')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="history-table">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>{t('file')}</th>
                <th>{t('kind')}</th>
                <th>{t('flavour')}</th>
                <th>{t('status')}</th>
                <th className="num">{t('rowCount')}</th>
                <th>{t('period')}</th>
                <th>{t('createdAt')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr key={u.id}>
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
                  </td>
                  <td className="num">{fmt.int(u.rowCount)}</td>
                  <td>{u.dateFrom ? `${fmt.date(u.dateFrom)} – ${fmt.date(u.dateTo)}` : '—'}</td>
                  <td>{fmt.dateTime(u.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
