/**
 * Row checks done while the file streams by (cheaper than another scan in SQL): the typed insert
 * into stg (sql.ts) only ever sees values that passed these, so its casts cannot fail.
 */
import type { ColumnSpec } from './kinds.ts';
import type { RowError } from './errors.ts';

const TRIM = /^[ \t\u3000]+|[ \t\u3000]+$/g;
const DATE = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;
const INT = /^\d{1,9}$/;

const SPACE = (c: number) => c === 32 || c === 9 || c === 0x3000;
/** Trim ASCII spaces, tabs and the ideographic space (U+3000), as the SQL side does. */
export const trimValue = (v: string) => (v.length && (SPACE(v.charCodeAt(0)) || SPACE(v.charCodeAt(v.length - 1))) ? v.replace(TRIM, '') : v);

/** yyyymmdd of a valid date, or a reason. */
export function checkDate(v: string): number | string {
  const m = DATE.exec(v);
  if (!m) return 'not a date; expected YYYY/MM/DD';
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12) return 'no such date (month must be 1-12)';
  if (d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return 'no such date (that month has fewer days)';
  return y * 10000 + mo * 100 + d;
}

function checkNumber(c: ColumnSpec, v: string): string | undefined {
  const n = v.includes(',') ? v.replace(/,/g, '') : v;
  if (!NUMBER.test(n)) return 'not a number';
  const intDigits = (c.precision ?? 14) - (c.scale ?? 0);
  const digits = n.replace(/^[-+]/, '').split('.')[0]!.replace(/^0+/, '').length;
  if (digits > intDigits) return `number too large (at most ${intDigits} digits before the decimal point)`;
  if (c.nonNegative && n.startsWith('-') && Number(n) !== 0) return `negative ${c.column === 'net_weight_kg' ? 'weight' : 'value'} is not allowed`;
  return undefined;
}

/**
 * Check one row; push its problems to `errors` (up to `max`). Returns the row's date as yyyymmdd
 * when the row is valid, else undefined.
 */
export function checkRow(spec: ColumnSpec[], fields: string[], line: number, errors: RowError[], max: number): number | undefined {
  let date: number | undefined;
  let ok = true;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    const raw = fields[i]!;
    const v = trimValue(raw);
    let reason: string | undefined;
    if (v === '') {
      if (c.required) reason = 'required value is missing';
    } else if (c.type === 'date') {
      const d = checkDate(v);
      if (typeof d === 'string') reason = d;
      else date = d;
    } else if (c.type === 'int') {
      if (!INT.test(v)) reason = 'not a whole number';
      else if (Number(v) < 1) reason = 'must be 1 or more';
    } else if (c.type === 'numeric') {
      reason = checkNumber(c, v);
    }
    if (reason) {
      ok = false;
      if (errors.length < max) errors.push({ line, column: c.header, value: raw, reason });
    }
  }
  return ok ? date : undefined;
}
