/**
 * Row checks done while the file streams by (cheaper than another scan in SQL): the typed rows
 * COPYed into stg (binary.ts) only ever hold values that passed these, so the COPY cannot fail on
 * a value.
 */
import { decimalParts } from './binary.ts';
import type { ColumnSpec } from './kinds.ts';
import type { RowError } from './errors.ts';
import { daysInMonth } from '@warehouse/db/dates';

const TRIM = /^[ \t\u3000]+|[ \t\u3000]+$/g;
const DATE = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/;
const INT = /^\d{1,9}$/;

const SPACE = (c: number) => c === 32 || c === 9 || c === 0x3000;
/** Trim ASCII spaces, tabs and the ideographic space (U+3000), as the SQL side does. */
export const trimValue = (v: string) =>
  v.length && (SPACE(v.charCodeAt(0)) || SPACE(v.charCodeAt(v.length - 1))) ? v.replace(TRIM, '') : v;

let lastDate = '';
let lastDateResult: number | string = '';

/** yyyymmdd of a valid date, or a reason. Files are sorted by date: the last answer is cached. */
export function checkDate(v: string): number | string {
  if (v === lastDate) return lastDateResult;
  lastDateResult = checkDateUncached(v);
  lastDate = v;
  return lastDateResult;
}

function checkDateUncached(v: string): number | string {
  const m = DATE.exec(v);
  if (!m) return 'not a date; expected YYYY/MM/DD';
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12) return 'no such date (month must be 1-12)';
  if (d < 1 || d > daysInMonth(y, mo)) return 'no such date (that month has fewer days)';
  return y * 10000 + mo * 100 + d;
}

/** The plausible slip dates, inclusive, as yyyymmdd (see config.ts: INGEST_DATE_MIN / INGEST_DATE_MAX). */
export interface DateWindow {
  min: number;
  max: number;
}

/** yyyymmdd → YYYY-MM-DD. */
export const ymdText = (n: number) =>
  `${String(Math.floor(n / 10000)).padStart(4, '0')}-${String(Math.floor(n / 100) % 100).padStart(2, '0')}-${String(n % 100).padStart(2, '0')}`;

function windowReason(d: number, w: DateWindow): string | undefined {
  if (d >= w.min && d <= w.max) return undefined;
  return `slip date ${ymdText(d)} is outside the plausible range ${ymdText(w.min)}..${ymdText(w.max)}; correct the date (the range is set by INGEST_DATE_MIN / INGEST_DATE_MAX)`;
}

/**
 * One pass over a number: digits with optional `,` before an optional fraction, optional sign.
 * Returns the reason it is invalid, or undefined.
 */
function checkNumber(c: ColumnSpec, v: string): string | undefined {
  let i = 0;
  const n = v.length;
  const sign = v.charCodeAt(0);
  const negative = sign === 45;
  if (negative || sign === 43) i++;
  let intDigits = 0;
  let seenDigit = false;
  let nonZero = false;
  let fraction = false;
  let fracDigits = 0;
  for (; i < n; i++) {
    const ch = v.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      seenDigit = true;
      if (!fraction && (nonZero || ch !== 48)) {
        nonZero = true;
        intDigits++;
      } else if (fraction) {
        fracDigits++;
        if (ch !== 48) nonZero = true;
      }
    } else if (ch === 44 && !fraction) {
      continue;
    } else if (ch === 46 && !fraction) {
      fraction = true;
    } else return 'not a number';
  }
  if (!seenDigit) return 'not a number';
  const max = (c.precision ?? 14) - (c.scale ?? 0);
  if (intDigits > max) return `number too large (at most ${max} digits before the decimal point)`;
  // Rounding to the column's scale can carry into one more digit (99.9995 → 100.000).
  if (intDigits === max && fracDigits > (c.scale ?? 0) && decimalParts(v, c.scale ?? 0).int.length > max) {
    return `number too large (at most ${max} digits before the decimal point once rounded to ${c.scale ?? 0} decimals)`;
  }
  if (c.nonNegative && negative && nonZero)
    return `negative ${c.column === 'net_weight_kg' ? 'weight' : 'value'} is not allowed`;
  return undefined;
}

/** Longest original row text kept with an error (a runaway quoted field can make a record huge). */
export const MAX_ROW_TEXT = 8192;
/** The original text of a record, as kept with its errors. */
export const rowText = (text: string) => (text.length > MAX_ROW_TEXT ? `${text.slice(0, MAX_ROW_TEXT)}…` : text);

/** A checked row's stg values: null, yyyymmdd for dates, numbers for ints, trimmed text otherwise. */
export type TypedValue = string | number | null;

/** Optional parts of a row check. */
export interface CheckRowOptions {
  /** Slip dates outside it are row errors. */
  window?: DateWindow;
  /** The record's original text, copied into each of its errors (for errors.csv). */
  text?: string;
}

/**
 * Check one row (and, given `out`, put its typed stg values there); push its problems to
 * `errors` (up to `max`). Returns the row's date as yyyymmdd when the row is valid, else undefined.
 */
export function checkRow(
  spec: ColumnSpec[],
  fields: string[],
  line: number,
  errors: RowError[],
  max: number,
  out?: TypedValue[],
  opts?: CheckRowOptions,
): number | undefined {
  let date: number | undefined;
  let ok = true;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    const raw = fields[i]!;
    const v = trimValue(raw);
    let reason: string | undefined;
    let typed: TypedValue = v;
    if (v === '') {
      if (c.required) reason = 'required value is missing';
      typed = null;
    } else if (c.type === 'date') {
      const d = checkDate(v);
      if (typeof d === 'string') reason = d;
      else if (opts?.window && (reason = windowReason(d, opts.window))) typed = null;
      else typed = date = d;
    } else if (c.type === 'int') {
      if (!INT.test(v)) reason = 'not a whole number';
      else if ((typed = Number(v)) < 1) reason = 'must be 1 or more';
    } else if (c.type === 'numeric') {
      reason = checkNumber(c, v);
    }
    if (out) out[i] = typed;
    if (reason) {
      ok = false;
      if (errors.length < max)
        errors.push({
          line,
          column: c.header,
          value: raw,
          reason,
          row: opts?.text === undefined ? null : rowText(opts.text),
        });
    }
  }
  return ok ? date : undefined;
}
