import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.ts';
import { errorsCsv, listErrors } from '../ingest/upload-errors.ts';
import type { AppContext } from '../context.ts';
import { Count, errorResponses } from '../schemas.ts';
import { countExistingUploads } from '@warehouse/db/uploads';

const Params = Type.Object({
  id: Type.String({ pattern: '^[0-9]{1,18}$', description: 'upload id from POST /upload/csv' }),
});

export const RowErrorSchema = Type.Object({
  line: Type.Union([Type.Integer(), Type.Null()], { description: '1-based line in the file (the header is line 1)' }),
  column: Type.Union([Type.String(), Type.Null()], {
    description: 'the column header, or null for a problem with the whole line',
  }),
  value: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String({ description: 'for operators (English); staff see `code` worded by the console' }),
  code: Type.Union([Type.String(), Type.Null()], {
    description: 'stable code of the reason (R_…), null for errors recorded before codes existed',
  }),
  params: Type.Union([Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])), Type.Null()], {
    description: "the code's parameters, e.g. { min, max } of R_DATE_RANGE",
  }),
  row: Type.Union([Type.String(), Type.Null()], { description: "the record's original text" }),
});

export const RowErrorsPage = Type.Object({ total: Type.Integer(), errors: Type.Array(RowErrorSchema) });
export type RowError = Static<typeof RowErrorSchema>;
export type RowErrorsPage = Static<typeof RowErrorsPage>;

/** 404 unless the upload exists. */
async function requireUpload(ctx: AppContext, id: string): Promise<number> {
  if (!(await countExistingUploads(ctx.pool, [id])))
    throw new HttpError(404, 'E_NOT_FOUND', `upload ${id} does not exist; list uploads with GET /uploads`);
  return Number(id);
}

/** GET /uploads/:id/errors (a page, JSON) and GET /uploads/:id/errors.csv (all, for staff to fix and re-upload). */
export function uploadErrorRoutes(parent: FastifyInstance, ctx: AppContext): void {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/uploads/:id/errors',
    {
      schema: {
        'x-role': 'viewer',
        summary: "A failed upload's row errors, in file order",
        params: Params,
        querystring: Type.Object({
          limit: Count({ minimum: 1, maximum: 10_000, default: 100 }),
          // An upload keeps at most INGEST_MAX_ERRORS row errors (default 10,000); the bound keeps the number a number.
          offset: Count({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
        }),
        response: {
          200: Type.Object({ total: Type.Integer(), errors: Type.Array(RowErrorSchema) }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const id = await requireUpload(ctx, req.params.id);
      return listErrors(ctx.pool, id, req.query.limit, req.query.offset);
    },
  );

  app.get(
    '/uploads/:id/errors.csv',
    {
      schema: {
        'x-role': 'viewer',
        summary: "A failed upload's row errors as CSV (UTF-8 with BOM, CRLF): line,column,value,reason,row",
        params: Params,
        // 200 is text/csv, streamed: no JSON response schema to serialise it with (errors are the usual JSON body).
      },
    },
    async (req, reply) => {
      const id = await requireUpload(ctx, req.params.id);
      // The first page is read before the headers go out, so a database error then still answers 503.
      const pages = errorsCsv(ctx.pool, id);
      const header = await pages.next();
      const first = await pages.next();
      async function* body() {
        yield `\uFEFF${header.value ?? ''}${first.value ?? ''}`;
        if (!first.done) yield* pages;
      }
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="upload-${id}-errors.csv"`);
      return reply.send(Readable.from(body()));
    },
  );
}
