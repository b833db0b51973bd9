import { useSession } from '../session.ts';
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, download, type RowErrorsPage, type Upload } from '../api.ts';
import { RowErrorTable } from './RowErrorTable.tsx';
import { fmt, useI18n } from '../i18n.tsx';
import { ERROR_TEXTS, HELD_TEXTS, render } from '../messages.ts';
import { FINISHED_UPLOAD_STATUSES, UPLOAD_STATUS, UPLOAD_STATUSES } from '@warehouse/db/kinds';
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

/** What one of the panel's reads shows until its data is in: "loading", or why it failed. */
function NotLoaded({ query }: { query: { isPending: boolean; error: unknown } }) {
  const { t } = useI18n();
  if (query.isPending) return <p>{t('loading')}</p>;
  return (
    <p className="error">
      <ErrorMessage error={query.error} />
    </p>
  );
}

/** All row errors of a failed upload (GET /uploads/:id/errors). */
function ErrorTable({ upload }: { upload: Upload }) {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['upload-errors', upload.id],
    queryFn: () => api<RowErrorsPage>(`/uploads/${upload.id}/errors?limit=1000`),
  });
  if (!q.isSuccess) return <NotLoaded query={q} />;
  return (
    <>
      <h2>
        {t('rowErrors')} ({fmt.int(q.data.total)})
      </h2>
      <RowErrorTable errors={q.data.errors} testId="row-errors" />
    </>
  );
}

/** What the last action on this panel did, announced in its live region. */
type Done = { kind: 'undone'; rowsWithdrawn: number; rowsRestored: number } | { kind: 'confirmed' };

/**
 * Undo asks first, in a modal dialog (the native one: it traps the focus and closes on Escape) that
 * says what will happen; the focus goes back to the panel's result message afterwards.
 */
function UndoDialog({ upload, onCancel, onConfirm }: { upload: Upload; onCancel: () => void; onConfirm: () => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  // Mounted only while asking: opened on mount, gone (and out of the top layer) on unmount.
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby={`undo-title-${upload.id}`}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={`undo-title-${upload.id}`}>{t('undoTitle')}</h2>
      <p>
        {t('undoQuestion')
          .replace('{id}', String(upload.id))
          .replace('{file}', upload.fileName)
          .replace('{added}', fmt.int(upload.rowsAdded ?? upload.rowCount))
          .replace('{superseded}', fmt.int(upload.rowsSuperseded ?? 0))}
      </p>
      <div className="row">
        <button type="button" className="danger" onClick={onConfirm}>
          {t('undo')}
        </button>
        <button type="button" className="secondary" autoFocus onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </dialog>
  );
}

/**
 * One upload's live state and what can be done with it: undo a success (after asking), confirm a
 * held file, read and download the row errors of a failed one. Polled every second until it
 * settles, then every 5 seconds, so an undo or confirm done elsewhere shows here too. What an
 * action did is announced in a live region, which takes the focus.
 */
export function UploadResult({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<Done | null>(null);
  const resultRef = useRef<HTMLParagraphElement>(null);
  const undoRef = useRef<HTMLButtonElement>(null);
  const session = useSession().data;
  // Back to the undo button once the cancelled dialog is gone (while it is open the rest is inert).
  const refocusUndo = useRef(false);
  useEffect(() => {
    if (!asking && refocusUndo.current) {
      refocusUndo.current = false;
      undoRef.current?.focus();
    }
  }, [asking]);
  const q = useQuery({
    queryKey: ['upload', id],
    queryFn: () => api<Upload>(`/uploads/${id}`),
    refetchInterval: (query) => (query.state.data && DONE.has(query.state.data.status) ? 5000 : 1000),
  });
  const after = () => {
    void qc.invalidateQueries({ queryKey: ['upload', id] });
    void qc.invalidateQueries({ queryKey: ['uploads'] });
    void qc.invalidateQueries({ queryKey: ['dashboard'] });
    void qc.invalidateQueries({ queryKey: ['attention'] });
  };
  const revert = useMutation({
    mutationFn: () => api<{ rowsWithdrawn: number; rowsRestored: number }>(`/uploads/${id}/revert`, { method: 'POST' }),
    onSuccess: (r) => {
      setDone({ kind: 'undone', rowsWithdrawn: r.rowsWithdrawn, rowsRestored: r.rowsRestored });
      after();
    },
  });
  const confirm = useMutation({
    mutationFn: () => api(`/uploads/${id}/confirm`, { method: 'POST' }),
    onSuccess: () => {
      setDone({ kind: 'confirmed' });
      after();
    },
  });
  useEffect(() => {
    if (done || revert.isError || confirm.isError) resultRef.current?.focus();
  }, [done, revert.isError, confirm.isError]);
  if (!q.isSuccess) return <NotLoaded query={q} />;
  const u = q.data;
  // Viewers read; staff undo and confirm their own uploads, admins anyone's (as the API decides).
  const mayChange =
    session === 'off' ||
    (!!session && !!u && (session.role === 'admin' || (session.role === 'staff' && u.uploader?.id === session.id)));
  const dt = u.datesTouched;
  const announce =
    done?.kind === 'undone'
      ? t('undoneResult')
          .replace('{withdrawn}', fmt.int(done.rowsWithdrawn))
          .replace('{restored}', fmt.int(done.rowsRestored))
      : done?.kind === 'confirmed'
        ? t('confirmedResult')
        : u.status === UPLOAD_STATUS.reverted
          ? t('undoneElsewhere')
          : '';
  const actionError = revert.isError ? revert.error : confirm.isError ? confirm.error : null;
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
        {u.uploader && (
          <span className="muted" data-testid="upload-uploader">
            {t('uploader')}: {u.uploader.name}
          </span>
        )}
        {u.confirmedBy && (
          <span className="muted" data-testid="upload-confirmed-by">
            {t('confirmedBy')}: {u.confirmedBy}
          </span>
        )}
        {u.revertedBy && (
          <span className="muted" data-testid="upload-reverted-by">
            {t('revertedBy')}: {u.revertedBy}
          </span>
        )}
      </div>
      {/* Always in the page, so that screen readers announce what is put into it. */}
      <p ref={resultRef} tabIndex={-1} role="status" data-testid="action-result" className="action-result">
        {actionError ? (
          <span className="error">
            <ErrorMessage error={actionError} />
          </span>
        ) : (
          announce
        )}
      </p>
      {u.status === UPLOAD_STATUS.success || u.status === UPLOAD_STATUS.reverted ? (
        <dl className="cards">
          <div className="card">
            <dt>{t('rowsAdded')}</dt>
            <dd className="big" data-testid="rows-added">
              {fmt.int(u.rowsAdded ?? u.rowCount)}
            </dd>
          </div>
          <div className="card">
            <dt>
              {t('rowsSuperseded')}
              <span className="hint">{t('rowsSupersededHint')}</span>
            </dt>
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
      {u.status === UPLOAD_STATUS.success && mayChange && (
        <div className="row">
          <button
            type="button"
            className="danger"
            data-testid="undo"
            ref={undoRef}
            aria-disabled={revert.isPending}
            onClick={() => !revert.isPending && setAsking(true)}
          >
            {t('undo')}
          </button>
          {asking && (
            <UndoDialog
              upload={u}
              onCancel={() => {
                refocusUndo.current = true;
                setAsking(false);
              }}
              onConfirm={() => {
                setAsking(false);
                setDone(null);
                revert.mutate();
              }}
            />
          )}
        </div>
      )}
      {u.status === UPLOAD_STATUS.held && (
        <div className="row">
          <span>
            {t('heldReason')}:{' '}
            <span data-testid="held-reason">
              {u.held ? render(HELD_TEXTS, u.held.code, u.held.params, lang) : (u.heldReason ?? '—')}
            </span>
          </span>
          {mayChange && (
            <button
              type="button"
              aria-disabled={confirm.isPending}
              onClick={() => {
                if (confirm.isPending) return;
                setDone(null);
                confirm.mutate();
              }}
            >
              {t('confirm')}
            </button>
          )}
        </div>
      )}
      {u.status === UPLOAD_STATUS.failed && (
        <>
          {(u.errorCode || u.errorMessage) && (
            <p className="error" data-testid="failed-reason">
              {u.errorCode ? render(ERROR_TEXTS, u.errorCode, u.errorParams ?? {}, lang) : u.errorMessage}
            </p>
          )}
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
