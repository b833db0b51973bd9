import { fmt, useI18n } from '../i18n.tsx';

/** 「前へ · 1 / 5 ページ · 次へ」 for a list paged on the server. */
export function Pager({
  page,
  pages,
  onPage,
  where,
  testId,
}: {
  page: number;
  pages: number;
  onPage: (page: number) => void;
  /** which of the page's pagers (its accessible name: 「ページ (top)」) */
  where: string;
  /** on the 「1 / 5 ページ」 text */
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <nav className="row pager" aria-label={`${t('pages')} (${where})`}>
      <button type="button" className="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('prevPage')}
      </button>
      <span data-testid={testId}>
        {t('pageOf').replace('{page}', fmt.int(page)).replace('{pages}', fmt.int(pages))}
      </span>
      <button type="button" className="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('nextPage')}
      </button>
    </nav>
  );
}

/** 「全N件中 a–b件を表示」 above a list paged on the server, announced as a status. */
export function ShownOfTotal({
  testId,
  pending,
  total,
  first,
  count,
}: {
  testId: string;
  pending: boolean;
  total: number;
  first: number;
  count: number;
}) {
  const { t } = useI18n();
  return (
    <p className="muted" role="status" data-testid={testId}>
      {pending
        ? t('loading')
        : t('shownOfTotal')
            .replace('{total}', fmt.int(total))
            .replace('{first}', fmt.int(count ? first : 0))
            .replace('{last}', fmt.int(first + count - 1))}
    </p>
  );
}
