import { KINDS, CSV_TYPES, type CsvType } from '@warehouse/api/kinds';
import { FLAVOUR, type Flavour } from '@warehouse/db/kinds';

/**
 * Decode the first bytes of a Shogun export: UTF-8 when valid (BOM stripped), else CP932
 * (Shift_JIS as the browser's TextDecoder knows it).
 */
export function decodeHead(bytes: Uint8Array): string {
  try {
    // stream: a multi-byte character cut at the end of the slice is held back, not an error.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true }).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('shift_jis').decode(bytes);
  }
}

/** The kind whose header row is exactly the file's first line, or undefined. */
export function detectKind(text: string): CsvType | undefined {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const cells = first.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  return CSV_TYPES.find((k) => {
    const want = KINDS[k].columns.map((c) => c.header);
    return want.length === cells.length && want.every((h, i) => h === cells[i]);
  });
}

/** Read a File's first 64 KiB and detect its kind. */
export async function detectFileKind(file: Blob): Promise<CsvType | undefined> {
  const head = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
  return detectKind(decodeHead(head));
}

/** The distinct months (YYYY-MM) of a file's slip dates: the first column of each line after the header. */
export function slipMonths(text: string): string[] {
  const months = new Set<string>();
  for (const m of text.matchAll(/\n"?(\d{4})\/(\d{1,2})\/\d{1,2}/g)) months.add(`${m[1]}-${m[2]!.padStart(2, '0')}`);
  return [...months].sort();
}

/**
 * The months of a file's slip dates. A file up to 32 MiB is read whole; a larger one by its first
 * and last 4 MiB (Shogun exports run in date order, so its first and last months are there).
 */
export async function fileMonths(file: Blob): Promise<string[]> {
  const WHOLE = 32 * 2 ** 20;
  const PART = 4 * 2 ** 20;
  const parts = file.size <= WHOLE ? [file] : [file.slice(0, PART), file.slice(file.size - PART)];
  const months = new Set<string>();
  for (const part of parts) {
    // decodeHead's fallback decodes CP932; a tail cut inside a line only loses that line.
    for (const m of slipMonths(decodeHead(new Uint8Array(await part.arrayBuffer())))) months.add(m);
  }
  return [...months].sort();
}

/** The month running now in Japan (the office's calendar), YYYY-MM. */
export const runningMonth = (now = new Date()) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit' }).format(now);

/**
 * Whether a file's dates suit the chosen flavour. A month is closed once it has ended: its 確定
 * (final) export follows then, while 速報 (flash) is the same-day file of the running month. So a
 * flash file whose dates all lie in closed months, or a final file with dates in the running month
 * (or later), is probably the other flavour: the page warns before it is sent (it does not refuse).
 */
export function flavourMismatch(
  flavour: Flavour,
  months: readonly string[],
  running: string,
): 'flashClosedMonth' | 'finalRunningMonth' | undefined {
  if (!months.length) return undefined;
  if (flavour === FLAVOUR.flash && months.every((m) => m < running)) return 'flashClosedMonth';
  if (flavour === FLAVOUR.final && months.some((m) => m >= running)) return 'finalRunningMonth';
  return undefined;
}
