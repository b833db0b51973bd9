import { useI18n } from '../i18n.tsx';

/** The header's language switch: names the other language, in that language. */
export function LangSwitch() {
  const { t, lang, setLang } = useI18n();
  return (
    <button
      type="button"
      className="lang"
      onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}
      lang={lang === 'ja' ? 'en' : 'ja'}
    >
      {t('switchLang')}
    </button>
  );
}
