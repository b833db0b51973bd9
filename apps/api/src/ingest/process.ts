import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { Logger } from 'pino';
import { readBlobChunks } from './blob.ts';
import { decodeCsv, type DecodeState } from './decode.ts';
import { IngestRejected, type RowError } from './errors.ts';
import { KINDS, headerProblem, isCsvType, isFlavour, stgTable, type CsvType, type Flavour } from './kinds.ts';
import { duplicateKeysSql } from './sql.ts';
import { CsvSplitter, CsvSyntaxError, type CsvRecord } from './csv.ts';
import { checkRow, rowText, type DateWindow, type TypedValue } from './validate.ts';
import { recordFailure } from './upload-errors.ts';
import { CopyBinaryWriter } from './binary.ts';
import type { IngestMetrics } from '../metrics.ts';

export type EnqueueRefresh = (client: pg.PoolClient, job: { csvType: string; trigger: string }) => Promise<unknown>;

export interface IngestDeps {
  pool: pg.Pool;
  logger: Logger;
  /** Row errors kept in log.upload_error (the file is still scanned to its end). */
  maxErrors: number;
  /** Of those, how many the upload's `errors` summary repeats (default 50). */
  errorSummary?: number;
  /** Plausible slip dates; outside them a row is an error (config.ts dateWindow). */
  dateWindow?: DateWindow;
  metrics?: IngestMetrics;
  /** Adds the coalesced MV refresh inside the ingest transaction. */
  enqueueRefresh: EnqueueRefresh;
}

export type IngestOutcome =
  | { status: 'success'; uploadId: number; rowCount: number; dateFrom: string | null; dateTo: string | null; encoding: string }
  | { status: 'failed'; uploadId: number; reason: string; errors: RowError[] }
  | { status: 'skipped'; uploadId: number; reason: string };

const MAX_RECORD_BYTES = 1024 * 1024;
const COPY_BATCH_CHARS = 256 * 1024;
const COPY_BATCH_BYTES = 256 * 1024;



interface LoadResult {
  rows: number;
  invalidRows: number;
  minDate: number;
  maxDate: number;
  errors: RowError[];
}

/** A record re-quoted for CSV (only for records whose text PostgreSQL's CSV parser would read differently). */
const csvQuote = (fields: string[]) => fields.map((f) => `"${f.replace(/"/g, '""')}"`).join(',');

/** Turn the splitter's syntax errors into a rejection a person understands. */
function syntaxRejection(error: CsvSyntaxError): IngestRejected {
  const reason =
    error.code === 'QUOTE_NOT_CLOSED' || error.code === 'RECORD_TOO_LONG'
      ? `${error.message} (an unbalanced " quote); fix the quote or remove it`
      : error.code === 'INVALID_CLOSING_QUOTE'
        ? `near line ${error.line}: text follows a closing quote (like "abc"x), or a quote opened earlier is unbalanced; a quoted field must be quoted whole, with inner quotes doubled ("")`
        : `near line ${error.line}: a " inside an unquoted field; quote the whole field and double the inner quote ("")`;
  return new IngestRejected('E_CSV_SYNTAX', reason, [{ line: error.line, column: null, value: null, reason: error.code }]);
}

/** The upload's records, decoded and split, header first. */
async function* records(deps: IngestDeps, uploadId: number, decode: DecodeState): AsyncGenerator<CsvRecord[]> {
  const splitter = new CsvSplitter(MAX_RECORD_BYTES);
  try {
    for await (const text of decodeCsv(readBlobChunks(deps.pool, uploadId), decode)) yield splitter.push(text);
    yield splitter.push('', true);
  } catch (error) {
    throw error instanceof CsvSyntaxError ? syntaxRejection(error) : error;
  }
}

/**
 * Pass 1: decode, split and check the upload while COPYing its rows into raw.shogun_<kind> on
 * `client` (inside its transaction). Structural problems (encoding, header, CSV syntax) throw
 * IngestRejected; row problems are collected (first `maxErrors`) and stop the COPY, not the scan.
 *
 * raw gets each record's own CSV text behind `upload_file_id,source_line,` (COPY … CSV parses it
 * on the database's core while this one checks), so raw holds exactly the file's fields.
 */
async function copyRaw(deps: IngestDeps, client: pg.PoolClient, uploadId: number, kind: CsvType, decode: DecodeState): Promise<LoadResult> {
  const spec = KINDS[kind].columns;
  const result: LoadResult = { rows: 0, invalidRows: 0, minDate: Infinity, maxDate: -Infinity, errors: [] };
  let headerSeen = false;
  const prefix = `${uploadId},`;

  function take(batchOf: CsvRecord[]): string {
    let batch = '';
    for (const { fields, line, text } of batchOf) {
      if (!headerSeen) {
        headerSeen = true;
        const problem = headerProblem(kind, fields);
        if (problem) throw new IngestRejected('E_HEADER', problem, [{ line, column: null, value: fields.join(',').slice(0, 200), reason: 'header mismatch' }]);
        continue;
      }
      if (fields.length === 1 && fields[0] === '') continue; // blank line
      result.rows++;
      if (fields.length !== spec.length) {
        result.invalidRows++;
        if (result.errors.length < deps.maxErrors) {
          result.errors.push({ line, column: null, value: fields.join(',').slice(0, 200), reason: `has ${fields.length} field(s); a ${kind} line has ${spec.length}`, row: rowText(text) });
        }
        continue;
      }
      if (text.includes('\0')) {
        result.invalidRows++;
        if (result.errors.length < deps.maxErrors) result.errors.push({ line, column: null, value: null, reason: 'contains a NUL character (binary data inside the CSV)', row: rowText(text.replace(/\0/g, '\uFFFD')) });
        continue;
      }
      const date = checkRow(spec, fields, line, result.errors, deps.maxErrors, undefined, { window: deps.dateWindow, text });
      if (date === undefined) {
        result.invalidRows++;
        continue;
      }
      if (date < result.minDate) result.minDate = date;
      if (date > result.maxDate) result.maxDate = date;
      if (result.invalidRows) continue; // the file fails anyway; keep scanning for errors only
      // A bare CR outside quotes ends a record for PostgreSQL's CSV parser, not for ours.
      batch += prefix + line + ',' + (text.includes('\r') ? csvQuote(fields) : text) + '\n';
    }
    return batch;
  }

  async function* copyText(): AsyncGenerator<string> {
    let pending = '';
    for await (const batchOf of records(deps, uploadId, decode)) {
      pending += take(batchOf);
      if (pending.length >= COPY_BATCH_CHARS) {
        yield pending;
        pending = '';
      }
    }
    if (pending) yield pending;
  }

  const names = spec.map((c) => `"${c.column}"`).join(', ');
  const copy = client.query(copyStreams.from(`COPY raw.shogun_${kind} ("upload_file_id", "source_line", ${names}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (${names}))`));
  await pipeline(Readable.from(copyText(), { highWaterMark: 2 }), copy);
  if (!headerSeen) throw new IngestRejected('E_EMPTY', 'the file has no header row');
  return result;
}

/**
 * Pass 2, after the DELETE of the file's date range: the same records again (pass 1 proved them
 * valid), typed into stg with a binary COPY. Encoding the rows here rather than in pass 1 splits
 * the work evenly: pass 1 is bound by the raw COPY, this one by the stg COPY, and this process
 * works beside the database in both instead of doing all of it while raw loads.
 */
async function copyStg(deps: IngestDeps, client: pg.PoolClient, uploadId: number, kind: CsvType, stg: string, expectedRows: number): Promise<void> {
  const spec = KINDS[kind].columns;
  const types = spec.map((c) => c.type);
  const scales = spec.map((c) => c.scale ?? 0);
  const typed: TypedValue[] = new Array(spec.length);
  const unexpected: RowError[] = [];
  async function* rows(): AsyncGenerator<Buffer> {
    const writer = new CopyBinaryWriter();
    let header = true;
    let count = 0;
    for await (const batchOf of records(deps, uploadId, {})) {
      for (const { fields, line } of batchOf) {
        if (header) {
          header = false;
          continue;
        }
        if (fields.length === 1 && fields[0] === '') continue;
        if (checkRow(spec, fields, line, unexpected, 1, typed, { window: deps.dateWindow }) === undefined) {
          throw new Error(`upload ${uploadId} line ${line} was valid in pass 1 and is not in pass 2: ${JSON.stringify(unexpected[0])}`);
        }
        count++;
        writer.typedRow(types, scales, typed, uploadId, line);
      }
      if (writer.length >= COPY_BATCH_BYTES) yield writer.take();
    }
    if (count !== expectedRows) throw new Error(`upload ${uploadId}: pass 2 read ${count} rows, pass 1 ${expectedRows}`);
    writer.end();
    yield writer.take();
  }
  const cols = [...spec.map((c) => c.column), 'upload_file_id', 'source_line'].map((c) => `"${c}"`).join(', ');
  await pipeline(Readable.from(rows(), { highWaterMark: 2 }), client.query(copyStreams.from(`COPY ${stg} (${cols}) FROM STDIN WITH (FORMAT binary)`)));
}

const ymd = (n: number) => `${String(Math.floor(n / 10000)).padStart(4, '0')}-${String(Math.floor(n / 100) % 100).padStart(2, '0')}-${String(n % 100).padStart(2, '0')}`;

/**
 * The ingest job: land one pending upload in raw and stg, all or nothing, replacing its flavour's
 * rows in the file's date range, and enqueue the MV refresh — one transaction. Idempotent: an
 * upload already `success`/`failed` is skipped, so a retried job lands the file once.
 */
export async function processUpload(deps: IngestDeps, uploadId: number): Promise<IngestOutcome> {
  const { pool, logger } = deps;
  const started = performance.now();
  const claim = await pool.query(
    `UPDATE log.upload_file SET status = 'processing', started_at = coalesce(started_at, now())
     WHERE id = $1 AND status IN ('pending', 'processing') RETURNING csv_type, flavour, file_sha256`,
    [uploadId],
  );
  if (claim.rowCount === 0) {
    const cur = await pool.query('SELECT status FROM log.upload_file WHERE id = $1', [uploadId]);
    const reason = cur.rowCount ? `upload ${uploadId} is already ${cur.rows[0].status}` : `upload ${uploadId} does not exist`;
    logger.info({ uploadId }, reason);
    return { status: 'skipped', uploadId, reason };
  }
  const { csv_type: kind, flavour, file_sha256: sha } = claim.rows[0] as { csv_type: string; flavour: string; file_sha256: string };
  if (!isCsvType(kind) || !isFlavour(flavour)) throw new Error(`upload ${uploadId} has csv_type=${kind} flavour=${flavour}, which this API does not know`);
  const decode: DecodeState = {};
  const client = await pool.connect();
  let released = false;
  try {
    await client.query('BEGIN');
    const locked = await client.query('SELECT status FROM log.upload_file WHERE id = $1 FOR UPDATE', [uploadId]);
    const status = locked.rows[0]?.status as string | undefined;
    if (status !== 'processing' && status !== 'pending') {
      await client.query('ROLLBACK');
      return { status: 'skipped', uploadId, reason: `upload ${uploadId} is already ${status}` };
    }
    try {
      const dup = await client.query(
        `SELECT id FROM log.upload_file WHERE csv_type = $1 AND flavour = $2 AND file_sha256 = $3 AND status = 'success' AND id <> $4 ORDER BY id LIMIT 1`,
        [kind, flavour, sha, uploadId],
      );
      if (dup.rowCount) {
        throw new IngestRejected('E_DUPLICATE_FILE', `the same file (sha256 ${sha}) was already loaded as ${flavour} ${kind} by upload ${dup.rows[0].id}`);
      }
      const phases: Record<string, number> = {};
      let mark = performance.now();
      const phase = (name: string) => {
        const now = performance.now();
        phases[name] = Math.round(now - mark);
        mark = now;
      };
      const load = await copyRaw(deps, client, uploadId, kind, decode);
      phase('copyMs');
      if (load.rows === 0) throw new IngestRejected('E_NO_ROWS', 'the file has a header row but no data rows');
      if (load.invalidRows) {
        const first = load.errors[0]!;
        throw new IngestRejected(
          'E_ROWS_INVALID',
          `${load.invalidRows} of ${load.rows} data line(s) are invalid; nothing was loaded. First: line ${first.line}${first.column ? `, ${first.column} = ${JSON.stringify(first.value)}` : ''}: ${first.reason}`,
          load.errors,
        );
      }
      const stg = stgTable(flavour as Flavour, kind);
      const dateFrom = ymd(load.minDate);
      const dateTo = ymd(load.maxDate);
      await client.query(`DELETE FROM ${stg} WHERE slip_date BETWEEN $1 AND $2`, [dateFrom, dateTo]);
      phase('deleteMs');
      await client.query('SAVEPOINT stg_insert');
      try {
        await copyStg(deps, client, uploadId, kind, stg, load.rows);
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
        await client.query('ROLLBACK TO SAVEPOINT stg_insert');
        const { rows } = await client.query(duplicateKeysSql(kind), [uploadId, deps.maxErrors]);
        throw new IngestRejected(
          'E_ROWS_INVALID',
          `the file repeats a (伝票日付, 伝票番号, 明細行) key; first at line ${rows[0]?.source_line} (same as line ${rows[0]?.first_line}); each slip line must appear once`,
          rows.map((r) => ({ line: r.source_line, column: '伝票日付,伝票番号,明細行', value: `${r.d},${r.s},${r.l}`, reason: `duplicate of line ${r.first_line}` })),
        );
      }
      phase('insertMs');
      await client.query(
        `UPDATE log.upload_file SET status = 'success', encoding = $2, row_count = $3, date_from = $4, date_to = $5,
           errors = NULL, error_message = NULL, finished_at = now() WHERE id = $1`,
        [uploadId, decode.encoding ?? null, load.rows, dateFrom, dateTo],
      );
      await deps.enqueueRefresh(client, { csvType: kind, trigger: `upload:${uploadId}` });
      await client.query('COMMIT');
      phase('commitMs');
      const seconds = (performance.now() - started) / 1000;
      deps.metrics?.rows.inc({ csv_type: kind }, load.rows);
      deps.metrics?.duration.observe({ csv_type: kind, outcome: 'success' }, seconds);
      logger.info({ uploadId, kind, flavour, rows: load.rows, dateFrom, dateTo, seconds, ...phases }, 'upload landed');
      return { status: 'success', uploadId, rowCount: load.rows, dateFrom, dateTo, encoding: decode.encoding ?? 'utf-8' };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if (!(error instanceof IngestRejected)) throw error;
      client.release();
      released = true;
      await recordFailure(pool, { uploadId, encoding: decode.encoding ?? null, message: error.message, errors: error.errors, summary: deps.errorSummary ?? 50 });
      deps.metrics?.rejected.inc({ csv_type: kind, stage: 'process' });
      deps.metrics?.duration.observe({ csv_type: kind, outcome: 'failed' }, (performance.now() - started) / 1000);
      logger.info({ uploadId, kind, flavour, code: error.code, reason: error.message }, 'upload rejected');
      return { status: 'failed', uploadId, reason: error.message, errors: error.errors };
    }
  } finally {
    if (!released) client.release();
  }
}

/** Mark an upload failed after its job used up its attempts on internal errors. */
export async function markGaveUp(pool: pg.Pool, uploadId: number, attempts: number, error: unknown): Promise<void> {
  await pool.query(
    `UPDATE log.upload_file SET status = 'failed', error_message = $2, finished_at = now()
     WHERE id = $1 AND status IN ('pending', 'processing')`,
    [uploadId, `processing failed ${attempts} time(s) with an internal error (${error instanceof Error ? error.message : String(error)}); the original bytes are kept — reprocess after fixing the cause`],
  );
}
