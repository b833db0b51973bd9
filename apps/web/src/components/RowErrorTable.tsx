import type { RowError } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { render, ROW_TEXTS } from '../messages.ts';

/** A row error as the API sends it; `code` is missing (null) on errors recorded before codes existed. */
type ShownError = Pick<RowError, 'line' | 'column' | 'value' | 'reason'> & {
  code?: string | null;
  params?: Record<string, unknown> | null;
};

/** Row errors (line, column, value, reason) of a failed upload or a refused targets CSV. */
export function RowErrorTable({ errors, testId }: { errors: readonly ShownError[]; testId: string }) {
  const { t, lang } = useI18n();
  return (
    <div className="table-wrap" tabIndex={0}>
      <table data-testid={testId}>
        <thead>
          <tr>
            <th className="num">{t('line')}</th>
            <th>{t('column')}</th>
            <th>{t('value')}</th>
            <th>{t('reason')}</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((e, i) => (
            <tr key={i}>
              <td className="num">{e.line ?? '—'}</td>
              <td>{e.column ?? '—'}</td>
              <td>{e.value ?? '—'}</td>
              <td className="wrap">{e.code ? render(ROW_TEXTS, e.code, e.params ?? {}, lang) : e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
