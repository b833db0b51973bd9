/**
 * TypeBox pieces the routes share: a calendar date, a month, nullable numbers and the error body.
 * Validation (Ajv), the OpenAPI document and fast-json-stringify all come from these.
 */
import { Type, type TSchema } from '@fastify/type-provider-typebox';
import type pg from 'pg';

/** True for an existing calendar date YYYY-MM-DD from 0001-01-01 on (year 0000 is no year to PostgreSQL). */
export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
}

/**
 * A calendar date. The pattern refuses the wrong shape (FST_ERR_VALIDATION); the `date` format,
 * replaced in app.ts by {@link isCalendarDate}, refuses 2025-02-30 and year 0000, which the error
 * handler answers as E_BAD_DATE naming the parameter and the value.
 */
export const Day = (description = 'YYYY-MM-DD') =>
  Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date', description, examples: ['2025-04-01'] });
export const Month = Type.String({
  pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
  description: 'YYYY-MM',
  examples: ['2025-04'],
});
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
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
