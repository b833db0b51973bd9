import { useI18n } from '../i18n.tsx';
import { UploadResult } from '../components/UploadResult.tsx';

export function UploadDetail({ id }: { id: number }) {
  const { t } = useI18n();
  return (
    <>
      <h1>
        {t('uploadNo')} #{id}
      </h1>
      <p>
        <a href="#/history">← {t('navHistory')}</a>
      </p>
      <UploadResult id={id} />
    </>
  );
}
