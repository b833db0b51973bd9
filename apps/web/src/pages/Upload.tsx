import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { postWithProgress, type CsvType, type Flavour, type UploadAcceptedResponse } from '../api.ts';
import { detectFileKind, fileMonths, flavourMismatch, runningMonth } from '../detect.ts';
import { fmt, useI18n } from '../i18n.tsx';
import { StatusBadge, UploadResult } from '../components/UploadResult.tsx';
import { FLAVOUR, FLAVOURS } from '@warehouse/db/kinds';
import { ErrorMessage } from '../components/ErrorMessage.tsx';

interface Picked {
  key: string;
  file: File;
  kind: CsvType | undefined;
  /** the months of its slip dates (YYYY-MM), read in the browser to check the flavour */
  months: string[];
  progress: number;
  state: 'ready' | 'uploading' | 'sent' | 'refused';
  uploadId?: number;
  error?: unknown;
}

/** Drop several Shogun exports, each sent as its own request so each gets its progress bar and job. */
export function UploadPage() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [files, setFiles] = useState<Picked[]>([]);
  const [flavour, setFlavour] = useState<Flavour>(FLAVOUR.flash);
  const [over, setOver] = useState(false);
  const update = (key: string, patch: Partial<Picked>) =>
    setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, ...patch } : f)));

  const add = async (list: FileList | File[]) => {
    const picked = await Promise.all(
      [...list].map(async (file) => ({
        key: `${file.name}-${file.size}-${Math.random()}`,
        file,
        kind: await detectFileKind(file),
        months: await fileMonths(file),
        progress: 0,
        state: 'ready' as const,
      })),
    );
    setFiles((fs) => [
      ...fs.filter((f) => f.state !== 'ready' || !picked.some((p) => p.file.name === f.file.name)),
      ...picked,
    ]);
  };

  const send = async () => {
    for (const f of files.filter((x) => x.state === 'ready' && x.kind)) {
      update(f.key, { state: 'uploading', progress: 0 });
      const form = new FormData();
      form.append('flavour', flavour);
      form.append(f.kind!, f.file, f.file.name);
      try {
        const res = await postWithProgress<UploadAcceptedResponse>('/upload/csv', form, (p) =>
          update(f.key, { progress: p }),
        );
        update(f.key, { state: 'sent', progress: 1, uploadId: res.uploads[0]?.id });
      } catch (e) {
        update(f.key, { state: 'refused', error: e });
      }
    }
    void qc.invalidateQueries({ queryKey: ['uploads'] });
  };

  const ready = files.filter((f) => f.state === 'ready' && f.kind).length;
  const month = runningMonth();
  const mismatches = files
    .filter((f) => f.state === 'ready' && f.kind)
    .flatMap((f) => {
      const m = flavourMismatch(flavour, f.months, month);
      return m
        ? [t(m).replace('{file}', f.file.name).replace('{months}', f.months.join('、')).replace('{month}', month)]
        : [];
    });
  return (
    <>
      <h1>{t('navUpload')}</h1>
      <div
        className={`drop${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void add(e.dataTransfer.files);
        }}
      >
        <p>{t('dropHere')}</p>
        <label className="file-button">
          {t('chooseFiles')}
          <input
            className="visually-hidden"
            type="file"
            multiple
            accept=".csv,text/csv"
            data-testid="file-input"
            onChange={(e) => {
              if (e.target.files) void add(e.target.files);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      <fieldset className="row panel">
        <legend>{t('flavour')}</legend>
        {FLAVOURS.map((fl) => (
          <label key={fl}>
            <input type="radio" name="flavour" value={fl} checked={flavour === fl} onChange={() => setFlavour(fl)} />{' '}
            {t(fl)}
          </label>
        ))}
        <button type="button" disabled={!ready} onClick={() => void send()}>
          {t('upload')} ({ready})
        </button>
      </fieldset>
      <div role="status" className="action-result">
        {mismatches.length > 0 && (
          <div className="panel warning" data-testid="flavour-warning">
            <ul>
              {mismatches.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
            <p className="muted">{t('flavourCheckHint')}</p>
          </div>
        )}
      </div>
      {files.length === 0 ? (
        <p className="muted">{t('noFiles')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th>{t('file')}</th>
                <th className="num">{t('size')}</th>
                <th>{t('kind')}</th>
                <th>{t('status')}</th>
                <th>
                  <span className="muted">{t('remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.key} data-testid="picked-file">
                  <td>{f.file.name}</td>
                  <td className="num">{fmt.bytes(f.file.size)}</td>
                  <td data-testid="detected-kind" data-kind={f.kind ?? ''}>
                    {f.kind ? t(f.kind) : <span className="error">{t('kindUnknown')}</span>}
                  </td>
                  <td className="wrap">
                    {f.state === 'uploading' && (
                      <>
                        <StatusBadge status="uploading" />{' '}
                        <progress max={1} value={f.progress} aria-label={`${t('uploading')} ${f.file.name}`} />
                      </>
                    )}
                    {f.state === 'sent' && <span>#{f.uploadId}</span>}
                    {f.state === 'refused' && (
                      <span className="error wrap-text" role="alert">
                        <ErrorMessage error={f.error} />
                      </span>
                    )}
                  </td>
                  <td>
                    {f.state !== 'uploading' && (
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`${t('remove')} ${f.file.name}`}
                        onClick={() => setFiles((fs) => fs.filter((x) => x.key !== f.key))}
                      >
                        ×
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {files
        .filter((f) => f.uploadId)
        .map((f) => (
          <UploadResult key={f.uploadId} id={f.uploadId!} />
        ))}
    </>
  );
}
