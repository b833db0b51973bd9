import { useI18n } from '../i18n.tsx';

/**
 * A filter that picks one of `options` or 「すべて」 (value ''): history's kind, flavour, status and
 * uploader, the audit log's person and action. An option is its value (`id`) and its text (`name`),
 * so a list of people can be passed as it is.
 */
export function FilterSelect({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string | undefined;
  options: readonly { id: string; name: string }[] | undefined;
  onChange: (id: string) => void;
}) {
  const { t } = useI18n();
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('all')}</option>
        {options?.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}
