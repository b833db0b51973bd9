import { useI18n } from '../i18n.tsx';
import { errorText } from '../messages.ts';

/** An error as staff read it: the catalogue's text for its code (messages.ts), in the screen's language. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { lang } = useI18n();
  return <>{errorText(error, lang)}</>;
}
