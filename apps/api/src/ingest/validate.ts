/**
 * Row checks done while the file streams by (cheaper than another scan in SQL): the typed insert
 * into stg (sql.ts) only ever sees values that passed these, so its casts cannot fail.
 */
import type { ColumnSpec } from './kinds.ts';
import type { RowError } from './errors.ts';

const TRIM = /^[ \t\u3000]+|[ \t\u3000]+$/g;
const DATE = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/;
const INT = /^\d{1,9}$/;

const SPACE = (c: number) => c === 32 || c === 9 || c === 0x3000;
/** Trim ASCII spaces, tabs and the ideographic space (U+3000), as the SQL side does. */
export const trimValue = (v: string) => (v.length && (SPACE(v.charCodeAt(0)) || SPACE(v.charCodeAt(v.length - 1))) ? v.replace(TRIM, '') : v);

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
  if (d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return 'no such date (that month has fewer days)';
  return y * 10000 + mo * 100 + d;
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
  for (; i < n; i++) {
    const ch = v.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      seenDigit = true;
      if (!fraction && (nonZero || ch !== 48)) {
        nonZero = true;
        intDigits++;
      } else if (fraction && ch !== 48) nonZero = true;
    } else if (ch === 44 && !fraction) {
      continue;
    } else if (ch === 46 && !fraction) {
      fraction = true;
    } else return 'not a number';
  }
  if (!seenDigit) return 'not a number';
  const max = (c.precision ?? 14) - (c.scale ?? 0);
  if (intDigits > max) return `number too large (at most ${max} digits before the decimal point)`;
  if (c.nonNegative && negative && nonZero) return `negative ${c.column === 'net_weight_kg' ? 'weight' : 'value'} is not allowed`;
  return undefined;
}

/** Escape a value for COPY's text format. */
export function copyEscape(v: string): string {
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
}

/**
 * Check one row (and, given `out`, put its stg values in COPY text form there); push its problems to `errors` (up to `max`). Returns the row's date as yyyymmdd
 * when the row is valid, else undefined.
 */
export function checkRow(spec: ColumnSpec[], fields: string[], line: number, errors: RowError[], max: number, out?: string[]): number | undefined {
  let date: number | undefined;
  let ok = true;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    const raw = fields[i]!;
    const v = trimValue(raw);
    let reason: string | undefined;
    let typed = v;
    if (v === '') {
      if (c.required) reason = 'required value is missing';
      typed = '\\N';
    } else if (c.type === 'date') {
      const d = checkDate(v);
      if (typeof d === 'string') reason = d;
      else {
        date = d;
        typed = `${String(Math.floor(d / 10000)).padStart(4, "0")}-${Math.floor(d / 100) % 100}-${d % 100}`;
      }
    } else if (c.type === 'int') {
      if (!INT.test(v)) reason = 'not a whole number';
      else if (Number(v) < 1) reason = 'must be 1 or more';
    } else if (c.type === 'numeric') {
      reason = checkNumber(c, v);
      if (v.includes(',')) typed = v.replace(/,/g, '');
    } else if (out) {
      typed = copyEscape(v);
    }
    if (out) out[i] = typed;
    if (reason) {
      ok = false;
      if (errors.length < max) errors.push({ line, column: c.header, value: raw, reason });
    }
  }
  return ok ? date : undefined;
}
