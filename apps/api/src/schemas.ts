/**
 * TypeBox pieces the routes share: a calendar date, a month, bounded counts, nullable numbers, the
 * error body and the range cap.
 * Validation (Ajv), the OpenAPI document and fast-json-stringify all come from these.
 */
import { Type, type TSchemaOptions, type TSchema } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { isCalendarDate } from '@warehouse/db/dates';
import { HttpError } from './http-error.ts';

export { isCalendarDate };

/**
 * The years a date, month or year in a request may name: 1900..2099. Wider than the ingest's
 * plausible slip dates (INGEST_DATE_MIN, default 2000-01-01 .. one year ahead) so a configured
 * earlier minimum or a plan years ahead still reads, narrow enough that no request reaches
 * PostgreSQL with a year it refuses (0000) or asks for ten thousand years of rows.
 */
export const YEAR_MIN = 1900;
export const YEAR_MAX = 2099;
const WINDOW = `${YEAR_MIN}-01-01 .. ${YEAR_MAX}-12-31`;

const inYears = (v: string) => Number(v.slice(0, 4)) >= YEAR_MIN && Number(v.slice(0, 4)) <= YEAR_MAX;
/** The `date` format of every schema: a calendar date in the years {@link YEAR_MIN}..{@link YEAR_MAX}. */
export const isApiDate = (v: string): boolean => isCalendarDate(v) && inYears(v);
/** The `month` format: YYYY-MM in the years {@link YEAR_MIN}..{@link YEAR_MAX}. */
export const isApiMonth = (v: string): boolean => /^\d{4}-(0[1-9]|1[0-2])$/.test(v) && inYears(v);

/**
 * Why a value of the `date` or `month` format was refused (the error handler's E_BAD_DATE message),
 * naming the parameter, the value and what to pass instead.
 */
export function badDateMessage(format: 'date' | 'month', name: string, value: string): string {
  if (format === 'month' || isCalendarDate(value))
    return `${name}=${value} is outside the years ${YEAR_MIN}..${YEAR_MAX} this API answers for; pass a ${format} from ${YEAR_MIN}-01${format === 'date' ? '-01' : ''} to ${YEAR_MAX}-12${format === 'date' ? '-31' : ''}`;
  return value.startsWith('0000')
    ? `${name}=${value} has year 0000, which is no calendar year; pass a date from ${YEAR_MIN}-01-01 to ${YEAR_MAX}-12-31`
    : `${name}=${value} is not a calendar date; pass an existing date YYYY-MM-DD`;
}

/**
 * A calendar date. The pattern refuses the wrong shape (FST_ERR_VALIDATION); the `date` format,
 * replaced in app.ts by {@link isApiDate}, refuses 2025-02-30, year 0000 and years outside
 * 1900..2099, which the error handler answers as E_BAD_DATE naming the parameter and the value.
 */
export const Day = (description = `YYYY-MM-DD, a calendar date in ${WINDOW}`) =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date', description, examples: ['2025-04-01'] });
/** A month YYYY-MM in the same years as {@link Day} (format `month`, see app.ts). */
export const Month = (description = `YYYY-MM, a month in ${YEAR_MIN}-01 .. ${YEAR_MAX}-12`) =>
  Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', format: 'month', description, examples: ['2025-04'] });
/** A year in the same window as {@link Day}. */
export const Year = Type.Integer({ minimum: YEAR_MIN, maximum: YEAR_MAX, 'x-finite': true, description: 'YYYY' });

/**
 * An integer query parameter in [minimum, maximum]. `x-finite` (a keyword added in app.ts) refuses
 * what Ajv's type coercion lets through: `limit=1e309` coerces to Infinity, which passes Ajv's own
 * integer and maximum checks and reached PostgreSQL as 'Infinity' (a 500).
 */
export const Count = (opts: { minimum: number; maximum: number; default?: number; description?: string }) =>
  Type.Integer({ ...opts, 'x-finite': true });

/** Longest from..to (inclusive) of the day-ranged reads: about ten years of days. */
export const MAX_RANGE_DAYS = 3700;

/**
 * from ≤ to, and no longer than `maxDays` days (both ends included): E_BAD_RANGE, or
 * E_RANGE_TOO_LONG naming the cap. Dates are calendar dates by their schema.
 */
export function checkRange(from: string, to: string, maxDays: number = MAX_RANGE_DAYS): void {
  if (from > to) throw new HttpError(400, 'E_BAD_RANGE', `from=${from} is after to=${to}; swap them`);
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  if (days > maxDays)
    throw new HttpError(
      400,
      'E_RANGE_TOO_LONG',
      `from=${from}..to=${to} spans ${days} days, more than the ${maxDays} days one request may ask for; split it into shorter periods`,
    );
}
/** The query `from`, `to` of a read that {@link checkRange} caps at `maxDays`; `to`'s description says the cap. */
export const DayRange = (maxDays: number = MAX_RANGE_DAYS) => ({
  from: Day(),
  to: Day(
    `YYYY-MM-DD in ${WINDOW}, not before \`from\` and at most ${maxDays} days from \`from\` to \`to\` (both included); longer answers 400 E_RANGE_TOO_LONG`,
  ),
});

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/**
 * One of a contract's lists (`OneOf(CSV_TYPES)`, `OneOf(UPLOAD_STATUSES)` from `@warehouse/db/kinds`)
 * as a union of literals, so the schema never spells the values again.
 */
export const OneOf = <T extends string>(values: readonly T[], options?: TSchemaOptions) =>
  Type.Unsafe<T>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      options,
    ),
  );
export const Num = Nullable(Type.Number());

/** The body of every error answer (see the error handler in app.ts); some codes add fields. */
export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'what was wrong and how to fix it' }),
    code: Type.String({ description: 'stable code, e.g. E_BAD_DATE, FST_ERR_VALIDATION' }),
    requestId: Type.Optional(Type.String({ description: 'the id under which the server logged the request' })),
  },
  { additionalProperties: true },
);
/** Error answers a route may give, by status (for `response`). */
export const errorResponses = { '4xx': ErrorBody, 503: ErrorBody } as const;

/**
 * A typed query on the MVs. An MV that was never refreshed (55000 "has not been populated") has no
 * figures yet, so it answers no rows rather than a 500 (GET /mv shows it as not populated).
 */
export async function mvRows<R extends pg.QueryResultRow>(pool: pg.Pool, sql: string, params: unknown[]): Promise<R[]> {
  try {
    return (await pool.query<R>(sql, params)).rows;
  } catch (error) {
    if ((error as { code?: string }).code === '55000') return [];
    throw error;
  }
}

/**
 * The schema part of a route whose multipart/form-data body the handler reads as a stream: the
 * form's fields are documented for OpenAPI; the body is never parsed into `req.body` (files are
 * not buffered), so the route also takes {@link streamedBody} to keep Ajv from validating it.
 */
export const multipartSchema = <T extends TSchema>(form: T) => ({
  consumes: ['multipart/form-data'],
  body: form,
});
/** Route-level validatorCompiler for a streamed multipart route (it has no params or query to check). */
export const streamedBody = () => () => true;
