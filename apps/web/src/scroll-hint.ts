/**
 * Wide tables on a phone scroll sideways inside their `.table-wrap`; a column hidden behind that
 * scroll (the 金額 column) was easy to miss. This marks every `.table-wrap` whose table is wider
 * than it with `data-scrolls` and a `data-hint` in the page's language, which the stylesheet shows
 * above the table; it follows page changes (mutations) and resizes.
 */
const HINT = { ja: '← 横にスクロールできます →', en: '← scroll sideways for more columns →' };

function mark(): void {
  const hint = document.documentElement.lang === 'en' ? HINT.en : HINT.ja;
  for (const w of document.querySelectorAll<HTMLElement>('.table-wrap')) {
    const scrolls = w.scrollWidth - w.clientWidth > 1;
    if (scrolls && (w.dataset.scrolls !== 'true' || w.dataset.hint !== hint)) {
      w.dataset.scrolls = 'true';
      w.dataset.hint = hint;
    } else if (!scrolls && w.dataset.scrolls) {
      delete w.dataset.scrolls;
      delete w.dataset.hint;
    }
  }
}

export function watchWideTables(): void {
  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      mark();
    });
  };
  new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true, characterData: true });
  new MutationObserver(schedule).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  addEventListener('resize', schedule);
  schedule();
}
