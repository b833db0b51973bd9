import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.ts';
import { auditRequest } from '../auth/audit-hooks.ts';
import { actorOf } from '../auth/principal.ts';
import { binaryProblem } from '../ingest/decode.ts';
import { isCsvType, isFlavour, CSV_TYPES, type CsvType, type Flavour } from '../ingest/kinds.ts';
import { FLAVOURS, UPLOAD_STATUS } from '@warehouse/db/kinds';
import type { AppContext } from '../context.ts';
import { bytesPerWindow, watchBody, type BodyRateLimits } from '../body-watch.ts';
import { ClientSlots } from '../client-slots.ts';
import { fileChunks, spoolFile } from '../ingest/spool.ts';
import {
  Day,
  errorResponses,
  isApiDate,
  multipartSchema,
  Nullable,
  OneOf,
  streamedBody,
  YEAR_MAX,
  YEAR_MIN,
} from '../schemas.ts';
import { withTransaction } from '@warehouse/db';
import {
  addIngestJob,
  holdAcceptLock,
  finishAccept,
  findLandedDuplicate,
  insertUpload,
  setStored,
  setUploader,
} from '@warehouse/db/uploads';

/** The form field period=YYYY-MM-DD..YYYY-MM-DD, or why it is refused. */
export function parsePeriod(raw: string): { from: string; to: string } {
  const m = /^\s*(\S+?)\s*\.\.\s*(\S+?)\s*$/.exec(raw);
  const from = m && isApiDate(m[1]!) ? m[1]! : undefined;
  const to = m && isApiDate(m[2]!) ? m[2]! : undefined;
  if (!from || !to) {
    throw new HttpError(
      400,
      'E_PERIOD',
      `period=${JSON.stringify(raw.slice(0, 60))} is not FROM..TO of two calendar dates in ${YEAR_MIN}..${YEAR_MAX}; send e.g. period=2025-04-01..2025-04-30 (every date in it is replaced), or leave it out to replace only the dates in the file`,
    );
  }
  if (from > to)
    throw new HttpError(400, 'E_PERIOD', `period=${raw.trim()} ends before it starts; send period=${to}..${from}`);
  return { from, to };
}

/** busboy's errors for a body that is not well-formed multipart (no boundary, cut short, bad part header). */
function multipartProblem(error: unknown): string | undefined {
  const msg = error instanceof Error ? error.message : '';
  if (/boundary not found/i.test(msg))
    return 'the Content-Type multipart/form-data has no boundary=…; let the HTTP client build the multipart body (curl -F …)';
  if (
    /unexpected end of (form|multipart)/i.test(msg) ||
    (error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE'
  )
    return 'the multipart body ends before its closing boundary (truncated upload?); send the request again';
  if (/malformed (part|header)/i.test(msg))
    return `the multipart body is malformed (${msg}); let the HTTP client build it (curl -F …)`;
  return undefined;
}

interface Accepted {
  id: number;
  csvType: CsvType;
  fileName: string;
  sha256: string;
  size: number;
}

/** A client-supplied file name, or why it is refused. */
function checkFileName(kind: string, name: string | undefined): string {
  if (!name)
    throw new HttpError(
      400,
      'E_FILE_NAME',
      `file field ${kind} has no file name; send it as a file (curl -F ${kind}=@file.csv)`,
    );
  if (
    name.includes('/') ||
    name.includes('\\') ||
    name.includes('\0') ||
    name.split(/[/\\]/).includes('..') ||
    path.basename(name) !== name
  ) {
    throw new HttpError(
      400,
      'E_FILE_NAME',
      `file name ${JSON.stringify(name)} of field ${kind} contains a path; send the bare file name (e.g. receive.csv)`,
    );
  }
  if (!/\.csv$/i.test(name)) {
    throw new HttpError(
      415,
      'E_NOT_CSV',
      `file ${JSON.stringify(name)} of field ${kind} does not end in .csv; upload the Shogun CSV export`,
    );
  }
  return name;
}

/** A file of the request, spooled whole before the database is touched. */
interface Spooled {
  csvType: CsvType;
  fileName: string;
  path: string;
  size: number;
  sha256: string;
}

/** What the form said, filled in as its parts arrive. */
interface Form {
  files: Spooled[];
  flavour: Flavour | undefined;
  period: { from: string; to: string } | null;
  /** The kind of the file part being read (for the rejected-files metric). */
  current: CsvType | undefined;
}

/**
 * Read the whole multipart body: fields are checked, files are written to `dir` (no database
 * connection, no lock). Refusals are thrown as soon as the part that causes them is read.
 */
async function readForm(req: FastifyRequest, dir: string, form: Form, signal: AbortSignal): Promise<void> {
  const seenFields = new Set<string>();
  for await (const part of req.parts()) {
    signal.throwIfAborted();
    if (part.type === 'field') {
      if (part.fieldname === 'flavour' || part.fieldname === 'period') {
        if (seenFields.has(part.fieldname))
          throw new HttpError(400, 'E_FIELD', `the field ${part.fieldname} was sent twice; send it once`);
        seenFields.add(part.fieldname);
      }
      if (part.fieldname === 'period') form.period = parsePeriod(String(part.value));
      if (part.fieldname === 'flavour') {
        const v = String(part.value).trim();
        if (!isFlavour(v))
          throw new HttpError(
            400,
            'E_FLAVOUR',
            `flavour=${JSON.stringify(v)} is not flash or final; send flavour=flash (速報) or flavour=final (確定)`,
          );
        form.flavour = v;
      }
      continue;
    }
    const kind = part.fieldname;
    form.current = isCsvType(kind) ? kind : undefined;
    let fileName: string;
    try {
      if (!isCsvType(kind)) {
        throw new HttpError(
          400,
          'E_FIELD',
          `file field ${JSON.stringify(kind)} is not a CSV kind; use ${CSV_TYPES.join(', ')}`,
        );
      }
      if (form.files.some((a) => a.csvType === kind))
        throw new HttpError(400, 'E_FIELD', `file field ${kind} was sent twice; send one file per kind`);
      fileName = checkFileName(kind, part.filename);
    } catch (error) {
      part.file.resume(); // not read: discard its bytes
      throw error;
    }
    const file = path.join(dir, `${form.files.length}.csv`);
    const { size, sha256 } = await spoolFile(
      part.file,
      file,
      (head) => {
        const why = binaryProblem(head);
        if (why) throw new HttpError(415, 'E_NOT_TEXT', `file ${JSON.stringify(fileName)} (${kind}): ${why}`);
      },
      signal,
    );
    if (size === 0)
      throw new HttpError(
        400,
        'E_EMPTY_FILE',
        `file ${JSON.stringify(fileName)} (${kind}) is empty; upload the CSV export with its header and rows`,
      );
    form.files.push({ csvType: kind, fileName, path: file, size, sha256 });
    form.current = undefined;
  }
}

/** Copy a spooled file into log.upload_blob under a new upload row (inside the caller's transaction). */
async function storeFile(client: pg.PoolClient, ctx: AppContext, f: Spooled): Promise<Accepted> {
  // Ingest jobs of this kind wait for this request before picking uploads in id order: held for
  // the copy from the local file only, never while the body is arriving.
  await holdAcceptLock(client, f.csvType);
  const id = await insertUpload(client, f.csvType, f.fileName);
  let chunkNo = 0;
  // One chunk INSERT in flight while the next chunk is read from the file.
  let inflight: Promise<unknown> | undefined;
  for await (const data of fileChunks(f.path, ctx.config.blobChunkBytes)) {
    if (inflight) await inflight;
    inflight = client.query('INSERT INTO log.upload_blob (upload_file_id, chunk_no, data) VALUES ($1, $2, $3)', [
      id,
      chunkNo++,
      data,
    ]);
    inflight.catch(() => {}); // awaited by the next chunk or below; the transaction fails either way
  }
  if (inflight) await inflight;
  await setStored(client, id, f.sha256, f.size);
  return { id, csvType: f.csvType, fileName: f.fileName, sha256: f.sha256, size: f.size };
}

/** Store every spooled file, refuse duplicates and queue the ingest jobs, in one transaction. */
async function storeForm(
  ctx: AppContext,
  req: FastifyRequest,
  files: Spooled[],
  flavour: Flavour,
  period: Form['period'],
) {
  const client = await ctx.pool.connect();
  try {
    return await withTransaction(client, async () => {
      const accepted: Accepted[] = [];
      for (const f of files) accepted.push(await storeFile(client, ctx, f));
      for (const a of accepted) {
        const d = await findLandedDuplicate(client, a.csvType, flavour, a.sha256);
        if (d) {
          throw new HttpError(
            409,
            'E_DUPLICATE',
            `${a.fileName} (${flavour} ${a.csvType}) has the same bytes as upload ${d.id} (${d.fileName}), which already landed; nothing to do (revert it first to load it again)`,
            { duplicateOf: d.id, csvType: a.csvType },
          );
        }
        await finishAccept(client, a.id, flavour, period);
        // One queue per kind+flavour: its uploads land one at a time, in the order they were accepted.
        await addIngestJob(client, a.id, a.csvType, flavour, ctx.config.ingestMaxAttempts);
        await auditRequest(client, req, {
          action: 'upload.accepted',
          objectType: 'upload',
          objectId: a.id,
          after: { csvType: a.csvType, flavour, fileName: a.fileName, size: a.size, sha256: a.sha256, period },
        });
        // The history's copy of who (the event above is the record); nobody with sign-in off.
        if (req.principal) await setUploader(client, a.id, actorOf(req.principal));
      }
      return accepted;
    });
  } finally {
    client.release();
  }
}

const CsvFile = (kind: CsvType) =>
  Type.Optional(
    Type.String({
      format: 'binary',
      description: `a ${kind} CSV export of Shogun (UTF-8 or CP932, Japanese header row), file name *.csv`,
    }),
  );

/** The multipart form of POST /upload/csv, for the OpenAPI document (the handler reads it as a stream). */
export const UploadForm = Type.Object({
  ...(Object.fromEntries(CSV_TYPES.map((k) => [k, CsvFile(k)])) as Record<CsvType, ReturnType<typeof CsvFile>>),
  flavour: OneOf(FLAVOURS, { description: 'flash (速報) or final (確定)' }),
  period: Type.Optional(
    Type.String({
      description:
        'FROM..TO (e.g. 2025-04-01..2025-04-30): every date in it is replaced; without it only the dates in the file are',
    }),
  ),
});

export const UploadAccepted = Type.Object({
  id: Type.Integer(),
  csvType: Type.Unsafe<CsvType>({ type: 'string', enum: [...CSV_TYPES] }),
  flavour: OneOf(FLAVOURS),
  period: Nullable(Type.Object({ from: Day(), to: Day() })),
  status: Type.Literal(UPLOAD_STATUS.pending),
  fileName: Type.String(),
  size: Type.Integer({ description: 'bytes' }),
  sha256: Type.String(),
});
export const UploadAcceptedResponse = Type.Object({ uploads: Type.Array(UploadAccepted) });
export type UploadAcceptedResponse = Static<typeof UploadAcceptedResponse>;

/** Rejects with the signal's reason once it is aborted. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
  );
}

/** 408: the body did not arrive at the configured minimum rate. */
function slowBody(limits: BodyRateLimits): HttpError {
  return new HttpError(
    408,
    'E_BODY_TIMEOUT',
    `the request body brought fewer than ${bytesPerWindow(limits)} bytes in ${limits.windowMs} ms (minimum ${limits.minBytesPerSec} bytes/s, UPLOAD_MIN_BYTES_PER_SEC / UPLOAD_BODY_TIMEOUT_MS); nothing was stored — send the file again over a steadier connection`,
  );
}

export function uploadRoutes(root: FastifyInstance, ctx: AppContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  // Per client (IP address): uploads being received or stored at once.
  const slots = new ClientSlots(ctx.config.uploadMaxPerClient);
  const limits: BodyRateLimits = {
    windowMs: ctx.config.uploadBodyTimeoutMs,
    minBytesPerSec: ctx.config.uploadMinBytesPerSec,
  };
  app.post(
    '/upload/csv',
    {
      schema: {
        'x-role': 'staff',
        summary: 'Upload CSV exports (one file per kind) as multipart/form-data; they land in the background',
        description:
          'Stored in one transaction and queued (202); follow each upload with GET /uploads/:id. A file with the same bytes as a landed upload of its kind and flavour answers 409.',
        ...multipartSchema(UploadForm),
        response: { 202: UploadAcceptedResponse, ...errorResponses },
      },
      validatorCompiler: streamedBody,
    },
    async (req, reply) => {
      if (!req.isMultipart()) {
        throw new HttpError(
          415,
          'E_NOT_MULTIPART',
          'send multipart/form-data with file fields receive, shipment and/or yard and a field flavour=flash|final',
        );
      }
      const client = req.ip;
      if (!slots.take(client)) {
        reply.header('connection', 'close').header('retry-after', '5');
        throw new HttpError(
          429,
          'E_TOO_MANY_UPLOADS',
          `${slots.max} uploads from ${client} are still being received or stored (UPLOAD_MAX_CONCURRENT_PER_CLIENT=${slots.max}); wait for a running upload to finish, then send this one again`,
        );
      }
      const form: Form = { files: [], flavour: undefined, period: null, current: undefined };
      let dir: string | undefined;
      let reading: Promise<void> | undefined;
      let accepted: Accepted[];
      try {
        dir = await mkdtemp(path.join(ctx.config.uploadSpoolDir, 'warehouse-upload-'));
        // The whole body is received (files spooled to dir) before a connection is taken. A body
        // slower than the minimum rate is abandoned at once (408): the file being spooled is
        // closed, and a wait for the next part, which the parser would keep up forever, given up.
        const abandon = new AbortController();
        const stopWatch = watchBody(req.raw, limits, () => abandon.abort(slowBody(limits)));
        const read = readForm(req, dir, form, abandon.signal);
        read.catch(() => {}); // after an abandon its own outcome no longer matters
        reading = Promise.race([read, aborted(abandon.signal)]);
        try {
          await reading;
        } finally {
          stopWatch();
        }
        if (!form.files.length)
          throw new HttpError(
            400,
            'E_NO_FILE',
            `no file was sent; add at least one of the file fields ${CSV_TYPES.join(', ')}`,
          );
        if (!form.flavour)
          throw new HttpError(
            400,
            'E_FLAVOUR',
            'the field flavour is missing; send flavour=flash (速報) or flavour=final (確定)',
          );
        accepted = await storeForm(ctx, req, form.files, form.flavour, form.period);
        // Logged only now: a refused request stored nothing.
        for (const a of accepted)
          req.log.info(
            {
              uploadId: a.id,
              kind: a.csvType,
              flavour: form.flavour,
              period: form.period,
              fileName: a.fileName,
              size: a.size,
            },
            'upload stored',
          );
      } catch (rawError) {
        const problem = multipartProblem(rawError);
        const error = problem ? new HttpError(400, 'E_MULTIPART', problem) : rawError;
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 408) {
          // The rest of the body is not waited for: the connection closes after the answer.
          reply.header('connection', 'close');
          req.raw.unpipe();
        } else if (!req.raw.complete) {
          // Refused while the body is still arriving: read and discard the rest, so a client that
          // reads the answer only after sending everything gets it instead of a stalled or reset
          // connection (the multipart parser stops reading once the handler gives up).
          req.raw.unpipe();
          req.raw.resume();
        }
        if (status && status < 500) {
          // Nothing of the request is kept: every file in it counts as rejected, under its own kind
          // (the one being read when it failed included); a request without a known kind, once.
          const kinds = new Set<string>(form.files.map((a) => a.csvType));
          if (form.current) kinds.add(form.current);
          for (const csvType of kinds.size ? kinds : ['unknown'])
            ctx.metrics.rejected.inc({ csv_type: csvType, stage: 'accept' });
        }
        throw error;
      } finally {
        slots.release(client);
        // The spooled files go once the body's reader has let go of them (an abandoned read lets go
        // at once; a file still open is unlinked, and no new one can be made in a removed directory).
        if (dir) {
          await (reading ?? Promise.resolve()).catch(() => {});
          await rm(dir, { recursive: true, force: true });
        }
      }
      reply.code(202);
      return {
        uploads: accepted.map((a) => ({
          id: a.id,
          csvType: a.csvType,
          flavour: form.flavour!, // checked above: no flavour, no upload
          period: form.period,
          status: UPLOAD_STATUS.pending,
          fileName: a.fileName,
          size: a.size,
          sha256: a.sha256,
        })),
      };
    },
  );
}
