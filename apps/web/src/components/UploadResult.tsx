import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, download, type RowErrorsPage, type Upload } from '../api.ts';
import { RowErrorTable } from './RowErrorTable.tsx';
import { fmt, useI18n } from '../i18n.tsx';
import { FINISHED_UPLOAD_STATUSES, UPLOAD_STATUSES } from '@warehouse/db/kinds';
import { ErrorMessage } from './ErrorMessage.tsx';

const DONE: ReadonlySet<string> = new Set(FINISHED_UPLOAD_STATUSES);

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  // 'uploading' is the console's own state while the file is still being sent.
  const known = [...UPLOAD_STATUSES, 'uploading'] as const;
  const label = (known as readonly string[]).includes(status) ? t(status as (typeof known)[number]) : status;
  return (
    <span className={`status ${status}`} data-status={status}>
      {label}
    </span>
  );
}

/** All row errors of a failed upload (GET /uploads/:id/errors). */
function ErrorTable({ upload }: { upload: Upload }) {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['upload-errors', upload.id],
    queryFn: () => api<RowErrorsPage>(`/uploads/${upload.id}/errors?limit=1000`),
  });
  if (q.isPending) return <p>{t('loading')}</p>;
  if (q.isError)
    return (
      <p className="error">
        <ErrorMessage error={q.error} />
      </p>
    );
  return (
    <>
      <h3>
        {t('rowErrors')} ({fmt.int(q.data.total)})
      </h3>
      <RowErrorTable errors={q.data.errors} testId="row-errors" />
    </>
  );
}

/**
 * One upload's live state (polled every second until it settles) and what can be done with it:
 * undo a success, confirm a held file, read and download the row errors of a failed one.
 */
export function UploadResult({ id }: { id: number }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['upload', id],
    queryFn: () => api<Upload>(`/uploads/${id}`),
    refetchInterval: (query) => (query.state.data && DONE.has(query.state.data.status) ? false : 1000),
  });
  const after = () => {
    void qc.invalidateQueries({ queryKey: ['upload', id] });
    void qc.invalidateQueries({ queryKey: ['uploads'] });
    void qc.invalidateQueries({ queryKey: ['dashboard'] });
  };
  const revert = useMutation({ mutationFn: () => api(`/uploads/${id}/revert`, { method: 'POST' }), onSuccess: after });
  const confirm = useMutation({
    mutationFn: () => api(`/uploads/${id}/confirm`, { method: 'POST' }),
    onSuccess: after,
  });
  if (q.isPending) return <p>{t('loading')}</p>;
  if (q.isError)
    return (
      <p className="error">
        <ErrorMessage error={q.error} />
      </p>
    );
  const u = q.data;
  const dt = u.datesTouched;
  return (
    <div className="panel" data-testid={`upload-${u.id}`} data-upload-status={u.status}>
      <div className="row">
        <strong>
          #{u.id} {u.fileName}
        </strong>
        <StatusBadge status={u.status} />
        <span className="muted">
          {t(u.csvType)} / {u.flavour ? t(u.flavour) : '—'}
        </span>
      </div>
      {u.status === 'success' || u.status === 'reverted' ? (
        <dl className="cards">
          <div className="card">
            <dt>{t('rowsAdded')}</dt>
            <dd className="big" data-testid="rows-added">
              {fmt.int(u.rowsAdded ?? u.rowCount)}
            </dd>
          </div>
          <div className="card">
            <dt>{t('rowsSuperseded')}</dt>
            <dd className="big">{fmt.int(u.rowsSuperseded ?? null)}</dd>
          </div>
          <div className="card">
            <dt>{t('datesTouched')}</dt>
            <dd className="big">
              {dt ? `${fmt.int(dt.count)}` : '—'}
              <span className="muted">
                {' '}
                {fmt.date(dt?.first ?? u.dateFrom)} – {fmt.date(dt?.last ?? u.dateTo)}
              </span>
            </dd>
          </div>
        </dl>
      ) : null}
      {u.status === 'success' && (
        <div className="row">
          <button type="button" className="danger" disabled={revert.isPending} onClick={() => revert.mutate()}>
            {t('undo')}
          </button>
          {revert.isError && (
            <span className="error" role="alert">
              <ErrorMessage error={revert.error} />
            </span>
          )}
        </div>
      )}
      {u.status === 'held' && (
        <div className="row">
          <span>
            {t('heldReason')}: <span data-testid="held-reason">{u.heldReason ?? '—'}</span>
          </span>
          <button type="button" disabled={confirm.isPending} onClick={() => confirm.mutate()}>
            {t('confirm')}
          </button>
          {confirm.isError && (
            <span className="error" role="alert">
              <ErrorMessage error={confirm.error} />
            </span>
          )}
        </div>
      )}
      {u.status === 'failed' && (
        <>
          {u.errorMessage && <p className="error">{u.errorMessage}</p>}
          <ErrorTable upload={u} />
          <button
            type="button"
            className="secondary"
            onClick={() => void download(`/uploads/${u.id}/errors.csv`, `upload-${u.id}-errors.csv`)}
          >
            {t('downloadErrors')}
          </button>
        </>
      )}
    </div>
  );
}
