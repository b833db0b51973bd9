import { useI18n } from '../i18n.tsx';

/** A filter by person (history's uploader, the audit log's actor): 「すべて」 or one of `people`. */
export function PersonSelect({
  label,
  value,
  people,
  onChange,
}: {
  label: string;
  value: string | undefined;
  people: readonly { id: string; name: string }[] | undefined;
  onChange: (id: string) => void;
}) {
  const { t } = useI18n();
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('all')}</option>
        {people?.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
