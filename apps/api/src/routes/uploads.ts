/**
 * The uploads as resources: GET /uploads, GET /uploads/:id, POST /uploads/:id/revert and
 * POST /uploads/:id/confirm. Params, query and responses are TypeBox schemas.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { enqueueRefresh, syncUploadIncidents } from '@warehouse/refresher';
import {
  confirmUpload,
  countUploads,
  getUpload,
  listUploaders,
  listUploads,
  revertUpload,
  UploadOpError,
  type UploadRow,
  type UploadWithActors,
} from '@warehouse/db/uploads';
import { HttpError } from '../http-error.ts';
import { auditRequest, requireOwnUpload } from '../auth/audit-hooks.ts';
import type { AppContext } from '../context.ts';
import { CSV_TYPES, FLAVOURS, UPLOAD_STATUS, UPLOAD_STATUSES, type CsvType, type Flavour } from '@warehouse/db/kinds';
import { Count, Day as ApiDay, errorResponses, Nullable, OneOf } from '../schemas.ts';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Time = Type.String({ format: 'date-time' });
const Status = OneOf(UPLOAD_STATUSES);
const CsvTypeQ = OneOf(CSV_TYPES);
const FlavourQ = OneOf(FLAVOURS);

export const UploadSummary = Type.Object({
  id: Type.Integer(),
  csvType: CsvTypeQ,
  flavour: Type.Union([FlavourQ, Type.Literal('')], {
    description: "'' only while the request that sent the file is still storing it",
  }),
  fileName: Type.String(),
  fileSize: Type.Number(),
  sha256: Type.String(),
  status: Status,
  encoding: Nullable(Type.String()),
  rowCount: Nullable(Type.Integer()),
  dateFrom: Nullable(Day),
  dateTo: Nullable(Day),
  rowsAdded: Nullable(Type.Integer()),
  rowsSuperseded: Nullable(Type.Integer()),
  datesTouched: Nullable(Type.Object({ first: Nullable(Day), last: Nullable(Day), count: Type.Integer() })),
  period: Nullable(Type.Object({ from: Day, to: Day })),
  heldReason: Nullable(Type.String({ description: 'for operators (English); staff see `held` worded by the console' })),
  held: Nullable(
    Type.Object(
      { code: Type.String(), params: Type.Record(Type.String(), Type.Number()) },
      { description: 'why it is held, as a code (H_SHRINK) and its parameters' },
    ),
  ),
  errorMessage: Nullable(
    Type.String({ description: 'for operators (English); staff see errorCode worded by the console' }),
  ),
  errorCode: Nullable(Type.String({ description: 'why it failed: E_ROWS_INVALID, E_DUPLICATE_FILE, …' })),
  errorParams: Nullable(Type.Record(Type.String(), Type.Unknown())),
  createdAt: Time,
  startedAt: Nullable(Time),
  finishedAt: Nullable(Time),
  confirmedAt: Nullable(Time),
  revertedAt: Nullable(Time),
  refreshOutcome: Nullable(Type.String()),
  uploader: Nullable(
    Type.Object(
      {
        id: Nullable(Type.String({ description: 'the user id (of the person, or of the API key’s owner)' })),
        name: Type.String({ description: 'the person’s name, or "<key name> (<person>)" for an API key' }),
      },
      { description: 'who uploaded it; null for uploads from before sign-in existed or with sign-in off' },
    ),
  ),
  confirmedBy: Nullable(
    Type.String({ description: 'who confirmed it when it was held (as the audit log names them)' }),
  ),
  revertedBy: Nullable(Type.String({ description: 'who undid it (as the audit log names them)' })),
});

export const UploadDetail = Type.Intersect([
  UploadSummary,
  Type.Object({
    errors: Type.Array(Type.Unknown(), { description: 'the first row errors; all of them: GET /uploads/:id/errors' }),
    refresh: Nullable(Type.Object({}, { additionalProperties: true })),
  }),
]);
export type UploadSummary = Static<typeof UploadSummary>;
export type UploadDetail = Static<typeof UploadDetail>;
export type UploadStatus = UploadSummary['status'];

/** GET /uploads's filters (see ListFilter in @warehouse/db/uploads). */
const UploadsQuery = Type.Object({
  limit: Type.Optional(Count({ minimum: 1, maximum: 1000, default: 50, description: 'rows per page' })),
  offset: Type.Optional(
    Count({ minimum: 0, maximum: 100_000_000, default: 0, description: 'rows skipped (page × limit)' }),
  ),
  status: Type.Optional(Status),
  csvType: Type.Optional(CsvTypeQ),
  flavour: Type.Optional(FlavourQ),
  by: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'who uploaded it: a user id (GET /uploaders lists them)',
    }),
  ),
  fileName: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'part of the file name, case-insensitive, literal' }),
  ),
  uploadedFrom: Type.Optional(ApiDay('first day the upload was made on, in Japan time (Asia/Tokyo)')),
  uploadedTo: Type.Optional(ApiDay('last day the upload was made on, in Japan time (Asia/Tokyo)')),
  periodFrom: Type.Optional(ApiDay("the data's period: uploads whose slip dates reach this day or later")),
  periodTo: Type.Optional(ApiDay("the data's period: uploads whose slip dates start on this day or earlier")),
});

const IdParams = Type.Object({
  id: Type.String({ pattern: '^\\d{1,15}$', description: 'upload id, from POST /upload/csv' }),
});

/**
 * After a confirm or revert: resolve the upload's open alert incident now (a held upload confirmed).
 * The operation has committed, so a failure here is logged, not answered; the watch retries it.
 */
async function alertCleared(ctx: AppContext, log: FastifyBaseLogger, uploadId: number): Promise<void> {
  try {
    await syncUploadIncidents(ctx.pool, { logger: log as Logger }, { uploadId });
  } catch (error) {
    log.error({ err: error, uploadId }, 'updating the upload alert failed; the watch will within a minute');
  }
}

/**
 * Why a held upload is held, for the console's catalogue. Only the shrink guard holds an upload,
 * and what it weighed is recorded with it: the rows it would add, those it would replace and on how
 * many dates.
 */
function heldOf(r: UploadRow): { code: string; params: Record<string, number> } | null {
  if (r.status !== UPLOAD_STATUS.held) return null;
  return {
    code: 'H_SHRINK',
    params: { rowsAdded: r.rowsAdded ?? 0, rowsSuperseded: r.rowsSuperseded ?? 0, dates: r.datesTouched ?? 0 },
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function uploadJson(r: UploadWithActors) {
  return {
    id: r.id,
    // Only POST /upload/csv writes these, after checking them against CSV_TYPES and the flavours.
    csvType: r.csvType as CsvType,
    flavour: r.flavour as Flavour | '',
    fileName: r.fileName,
    fileSize: r.fileSize,
    sha256: r.fileSha256,
    status: r.status,
    encoding: r.encoding,
    rowCount: r.rowCount,
    dateFrom: r.dateFrom,
    dateTo: r.dateTo,
    rowsAdded: r.rowsAdded,
    rowsSuperseded: r.rowsSuperseded,
    datesTouched:
      r.datesTouched === null ? null : { first: r.touchedFirst, last: r.touchedLast, count: r.datesTouched },
    period: r.periodFrom && r.periodTo ? { from: r.periodFrom, to: r.periodTo } : null,
    heldReason: r.heldReason,
    held: heldOf(r),
    errorMessage: r.errorMessage,
    errorCode: r.errorCode,
    errorParams: r.errorParams,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    confirmedAt: iso(r.confirmedAt),
    revertedAt: iso(r.revertedAt),
    refreshOutcome: r.refreshOutcome,
    uploader: r.uploadedByName === null ? null : { id: r.uploadedBy, name: r.uploadedByName },
    confirmedBy: r.confirmedByName,
    revertedBy: r.revertedByName,
  };
}

/** A refused revert/confirm as the API's HTTP error (same body shape as every other error). */
function httpOf(error: unknown): unknown {
  return error instanceof UploadOpError
    ? new HttpError(error.statusCode, error.code, error.message, error.details)
    : error;
}

export function uploadsRoutes(root: FastifyInstance, ctx: AppContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/uploads/:id',
    {
      schema: {
        'x-role': 'viewer',
        summary:
          'One upload: status, what it did (rows added/superseded, dates touched), its first errors and its MV refresh',
        params: IdParams,
        response: {
          200: UploadDetail,
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const r = await getUpload(ctx.pool, Number(req.params.id), { withErrors: true, withActors: true });
      if (!r)
        throw new HttpError(
          404,
          'E_NOT_FOUND',
          `upload ${req.params.id} does not exist; list uploads with GET /uploads`,
        );
      let refresh = null;
      if (r.refreshRunId != null) {
        const run = await ctx.pool.query<{
          run_id: string;
          started_at: Date;
          finished_at: Date | null;
          mvs: unknown[];
        }>(
          `SELECT run_id, min(started_at) AS started_at, max(finished_at) AS finished_at,
                  json_agg(json_build_object('mv', mv_name, 'outcome', outcome, 'mode', mode, 'durationMs', duration_ms, 'error', error) ORDER BY id) AS mvs
             FROM log.mv_refresh_log WHERE run_id = (SELECT run_id FROM log.mv_refresh_log WHERE id = $1) GROUP BY run_id`,
          [r.refreshRunId],
        );
        const x = run.rows[0];
        if (x)
          refresh = {
            runId: x.run_id,
            outcome: r.refreshOutcome,
            startedAt: x.started_at,
            finishedAt: x.finished_at,
            mvs: x.mvs,
          };
      }
      return { ...uploadJson(r), errors: r.errors ?? [], refresh };
    },
  );

  app.get(
    '/uploads',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Uploads, newest first, a page at a time, with how many match the filters',
        querystring: UploadsQuery,
        response: {
          200: Type.Object({
            uploads: Type.Array(UploadSummary),
            total: Type.Integer({ description: 'uploads matching the filters, all pages' }),
            offset: Type.Integer(),
            limit: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { limit = 50, offset = 0, ...q } = req.query;
      for (const [a, b] of [
        ['uploadedFrom', 'uploadedTo'],
        ['periodFrom', 'periodTo'],
      ] as const) {
        const [from, to] = [q[a], q[b]];
        if (from && to && from > to)
          throw new HttpError(400, 'E_BAD_RANGE', `${a}=${from} is after ${b}=${to}; swap them`);
      }
      const [rows, total] = await Promise.all([
        listUploads(ctx.pool, { ...q, limit, offset }),
        countUploads(ctx.pool, q),
      ]);
      return { uploads: rows.map(uploadJson), total, offset, limit };
    },
  );

  app.get(
    '/uploaders',
    {
      schema: {
        'x-role': 'viewer',
        summary: 'Who has uploaded something (for GET /uploads?by=): user id and name, by name',
        tags: ['uploads'],
        response: {
          200: Type.Object({ uploaders: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) }),
          ...errorResponses,
        },
      },
    },
    async () => ({ uploaders: await listUploaders(ctx.pool) }),
  );

  app.post(
    '/uploads/:id/revert',
    {
      schema: {
        'x-role': 'staff',
        summary: 'Undo a successful upload: withdraw its rows, restore exactly what it superseded, refresh the MVs',
        params: IdParams,
        response: {
          200: Type.Object({
            id: Type.Integer(),
            status: Type.Literal(UPLOAD_STATUS.reverted),
            rowsWithdrawn: Type.Integer(),
            rowsRestored: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const client = await ctx.pool.connect();
      try {
        const id = Number(req.params.id);
        await requireOwnUpload(client, req, id, 'undo');
        const result = await revertUpload(client, id, {
          enqueueRefresh: (c, r) => enqueueRefresh(c, r),
          onDone: (c, r) =>
            auditRequest(c, req, { action: 'upload.reverted', objectType: 'upload', objectId: id, after: r }),
        });
        req.log.info({ ...result }, 'upload reverted');
        await alertCleared(ctx, req.log, result.id);
        return result;
      } catch (error) {
        throw httpOf(error);
      } finally {
        client.release();
      }
    },
  );

  app.post(
    '/uploads/:id/confirm',
    {
      schema: {
        'x-role': 'staff',
        summary: 'Let a held upload land after all (it is queued again and never held again)',
        params: IdParams,
        response: {
          202: Type.Object({ id: Type.Integer(), status: Type.Literal(UPLOAD_STATUS.pending) }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const client = await ctx.pool.connect();
      try {
        const id = Number(req.params.id);
        await requireOwnUpload(client, req, id, 'confirm');
        const result = await confirmUpload(client, id, {
          maxAttempts: ctx.config.ingestMaxAttempts,
          onDone: (c) => auditRequest(c, req, { action: 'upload.confirmed', objectType: 'upload', objectId: id }),
        });
        req.log.info({ ...result }, 'held upload confirmed');
        await alertCleared(ctx, req.log, result.id);
        reply.code(202);
        return result;
      } catch (error) {
        throw httpOf(error);
      } finally {
        client.release();
      }
    },
  );
}
