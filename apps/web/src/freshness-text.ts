/**
 * How the freshness page words what the refresher reports: an age that reads like a clock, and the
 * triggers of a refresh ("upload:22,upload:67,schedule") summarised per kind ("アップロード 2件, 夜間").
 */
import type { Lang } from './i18n.tsx';

/** An age in seconds as "2分05秒" / "2 min 05 s" (hours and days drop the seconds). */
export function formatAge(seconds: number, lang: Lang): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (lang === 'ja') {
    if (d > 0) return `${d}日${h}時間`;
    if (h > 0) return `${h}時間${two(m)}分`;
    if (m > 0) return `${m}分${two(sec)}秒`;
    return `${sec}秒`;
  }
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${two(m)} min`;
  if (m > 0) return `${m} min ${two(sec)} s`;
  return `${sec} s`;
}

/** What asked for a refresh, by the prefix of its trigger (`upload:42` → upload). */
const TRIGGER_WORDS: Record<string, { ja: string; en: string }> = {
  upload: { ja: 'アップロード', en: 'upload' },
  csv: { ja: 'アップロード', en: 'upload' },
  revert: { ja: '取り消し', en: 'undo' },
  api: { ja: '画面から更新', en: 'refresh from the console' },
  schedule: { ja: '夜間', en: 'nightly' },
  populate: { ja: '初回作成', en: 'first build' },
  migrate: { ja: '初回作成', en: 'first build' },
  all: { ja: '管理者', en: 'administrator' },
  manual: { ja: '管理者', en: 'administrator' },
  cli: { ja: '管理者', en: 'administrator' },
};
const OTHER = { ja: 'その他', en: 'other' };

/**
 * "upload:22,upload:67,schedule" → "アップロード 2件, 夜間": one entry per kind of trigger in the
 * order first seen, with a count when there is more than one. '—' for none.
 */
export function summariseTriggers(trigger: string | null | undefined, lang: Lang): string {
  if (!trigger) return '—';
  const counts = new Map<string, number>();
  for (const part of trigger.split(',')) {
    const key = part.trim().split(':')[0] ?? '';
    if (!key) continue;
    const word = (TRIGGER_WORDS[key] ?? OTHER)[lang];
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  if (counts.size === 0) return '—';
  return [...counts]
    .map(([word, n]) => (n > 1 ? (lang === 'ja' ? `${word} ${n}件` : `${word} ×${n}`) : word))
    .join(', ');
}
