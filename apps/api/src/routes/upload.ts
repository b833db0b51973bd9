import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { Type, type Static, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { HttpError } from '../http-error.ts';
import { binaryProblem } from '../ingest/decode.ts';
import { isCsvType, isFlavour, CSV_TYPES, type CsvType, type Flavour } from '../ingest/kinds.ts';
import type { AppContext } from '../app.ts';
import {
  Day,
  errorResponses,
  isApiDate,
  multipartSchema,
  Nullable,
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

async function storeFile(
  client: pg.PoolClient,
  ctx: AppContext,
  kind: CsvType,
  fileName: string,
  file: AsyncIterable<Buffer>,
): Promise<Accepted> {
  // Ingest jobs of this kind wait for this request before picking uploads in id order.
  await holdAcceptLock(client, kind);
  const id = await insertUpload(client, kind, fileName);
  const hash = createHash('sha256');
  const limit = ctx.config.blobChunkBytes;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  let chunkNo = 0;
  let head: Buffer | undefined;
  // One chunk INSERT in flight while the next chunk is read from the request: storing is then
  // bounded by the slower of network and database, not their sum.
  let inflight: Promise<unknown> | undefined;
  const flush = async () => {
    if (!pendingBytes) return;
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (!head) {
      head = data.subarray(0, 8192);
      const why = binaryProblem(head);
      if (why) throw new HttpError(415, 'E_NOT_TEXT', `file ${JSON.stringify(fileName)} (${kind}): ${why}`);
    }
    if (inflight) await inflight;
    inflight = client.query('INSERT INTO log.upload_blob (upload_file_id, chunk_no, data) VALUES ($1, $2, $3)', [
      id,
      chunkNo++,
      data,
    ]);
    inflight.catch(() => {}); // awaited by the next flush or below; the transaction fails either way
  };
  for await (const buf of file) {
    hash.update(buf);
    size += buf.length;
    pending.push(buf);
    pendingBytes += buf.length;
    if (pendingBytes >= limit) await flush();
  }
  await flush();
  if (inflight) await inflight;
  if (size === 0)
    throw new HttpError(
      400,
      'E_EMPTY_FILE',
      `file ${JSON.stringify(fileName)} (${kind}) is empty; upload the CSV export with its header and rows`,
    );
  const sha256 = hash.digest('hex');
  await setStored(client, id, sha256, size);
  return { id, csvType: kind, fileName, sha256, size };
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
  flavour: Type.Union([Type.Literal('flash'), Type.Literal('final')], { description: 'flash (速報) or final (確定)' }),
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
  flavour: Type.Union([Type.Literal('flash'), Type.Literal('final')]),
  period: Nullable(Type.Object({ from: Day(), to: Day() })),
  status: Type.Literal('pending'),
  fileName: Type.String(),
  size: Type.Integer({ description: 'bytes' }),
  sha256: Type.String(),
});
export const UploadAcceptedResponse = Type.Object({ uploads: Type.Array(UploadAccepted) });
export type UploadAcceptedResponse = Static<typeof UploadAcceptedResponse>;

export function uploadRoutes(root: FastifyInstance, ctx: AppContext): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/upload/csv',
    {
      schema: {
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
      const client = await ctx.pool.connect();
      const accepted: Accepted[] = [];
      let flavour: Flavour | undefined;
      let period: { from: string; to: string } | null = null;
      const seenFields = new Set<string>();
      let current: CsvType | undefined; // the file part being read
      try {
        await withTransaction(client, async () => {
          for await (const part of req.parts()) {
            if (part.type === 'field') {
              if (part.fieldname === 'flavour' || part.fieldname === 'period') {
                if (seenFields.has(part.fieldname))
                  throw new HttpError(400, 'E_FIELD', `the field ${part.fieldname} was sent twice; send it once`);
                seenFields.add(part.fieldname);
              }
              if (part.fieldname === 'period') period = parsePeriod(String(part.value));
              if (part.fieldname === 'flavour') {
                const v = String(part.value).trim();
                if (!isFlavour(v))
                  throw new HttpError(
                    400,
                    'E_FLAVOUR',
                    `flavour=${JSON.stringify(v)} is not flash or final; send flavour=flash (速報) or flavour=final (確定)`,
                  );
                flavour = v;
              }
              continue;
            }
            const kind = part.fieldname;
            current = isCsvType(kind) ? kind : undefined;
            let fileName: string;
            try {
              if (!isCsvType(kind)) {
                throw new HttpError(
                  400,
                  'E_FIELD',
                  `file field ${JSON.stringify(kind)} is not a CSV kind; use ${CSV_TYPES.join(', ')}`,
                );
              }
              if (accepted.some((a) => a.csvType === kind))
                throw new HttpError(400, 'E_FIELD', `file field ${kind} was sent twice; send one file per kind`);
              fileName = checkFileName(kind, part.filename);
            } catch (error) {
              part.file.resume(); // not read: discard its bytes
              throw error;
            }
            accepted.push(await storeFile(client, ctx, kind, fileName, part.file));
            current = undefined;
          }
          if (!accepted.length)
            throw new HttpError(
              400,
              'E_NO_FILE',
              `no file was sent; add at least one of the file fields ${CSV_TYPES.join(', ')}`,
            );
          if (!flavour)
            throw new HttpError(
              400,
              'E_FLAVOUR',
              'the field flavour is missing; send flavour=flash (速報) or flavour=final (確定)',
            );
          for (const a of accepted) {
            const d = await findLandedDuplicate(client, a.csvType, flavour, a.sha256);
            if (d) {
              throw new HttpError(
                409,
                'E_DUPLICATE',
                `${a.fileName} (${flavour} ${a.csvType}) has the same bytes as upload ${d.id} (${d.fileName}), which already landed; nothing to do (revert it first to load it again)`,
                {
                  duplicateOf: d.id,
                  csvType: a.csvType,
                },
              );
            }
            await finishAccept(client, a.id, flavour, period);
            // One queue per kind+flavour: its uploads land one at a time, in the order they were accepted.
            await addIngestJob(client, a.id, a.csvType, flavour, ctx.config.ingestMaxAttempts);
          }
        });
        // Logged only now: a refused request stored nothing.
        for (const a of accepted)
          req.log.info(
            { uploadId: a.id, kind: a.csvType, flavour, period, fileName: a.fileName, size: a.size },
            'upload stored',
          );
      } catch (rawError) {
        const problem = multipartProblem(rawError);
        const error = problem ? new HttpError(400, 'E_MULTIPART', problem) : rawError;
        if (!req.raw.complete) {
          // Refused while the body is still arriving: read and discard the rest, so a client that
          // reads the answer only after sending everything gets it instead of a stalled or reset
          // connection (the multipart parser stops reading once the handler gives up).
          req.raw.unpipe();
          req.raw.resume();
        }
        const status = (error as { statusCode?: number }).statusCode;
        if (status && status < 500) {
          // Nothing of the request is kept: every file in it counts as rejected, under its own kind
          // (the one being read when it failed included); a request without a known kind, once.
          const kinds = new Set<string>(accepted.map((a) => a.csvType));
          if (current) kinds.add(current);
          for (const csvType of kinds.size ? kinds : ['unknown'])
            ctx.metrics.rejected.inc({ csv_type: csvType, stage: 'accept' });
        }
        throw error;
      } finally {
        client.release();
      }
      reply.code(202);
      return {
        uploads: accepted.map((a) => ({
          id: a.id,
          csvType: a.csvType,
          flavour: flavour!, // checked above: no flavour, no upload
          period,
          status: 'pending' as const,
          fileName: a.fileName,
          size: a.size,
          sha256: a.sha256,
        })),
      };
    },
  );
}
