import { useSession } from '../session.ts';
import { useState, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  api,
  ApiError,
  postWithProgress,
  type TargetCsvError,
  type DailyPlanResponse,
  type TargetCsvResponse,
  type TargetHistoryResponse,
  type TargetsResponse,
} from '../api.ts';
import { fmt, useI18n } from '../i18n.tsx';
import { RowErrorTable } from '../components/RowErrorTable.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';

function MonthRow({
  month,
  targetTon,
  planTon,
  editor,
}: {
  month: string;
  targetTon: number | null;
  planTon: number | null;
  editor: string;
}) {
  const { t } = useI18n();
  const edit = useTargetEdit(`/targets/month/${month}`, targetTon, editor);
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr data-testid="target-row" data-month={month}>
        <td>{month}</td>
        <td className="num">
          <TargetInput edit={edit} label={`${t('targetTon')} ${month}`} step="0.1" width="8rem" />
        </td>
        <td className="num">{fmt.ton(planTon)}</td>
        <td>
          <SaveTarget edit={edit}>
            <button
              type="button"
              className="secondary"
              aria-expanded={open}
              aria-controls={`plan-${month}`}
              onClick={() => setOpen(!open)}
            >
              {t('dailyPlan')}
            </button>{' '}
          </SaveTarget>
        </td>
      </tr>
      {open && (
        <tr id={`plan-${month}`}>
          <td colSpan={4}>
            <DailyPlan month={month} editor={editor} />
          </td>
        </tr>
      )}
    </>
  );
}

/**
 * A target edited in place (a month or a day of its plan): the typed value, its save and whether it
 * can be saved. The value follows the server's when that changes (a CSV, another editor, the month
 * re-summed) without remounting the row: a remount on the refetch that follows a save would wipe
 * "saved" as soon as it appears.
 */
function useTargetEdit(path: string, targetTon: number | null, editor: string) {
  const qc = useQueryClient();
  const stored = targetTon == null ? '' : String(targetTon);
  const [value, setValue] = useState(stored);
  const [shown, setShown] = useState(stored);
  if (stored !== shown) {
    setShown(stored);
    setValue(stored);
  }
  const save = useMutation({
    mutationFn: () => api(path, { method: 'PUT', body: JSON.stringify({ targetTon: Number(value), editor }) }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['targets'] });
      void qc.invalidateQueries({ queryKey: ['dashboard'] });
    },
  });
  const valid = value !== '' && Number.isFinite(Number(value)) && Number(value) >= 0 && editor.trim() !== '';
  return { value, setValue, save, valid };
}
type TargetEdit = ReturnType<typeof useTargetEdit>;

/** The typed value of a target (a month's or a day's); typing again clears what the last save said. */
function TargetInput({ edit, label, step, width }: { edit: TargetEdit; label: string; step: string; width: string }) {
  const { value, setValue, save } = edit;
  return (
    <input
      type="number"
      min={0}
      step={step}
      value={value}
      aria-label={label}
      style={{ width }}
      onChange={(e) => {
        setValue(e.target.value);
        if (!save.isPending) save.reset(); // "saved" or the error was about the previous value
      }}
    />
  );
}

/** A target's save button and what the save said ("saved" or the error); `children` stand between them. */
function SaveTarget({ edit, children }: { edit: TargetEdit; children?: ReactNode }) {
  const { t } = useI18n();
  const { save, valid } = edit;
  return (
    <>
      <button type="button" disabled={!valid || save.isPending} onClick={() => save.mutate()}>
        {t('save')}
      </button>{' '}
      {children}
      {save.isSuccess && <span role="status">{t('saved')}</span>}
      {save.isError && (
        <span className="error" role="alert">
          <ErrorMessage error={save.error} />
        </span>
      )}
    </>
  );
}

/** The save column's header: muted, as the column holds buttons rather than figures. */
function SaveHeader() {
  const { t } = useI18n();
  return (
    <th>
      <span className="muted">{t('save')}</span>
    </th>
  );
}

/** One day's plan, edited in place (the month's target becomes the plan's sum). */
function DayRow({ date, targetTon, editor }: { date: string; targetTon: number; editor: string }) {
  const { t } = useI18n();
  const edit = useTargetEdit(`/targets/day/${date}`, targetTon, editor);
  return (
    <tr data-testid="plan-day" data-date={date}>
      <td>{fmt.date(date)}</td>
      <td className="num">
        <TargetInput edit={edit} label={`${t('dailyPlan')} ${date}`} step="0.5" width="7rem" />
      </td>
      <td>
        <SaveTarget edit={edit} />
      </td>
    </tr>
  );
}

function DailyPlan({ month, editor }: { month: string; editor: string }) {
  const { t } = useI18n();
  const q = useQuery({
    queryKey: ['targets', 'daily', month],
    queryFn: () => api<DailyPlanResponse>(`/targets/daily?month=${month}`),
  });
  if (q.isError)
    return (
      <p className="error" role="alert">
        <ErrorMessage error={q.error} />
      </p>
    );
  if (!q.data) return <p>{t('loading')}</p>;
  if (!q.data.days.length) return <p className="muted">{t('noData')}</p>;
  return (
    <table data-testid={`plan-${month}`}>
      <caption className="muted">
        {t('dailyPlan')} {month}
      </caption>
      <thead>
        <tr>
          <th>{t('date')}</th>
          <th className="num">{t('targetTon')}</th>
          <SaveHeader />
        </tr>
      </thead>
      <tbody>
        {q.data.days.map((d) => (
          <DayRow key={d.date} date={d.date} targetTon={d.targetTon} editor={editor} />
        ))}
      </tbody>
    </table>
  );
}

/** kpi.monthly_targets per month (edit in place), a targets CSV (all rows or none), and who changed what. */
export function TargetsPage() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [year, setYear] = useState(new Date().getFullYear());
  const [typedEditor, setEditor] = useState(() => localStorage.getItem('editorName') ?? '');
  // Signed in, the history records the person (the API ignores a typed name); typed only with sign-in off.
  const session = useSession().data;
  const signedName = session && session !== 'off' ? session.name : undefined;
  const editor = signedName ?? typedEditor;
  const [file, setFile] = useState<File | null>(null);
  const [csvErrors, setCsvErrors] = useState<TargetCsvError[]>([]);
  const targets = useQuery({
    queryKey: ['targets', year],
    queryFn: () => api<TargetsResponse>(`/targets?from=${year}-01&to=${year}-12`),
  });
  const history = useQuery({
    queryKey: ['targets', 'history'],
    queryFn: () => api<TargetHistoryResponse>('/targets/history?limit=50'),
  });
  const upload = useMutation({
    mutationFn: () => {
      const form = new FormData();
      form.append('editor', editor);
      form.append('file', file!, file!.name);
      return postWithProgress<TargetCsvResponse>('/targets/csv', form, () => {});
    },
    onMutate: () => setCsvErrors([]),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['targets'] });
      void qc.invalidateQueries({ queryKey: ['dashboard'] });
    },
    onError: (e) =>
      setCsvErrors(e instanceof ApiError && Array.isArray(e.body.errors) ? (e.body.errors as TargetCsvError[]) : []),
  });
  return (
    <>
      <h1>{t('navTargets')}</h1>
      <div className="row panel">
        {!signedName && (
          <label>
            {t('editor')}
            <input
              value={typedEditor}
              placeholder={t('editorHint')}
              data-testid="editor-input"
              onChange={(e) => {
                setEditor(e.target.value);
                localStorage.setItem('editorName', e.target.value);
              }}
            />
          </label>
        )}
        <label>
          {t('year')}
          <input
            type="number"
            value={year}
            min={2000}
            max={2100}
            style={{ width: '6rem' }}
            onChange={(e) => setYear(Number(e.target.value) || year)}
          />
        </label>
      </div>
      <p className="panel" data-testid="targets-rule">
        {t('targetsRule')}
      </p>
      {targets.isError && (
        <p className="error" role="alert">
          <ErrorMessage error={targets.error} />
        </p>
      )}
      {targets.data && (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th>{t('month')}</th>
                <th className="num">{t('targetTon')}</th>
                <th className="num">{t('planTon')}</th>
                <SaveHeader />
              </tr>
            </thead>
            <tbody>
              {targets.data.months.map((m) => (
                <MonthRow key={m.month} month={m.month} targetTon={m.targetTon} planTon={m.planTon} editor={editor} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="panel">
        <h2>{t('targetsCsv')}</h2>
        <div className="row">
          <label className="file-button">
            {t('chooseFiles')}
            <input
              className="visually-hidden"
              type="file"
              accept=".csv,text/csv"
              data-testid="targets-file"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </label>
          <span>{file ? file.name : t('noFiles')}</span>
          <button type="button" disabled={!file || !editor.trim() || upload.isPending} onClick={() => upload.mutate()}>
            {t('upload')}
          </button>
          {upload.isSuccess && (
            <span role="status" data-testid="targets-applied">
              {t('saved')}: {fmt.int(upload.data.applied)}
            </span>
          )}
          {upload.isError && (
            <span className="error" role="alert">
              <ErrorMessage error={upload.error} />
            </span>
          )}
        </div>
        {csvErrors.length > 0 && <RowErrorTable errors={csvErrors} testId="targets-errors" />}
      </section>
      <section className="panel">
        <h2>{t('targetsHistory')}</h2>
        {history.data && history.data.edits.length === 0 && <p className="muted">{t('noData')}</p>}
        {history.data && history.data.edits.length > 0 && (
          <div className="table-wrap" tabIndex={0}>
            <table data-testid="targets-history">
              <thead>
                <tr>
                  <th>{t('editedAt')}</th>
                  <th>{t('editor')}</th>
                  <th>{t('month')}</th>
                  <th className="num">{t('old')}</th>
                  <th className="num">{t('new')}</th>
                  <th>{t('source')}</th>
                </tr>
              </thead>
              <tbody>
                {history.data.edits.map((e) => (
                  <tr key={e.id}>
                    <td>{fmt.dateTime(e.editedAt)}</td>
                    <td>{e.editor}</td>
                    <td>{e.scope === 'month' ? `${t('month')} ${e.date.slice(0, 7)}` : `${t('date')} ${e.date}`}</td>
                    <td className="num">{fmt.ton(e.oldTon)}</td>
                    <td className="num">{fmt.ton(e.newTon)}</td>
                    <td>
                      {e.source === 'csv' ? `CSV ${e.fileName ?? ''}` : e.source === 'seed' ? t('sourceSeed') : 'form'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
