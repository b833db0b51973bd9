/**
 * Texts written for office staff that both the API and the console show: why a row of an upload
 * or of a targets CSV is refused, in Japanese and English, by its stable code (R_…). A leaf
 * package (no imports) so the API can word errors.csv in Japanese without importing the web app;
 * the console's catalogue (apps/web/src/messages.ts) re-exports these.
 */

export interface Text {
  ja: string;
  en: string;
}

/** Why a row of an upload or of a targets CSV is refused (a row error's `code`). */
export const ROW_TEXTS: Record<string, Text> = {
  R_REQUIRED: { ja: '値が入っていません。', en: 'The value is missing.' },
  R_DATE_FORMAT: { ja: '日付ではありません（例: 2025/04/01）。', en: 'Not a date (e.g. 2025/04/01).' },
  R_DATE_MONTH: { ja: 'ありえない日付です（月は1〜12）。', en: 'No such date (the month must be 1–12).' },
  R_DATE_DAY: {
    ja: 'ありえない日付です（その月にその日はありません）。',
    en: 'No such date (that month has fewer days).',
  },
  R_DATE_RANGE: {
    ja: '伝票日付 {date} は、取り込める期間（{min}〜{max}）の外です。日付が正しいか確かめてください。',
    en: 'Slip date {date} is outside the dates that can be loaded ({min} to {max}). Check the date.',
  },
  R_NOT_INTEGER: { ja: '整数ではありません。', en: 'Not a whole number.' },
  R_INT_MIN: { ja: '1以上の数を入れてください。', en: 'Must be 1 or more.' },
  R_NOT_NUMBER: { ja: '数値ではありません。', en: 'Not a number.' },
  R_NUMBER_TOO_LARGE: {
    ja: '数値が大きすぎます（整数部分は{digits}桁まで）。',
    en: 'The number is too large (at most {digits} digits before the decimal point).',
  },
  R_NUMBER_TOO_LARGE_ROUNDED: {
    ja: '数値が大きすぎます（小数第{scale}位で丸めると、整数部分が{digits}桁を超えます）。',
    en: 'The number is too large (rounded to {scale} decimals it has more than {digits} digits before the point).',
  },
  R_NEGATIVE_WEIGHT: { ja: '重量にマイナスは使えません。', en: 'A weight cannot be negative.' },
  R_NEGATIVE_VALUE: { ja: 'マイナスの値は使えません。', en: 'The value cannot be negative.' },
  R_HEADER: {
    ja: '見出し行が将軍の出力と一致しません。',
    en: 'The header line does not match Shogun’s export.',
  },
  R_FIELD_COUNT: {
    ja: '項目の数が{fields}個あります（{kind}の行は{expected}個）。区切りのカンマや引用符を確かめてください。',
    en: 'The line has {fields} fields ({kind} lines have {expected}). Check its commas and quotes.',
  },
  R_NUL: {
    ja: '文字でないデータが含まれています。将軍から出力し直してください。',
    en: 'The line holds binary data. Export the file again from Shogun.',
  },
  R_OUTSIDE_PERIOD: {
    ja: '指定した期間（{from}〜{to}）の外の日付です。行を消すか、この日付を含む期間を指定してください。',
    en: 'The date is outside the stated period ({from} to {to}). Remove the line or state a period that contains it.',
  },
  R_DUPLICATE_KEY: {
    ja: '{firstLine}行目と同じ伝票（伝票日付・伝票番号・明細行）です。1行にまとめてください。',
    en: 'The same slip line (date, slip number, line) as line {firstLine}. Keep one of them.',
  },
  R_INVALID_BYTE: {
    ja: '文字化けしています（{encoding}として読めない文字があります）。',
    en: 'Garbled text (a character that is not valid {encoding}).',
  },
  R_LINE_TOO_LONG: {
    ja: '行が長すぎます（改行がありません）。将軍のCSVではないようです。',
    en: 'The line is too long (no line break). This does not look like a Shogun CSV.',
  },
  R_CSV_SYNTAX: {
    ja: 'このあたりで引用符（"）の対応が崩れています。',
    en: 'The quotes (") around here do not match.',
  },
  R_TARGET_NOT_CSV: { ja: 'CSVとして読めません。', en: 'The file cannot be read as CSV.' },
  R_TARGET_HEADER: {
    ja: '見出し行は「month,target_ton」（行は 2025-04 の形）か「date,target_ton」（行は 2025-04-01 の形）にしてください。',
    en: 'The header must be “month,target_ton” (rows like 2025-04) or “date,target_ton” (rows like 2025-04-01).',
  },
  R_TARGET_KEY: {
    ja: '年月（2025-04）か日付（2025-04-01）ではないか、{min}年〜{max}年の外です。',
    en: 'Not a month (2025-04) or a date (2025-04-01) in the years {min} to {max}.',
  },
  R_TARGET_TON: {
    ja: '0以上のトン数を入れてください（例: 1234.5）。',
    en: 'Enter tons, 0 or more (e.g. 1234.5).',
  },
  R_TARGET_REPEATED: {
    ja: '{line}行目と同じ年月・日付です。1回だけにしてください。',
    en: 'The same month or date as line {line}. Give each once.',
  },
  R_TARGET_NO_ROWS: { ja: '見出し行だけで、データ行がありません。', en: 'The file has a header but no rows.' },
};

/** The CSV kinds as staff call them (a row text's `{kind}`). */
export const KIND_WORDS: Record<string, Text> = {
  receive: { ja: '受入', en: 'Receive' },
  shipment: { ja: '出荷', en: 'Shipment' },
  yard: { ja: 'ヤード', en: 'Yard' },
};

/** Numbers shown as they are: ids, line numbers, years, digit counts (not 2,019). */
export const PLAIN_PARAMS: ReadonlySet<string> = new Set([
  'duplicateOf',
  'laterUploadId',
  'line',
  'firstLine',
  'min',
  'max',
  'digits',
  'scale',
]);

const intJa = new Intl.NumberFormat('ja-JP');

/**
 * A row error's text in `lang` from its code and parameters, without the console: counts as
 * ja-JP integers, a kind as its word, an absent parameter as '—'. Undefined for an unknown code.
 * @example rowText('R_DUPLICATE_KEY', { firstLine: 6 }, 'ja') // '6行目と同じ伝票（…）です。…'
 */
export function rowText(
  code: string | null | undefined,
  params: Record<string, unknown> | null | undefined,
  lang: keyof Text,
): string | undefined {
  const text = code ? ROW_TEXTS[code] : undefined;
  if (!text) return undefined;
  return text[lang].replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (typeof v === 'number') return PLAIN_PARAMS.has(name) ? String(v) : intJa.format(v);
    if (name === 'kind' && typeof v === 'string' && KIND_WORDS[v]) return KIND_WORDS[v][lang];
    return typeof v === 'string' && v !== '' ? v : '—';
  });
}
