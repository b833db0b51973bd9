import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { HttpError } from '../http-error.ts';
import { binaryProblem } from '../ingest/decode.ts';
import { isCsvType, isFlavour, CSV_TYPES, type CsvType, type Flavour } from '../ingest/kinds.ts';
import type { AppContext } from '../app.ts';

interface Accepted {
  id: number;
  csvType: CsvType;
  fileName: string;
  sha256: string;
  size: number;
}

/** A client-supplied file name, or why it is refused. */
function checkFileName(kind: string, name: string | undefined): string {
  if (!name) throw new HttpError(400, 'E_FILE_NAME', `file field ${kind} has no file name; send it as a file (curl -F ${kind}=@file.csv)`);
  if (name.includes('/') || name.includes('\\') || name.includes('\0') || name.split(/[/\\]/).includes('..') || path.basename(name) !== name) {
    throw new HttpError(400, 'E_FILE_NAME', `file name ${JSON.stringify(name)} of field ${kind} contains a path; send the bare file name (e.g. receive.csv)`);
  }
  if (!/\.csv$/i.test(name)) {
    throw new HttpError(415, 'E_NOT_CSV', `file ${JSON.stringify(name)} of field ${kind} does not end in .csv; upload the Shogun CSV export`);
  }
  return name;
}

async function storeFile(client: pg.PoolClient, req: FastifyRequest, ctx: AppContext, kind: CsvType, fileName: string, file: AsyncIterable<Buffer>): Promise<Accepted> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status) VALUES ($1, '', $2, '', 0, 'pending') RETURNING id`,
    [kind, fileName],
  );
  const id = Number(rows[0]!.id);
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
    inflight = client.query('INSERT INTO log.upload_blob (upload_file_id, chunk_no, data) VALUES ($1, $2, $3)', [id, chunkNo++, data]);
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
  if (size === 0) throw new HttpError(400, 'E_EMPTY_FILE', `file ${JSON.stringify(fileName)} (${kind}) is empty; upload the CSV export with its header and rows`);
  const sha256 = hash.digest('hex');
  await client.query('UPDATE log.upload_file SET file_sha256 = $2, file_size = $3 WHERE id = $1', [id, sha256, size]);
  req.log.info({ uploadId: id, kind, fileName, size }, 'upload stored');
  return { id, csvType: kind, fileName, sha256, size };
}

export function uploadRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/upload/csv', { preHandler: ctx.requireToken }, async (req, reply) => {
    if (!req.isMultipart()) {
      throw new HttpError(415, 'E_NOT_MULTIPART', 'send multipart/form-data with file fields receive, shipment and/or yard and a field flavour=flash|final');
    }
    const client = await ctx.pool.connect();
    const accepted: Accepted[] = [];
    let flavour: Flavour | undefined;
    let current: CsvType | undefined; // the file part being read
    try {
      await client.query('BEGIN');
      for await (const part of req.parts()) {
        if (part.type === 'field') {
          if (part.fieldname === 'flavour') {
            const v = String(part.value).trim();
            if (!isFlavour(v)) throw new HttpError(400, 'E_FLAVOUR', `flavour=${JSON.stringify(v)} is not flash or final; send flavour=flash (速報) or flavour=final (確定)`);
            flavour = v;
          }
          continue;
        }
        const kind = part.fieldname;
        current = isCsvType(kind) ? kind : undefined;
        let fileName: string;
        try {
          if (!isCsvType(kind)) {
            throw new HttpError(400, 'E_FIELD', `file field ${JSON.stringify(kind)} is not a CSV kind; use ${CSV_TYPES.join(', ')}`);
          }
          if (accepted.some((a) => a.csvType === kind)) throw new HttpError(400, 'E_FIELD', `file field ${kind} was sent twice; send one file per kind`);
          fileName = checkFileName(kind, part.filename);
        } catch (error) {
          part.file.resume(); // not read: discard its bytes
          throw error;
        }
        accepted.push(await storeFile(client, req, ctx, kind as CsvType, fileName, part.file));
        current = undefined;
      }
      if (!accepted.length) throw new HttpError(400, 'E_NO_FILE', `no file was sent; add at least one of the file fields ${CSV_TYPES.join(', ')}`);
      if (!flavour) throw new HttpError(400, 'E_FLAVOUR', 'the field flavour is missing; send flavour=flash (速報) or flavour=final (確定)');
      for (const a of accepted) {
        const dup = await client.query<{ id: string; file_name: string }>(
          `SELECT id, file_name FROM log.upload_file WHERE csv_type = $1 AND flavour = $2 AND file_sha256 = $3 AND status = 'success' ORDER BY id LIMIT 1`,
          [a.csvType, flavour, a.sha256],
        );
        if (dup.rowCount) {
          const d = dup.rows[0]!;
          throw new HttpError(409, 'E_DUPLICATE', `${a.fileName} (${flavour} ${a.csvType}) has the same bytes as upload ${d.id} (${d.file_name}), which already landed; nothing to do`, {
            duplicateOf: Number(d.id),
            csvType: a.csvType,
          });
        }
        await client.query('UPDATE log.upload_file SET flavour = $2 WHERE id = $1', [a.id, flavour]);
        await client.query(`SELECT graphile_worker.add_job('ingest_upload', json_build_object('uploadId', $1::bigint), max_attempts => $2::int)`, [a.id, ctx.config.ingestMaxAttempts]);
      }
      await client.query('COMMIT');
    } catch (error) {
      if (!req.raw.complete) {
        // Refused while the body is still arriving: read and discard the rest, so a client that
        // reads the answer only after sending everything gets it instead of a stalled or reset
        // connection (the multipart parser stops reading once the handler gives up).
        req.raw.unpipe();
        req.raw.resume();
      }
      await client.query('ROLLBACK').catch(() => {});
      const status = (error as { statusCode?: number }).statusCode;
      if (status && status < 500) {
        // Nothing of the request is kept: every file in it counts as rejected, under its own kind
        // (the one being read when it failed included); a request without a known kind, once.
        const kinds = new Set<string>(accepted.map((a) => a.csvType));
        if (current) kinds.add(current);
        for (const csvType of kinds.size ? kinds : ['unknown']) ctx.metrics.rejected.inc({ csv_type: csvType, stage: 'accept' });
      }
      throw error;
    } finally {
      client.release();
    }
    reply.code(202);
    return { uploads: accepted.map((a) => ({ id: a.id, csvType: a.csvType, flavour, status: 'pending', fileName: a.fileName, size: a.size, sha256: a.sha256 })) };
  });
}
