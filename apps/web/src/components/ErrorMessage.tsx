import { useI18n } from '../i18n.tsx';
import { errorText } from '../messages.ts';

/** An error as staff read it: the catalogue's text for its code (messages.ts), in the screen's language. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { lang } = useI18n();
  return <>{errorText(error, lang)}</>;
}

/** {@link ErrorMessage} as an alert paragraph (read out when it appears), while `show`. */
export function ErrorAlert({ show, error }: { show: boolean; error: unknown }) {
  return show ? (
    <p className="error" role="alert">
      <ErrorMessage error={error} />
    </p>
  ) : null;
}
