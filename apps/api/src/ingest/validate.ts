/**
 * Row checks done while the file streams by (cheaper than another scan in SQL): the typed rows
 * COPYed into stg (binary.ts) only ever hold values that passed these, so the COPY cannot fail on
 * a value.
 */
import { decimalParts } from './binary.ts';
import type { ColumnSpec } from './kinds.ts';
import type { RowError } from './errors.ts';
import { daysInMonth } from '@warehouse/db/dates';
import { rowReason, type RowReason } from './reasons.ts';

const TRIM = /^[ \t\u3000]+|[ \t\u3000]+$/g;
const DATE = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/;
const INT = /^\d{1,9}$/;

const SPACE = (c: number) => c === 32 || c === 9 || c === 0x3000;
/** Trim ASCII spaces, tabs and the ideographic space (U+3000), as the SQL side does. */
export const trimValue = (v: string) =>
  v.length && (SPACE(v.charCodeAt(0)) || SPACE(v.charCodeAt(v.length - 1))) ? v.replace(TRIM, '') : v;

let lastDate = '';
let lastDateResult: number | RowReason = 0;

/** yyyymmdd of a valid date, or why not. Files are sorted by date: the last answer is cached. */
export function checkDate(v: string): number | RowReason {
  if (v === lastDate) return lastDateResult;
  lastDateResult = checkDateUncached(v);
  lastDate = v;
  return lastDateResult;
}

const NOT_A_DATE = rowReason('R_DATE_FORMAT');
const NO_SUCH_MONTH = rowReason('R_DATE_MONTH');
const NO_SUCH_DAY = rowReason('R_DATE_DAY');

function checkDateUncached(v: string): number | RowReason {
  const m = DATE.exec(v);
  if (!m) return NOT_A_DATE;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12) return NO_SUCH_MONTH;
  if (d < 1 || d > daysInMonth(y, mo)) return NO_SUCH_DAY;
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

function windowReason(d: number, w: DateWindow): RowReason | undefined {
  if (d >= w.min && d <= w.max) return undefined;
  return rowReason('R_DATE_RANGE', { date: ymdText(d), min: ymdText(w.min), max: ymdText(w.max) });
}

/**
 * One pass over a number: digits with optional `,` before an optional fraction, optional sign.
 * Returns the reason it is invalid, or undefined.
 */
function checkNumber(c: ColumnSpec, v: string): RowReason | undefined {
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
    } else return rowReason('R_NOT_NUMBER');
  }
  if (!seenDigit) return rowReason('R_NOT_NUMBER');
  const max = (c.precision ?? 14) - (c.scale ?? 0);
  if (intDigits > max) return rowReason('R_NUMBER_TOO_LARGE', { digits: max });
  // Rounding to the column's scale can carry into one more digit (99.9995 → 100.000).
  if (intDigits === max && fracDigits > (c.scale ?? 0) && decimalParts(v, c.scale ?? 0).int.length > max) {
    return rowReason('R_NUMBER_TOO_LARGE_ROUNDED', { digits: max, scale: c.scale ?? 0 });
  }
  if (c.nonNegative && negative && nonZero)
    return rowReason(c.column === 'net_weight_kg' ? 'R_NEGATIVE_WEIGHT' : 'R_NEGATIVE_VALUE');
  return undefined;
}

/** Longest original row text kept with an error (a runaway quoted field can make a record huge). */
export const MAX_ROW_TEXT = 8192;
/** The original text of a record, as kept with its errors. */
export const rowText = (text: string) => (text.length > MAX_ROW_TEXT ? `${text.slice(0, MAX_ROW_TEXT)}…` : text);

const REQUIRED = rowReason('R_REQUIRED');
const NOT_INTEGER = rowReason('R_NOT_INTEGER');
const INT_MIN = rowReason('R_INT_MIN');

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
    let reason: RowReason | undefined;
    let typed: TypedValue = v;
    if (v === '') {
      if (c.required) reason = REQUIRED;
      typed = null;
    } else if (c.type === 'date') {
      const d = checkDate(v);
      if (typeof d !== 'number') reason = d;
      else if (opts?.window && (reason = windowReason(d, opts.window))) typed = null;
      else typed = date = d;
    } else if (c.type === 'int') {
      if (!INT.test(v)) reason = NOT_INTEGER;
      else if ((typed = Number(v)) < 1) reason = INT_MIN;
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
          ...reason,
          row: opts?.text === undefined ? null : rowText(opts.text),
        });
    }
  }
  return ok ? date : undefined;
}
