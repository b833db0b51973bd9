/** Shogun CSV layout: headers per kind, field formatting, output encodings. */
import iconv from 'iconv-lite';
import {
  CSV_TYPES,
  FLAVOURS as CONTRACT_FLAVOURS,
  headersOf,
  mapKinds,
  type CsvType,
  type Flavour as ContractFlavour,
} from '@warehouse/db/kinds';

// Kinds, flavours and headers come from the CSV-kind contract (src/kinds).
export type CsvKind = CsvType;
export type Flavour = ContractFlavour;
export const CSV_KINDS: readonly CsvKind[] = CSV_TYPES;
export const FLAVOURS: readonly Flavour[] = CONTRACT_FLAVOURS;

/** Exact header columns of each kind, in file order. */
export const SHOGUN_HEADERS: Readonly<Record<CsvKind, readonly string[]>> = mapKinds((kind) => headersOf(kind));

/** `utf-8-bom` = UTF-8 starting with EF BB BF; `cp932` = Shift_JIS with Microsoft extensions. */
export type DemoEncoding = 'utf-8' | 'utf-8-bom' | 'cp932';
export const DEMO_ENCODINGS: readonly DemoEncoding[] = ['utf-8', 'utf-8-bom', 'cp932'];

export const CRLF = '\r\n';
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Quote a field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function headerLine(kind: CsvKind): string {
  return SHOGUN_HEADERS[kind].map(csvField).join(',') + CRLF;
}

/** Bytes of a text chunk in an encoding (the BOM is written once, by `encodingPreamble`). */
export function encodeText(text: string, encoding: DemoEncoding): Buffer {
  return encoding === 'cp932' ? iconv.encode(text, 'cp932') : Buffer.from(text, 'utf8');
}

export function encodingPreamble(encoding: DemoEncoding): Buffer {
  return encoding === 'utf-8-bom' ? UTF8_BOM : Buffer.alloc(0);
}

/** `2024/03/01` from `2024-03-01`. */
export function slashDate(iso: string): string {
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
}

/** A number with at most `decimals` decimals, trailing zeros dropped: 1234.5, 860, 0.25. */
export function plainNumber(value: number, decimals: number): string {
  if (Number.isInteger(value)) return String(value);
  const s = value.toFixed(decimals);
  if (decimals === 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (s.charCodeAt(end - 1) === 46 /* . */) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** A weight as Shogun prints it: optionally with thousands separators (`"1,234.5"`, quoted then). */
export function weightField(kg: number, grouped: boolean): string {
  const s = plainNumber(kg, 1);
  if (!grouped || kg < 1000) return s;
  const dot = s.indexOf('.');
  const int = dot < 0 ? s : s.slice(0, dot);
  let g = '';
  for (let i = int.length; i > 0; i -= 3) g = (i > 3 ? ',' : '') + int.slice(Math.max(0, i - 3), i) + g;
  return `"${g}${dot < 0 ? '' : s.slice(dot)}"`;
}
