import { useI18n } from '../i18n.tsx';

/**
 * A period filter (history's data period and upload day, the audit log's period): 「開始」 and
 * 「終了」 dates under `legend`, each bounded by the other, with a hint. Each input's accessible
 * name is 「<legend> 開始」 / 「<legend> 終了」.
 */
export function DateRange({
  legend,
  hint,
  from,
  to,
  onChange,
}: {
  legend: string;
  hint: string;
  from: string | undefined;
  to: string | undefined;
  onChange: (end: 'from' | 'to', day: string) => void;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="range">
      <legend>{legend}</legend>
      {(['from', 'to'] as const).map((end) => (
        <label key={end}>
          {t(end)}
          <input
            type="date"
            aria-label={`${legend} ${t(end)}`}
            value={(end === 'from' ? from : to) ?? ''}
            min={end === 'to' ? from : undefined}
            max={end === 'from' ? to : undefined}
            onChange={(e) => onChange(end, e.target.value)}
          />
        </label>
      ))}
      <span className="muted">{hint}</span>
    </fieldset>
  );
}
