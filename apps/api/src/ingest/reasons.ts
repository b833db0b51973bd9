/**
 * Why a row of an upload or of a targets CSV is refused: a stable code with its parameters, which
 * the console words for staff from its catalogue (apps/web/src/messages.ts, ROW_TEXTS), and the
 * English `reason` for operators, logs and errors.csv (it may name settings such as
 * INGEST_DATE_MIN).
 */

type Params = Record<string, string | number>;

const TEXTS = {
  R_REQUIRED: () => 'required value is missing',
  R_DATE_FORMAT: () => 'not a date; expected YYYY/MM/DD',
  R_DATE_MONTH: () => 'no such date (month must be 1-12)',
  R_DATE_DAY: () => 'no such date (that month has fewer days)',
  R_DATE_RANGE: (p) =>
    `slip date ${p.date} is outside the plausible range ${p.min}..${p.max}; correct the date (the range is set by INGEST_DATE_MIN / INGEST_DATE_MAX)`,
  R_NOT_INTEGER: () => 'not a whole number',
  R_INT_MIN: () => 'must be 1 or more',
  R_NOT_NUMBER: () => 'not a number',
  R_NUMBER_TOO_LARGE: (p) => `number too large (at most ${p.digits} digits before the decimal point)`,
  R_NUMBER_TOO_LARGE_ROUNDED: (p) =>
    `number too large (at most ${p.digits} digits before the decimal point once rounded to ${p.scale} decimals)`,
  R_NEGATIVE_WEIGHT: () => 'negative weight is not allowed',
  R_NEGATIVE_VALUE: () => 'negative value is not allowed',
  R_HEADER: () => 'header mismatch',
  R_FIELD_COUNT: (p) => `has ${p.fields} field(s); a ${p.kind} line has ${p.expected}`,
  R_NUL: () => 'contains a NUL character (binary data inside the CSV)',
  R_OUTSIDE_PERIOD: (p) =>
    `outside the stated period ${p.from}..${p.to}; remove the line or state a period that contains it`,
  R_DUPLICATE_KEY: (p) => `duplicate of line ${p.firstLine}`,
  R_INVALID_BYTE: (p) => `invalid ${p.encoding} byte`,
  R_LINE_TOO_LONG: () => 'line too long',
  R_CSV_SYNTAX: (p) => String(p.detail),
  R_TARGET_NOT_CSV: (p) => `not a CSV: ${p.detail}`,
  R_TARGET_HEADER: () => 'the header must be month,target_ton (rows YYYY-MM) or date,target_ton (rows YYYY-MM-DD)',
  R_TARGET_KEY: (p) => `not a month YYYY-MM or a date YYYY-MM-DD in the years ${p.min}..${p.max}`,
  R_TARGET_TON: () => 'not a number of tons ≥ 0 (e.g. 1234.5)',
  R_TARGET_REPEATED: (p) => `also on line ${p.line}; give each month or date once`,
  R_TARGET_NO_ROWS: () => 'the file has a header but no rows',
} satisfies Record<string, (p: Params) => string>;

export type RowReasonCode = keyof typeof TEXTS;

/** A row error's why: `{ code, params, reason }`, spread into the error. */
export interface RowReason {
  code: RowReasonCode;
  params: Params;
  reason: string;
}

/**
 * @example errors.push({ line, column, value, ...rowReason('R_DUPLICATE_KEY', { firstLine: 3 }) })
 */
export function rowReason(code: RowReasonCode, params: Params = {}): RowReason {
  return { code, params, reason: TEXTS[code](params) };
}
