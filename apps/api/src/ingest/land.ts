/**
 * Landing an upload: the ingest transaction's work (two COPY passes, supersede, the shrink guard,
 * duplicate-key diagnosis, marking it landed, enqueueing the refresh). What the job then reports
 * (metrics, logs, alerts) is report.ts; the job itself (claim, transaction, outcome) process.ts.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { readBlobChunks } from './blob.ts';
import { decodeCsv, type DecodeState } from './decode.ts';
import { IngestRejected, type RowError } from './errors.ts';
import { rowReason } from './reasons.ts';
import { KINDS, headerProblem, stgTable, type CsvType, type Flavour } from './kinds.ts';
import { duplicateKeysSql, supersedeSql } from './sql.ts';
import { CsvSplitter, CsvSyntaxError, type CsvRecord } from './csv.ts';
import { checkRow, rowText, type TypedValue } from './validate.ts';
import { CopyBinaryWriter } from './binary.ts';
import type { IngestDeps, IngestEffect, IngestOutcome } from './process.ts';
import { stgHistoryTable, UPLOAD_STATUS } from '@warehouse/db/kinds';
import {
  findLandedDuplicate,
  insertTouchedDates,
  lockKindFlavour,
  markSuccess,
  statusOf,
  stgColumns,
} from '@warehouse/db/uploads';

const MAX_RECORD_BYTES = 1024 * 1024;
const COPY_BATCH_CHARS = 256 * 1024;
const COPY_BATCH_BYTES = 256 * 1024;

export interface LoadResult {
  rows: number;
  invalidRows: number;
  minDate: number;
  maxDate: number;
  /** The distinct slip dates of the file (yyyymmdd). */
  dates: Set<number>;
  errors: RowError[];
}

/** A stated replacement period (form field period=), as yyyymmdd numbers and text. */
export interface Period {
  from: number;
  to: number;
  text: string;
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
  return new IngestRejected('E_CSV_SYNTAX', reason, [
    { line: error.line, column: null, value: null, ...rowReason('R_CSV_SYNTAX', { detail: error.code }) },
  ]);
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
async function copyRaw(
  deps: IngestDeps,
  client: pg.PoolClient,
  uploadId: number,
  kind: CsvType,
  decode: DecodeState,
  period: Period | null,
): Promise<LoadResult> {
  const spec = KINDS[kind].columns;
  const result: LoadResult = {
    rows: 0,
    invalidRows: 0,
    minDate: Infinity,
    maxDate: -Infinity,
    dates: new Set(),
    errors: [],
  };
  let headerSeen = false;
  const prefix = `${uploadId},`;

  function take(batchOf: CsvRecord[]): string {
    let batch = '';
    for (const { fields, line, text } of batchOf) {
      if (!headerSeen) {
        headerSeen = true;
        const problem = headerProblem(kind, fields);
        if (problem)
          throw new IngestRejected('E_HEADER', problem, [
            {
              line,
              column: null,
              value: fields.join(',').slice(0, 200),
              ...rowReason('R_HEADER'),
              row: rowText(text),
            },
          ]);
        continue;
      }
      if (fields.length === 1 && fields[0] === '') continue; // blank line
      result.rows++;
      if (fields.length !== spec.length) {
        result.invalidRows++;
        if (result.errors.length < deps.maxErrors) {
          result.errors.push({
            line,
            column: null,
            value: fields.join(',').slice(0, 200),
            ...rowReason('R_FIELD_COUNT', { fields: fields.length, kind, expected: spec.length }),
            row: rowText(text),
          });
        }
        continue;
      }
      if (text.includes('\0')) {
        result.invalidRows++;
        if (result.errors.length < deps.maxErrors)
          result.errors.push({
            line,
            column: null,
            value: null,
            ...rowReason('R_NUL'),
            row: rowText(text.replace(/\0/g, '\uFFFD')),
          });
        continue;
      }
      const date = checkRow(spec, fields, line, result.errors, deps.maxErrors, undefined, {
        window: deps.dateWindow,
        text,
      });
      if (date === undefined) {
        result.invalidRows++;
        continue;
      }
      if (period && (date < period.from || date > period.to)) {
        result.invalidRows++;
        if (result.errors.length < deps.maxErrors) {
          result.errors.push({
            line,
            column: spec[0]!.header,
            value: fields[0]!,
            ...rowReason('R_OUTSIDE_PERIOD', { from: ymd(period.from), to: ymd(period.to) }),
            row: rowText(text),
          });
        }
        continue;
      }
      result.dates.add(date);
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
  const copy = client.query(
    copyStreams.from(
      `COPY raw.shogun_${kind} ("upload_file_id", "source_line", ${names}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (${names}))`,
    ),
  );
  await pipeline(Readable.from(copyText(), { highWaterMark: 2 }), copy);
  if (!headerSeen) throw new IngestRejected('E_EMPTY', 'the file has no header row');
  return result;
}

/**
 * Pass 2, after the file's dates (or period) were superseded: the same records again (pass 1 proved them
 * valid), typed into stg with a binary COPY. Encoding the rows here rather than in pass 1 splits
 * the work evenly: pass 1 is bound by the raw COPY, this one by the stg COPY, and this process
 * works beside the database in both instead of doing all of it while raw loads.
 */
async function copyStg(
  deps: IngestDeps,
  client: pg.PoolClient,
  uploadId: number,
  kind: CsvType,
  stg: string,
  expectedRows: number,
): Promise<void> {
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
          throw new Error(
            `upload ${uploadId} line ${line} was valid in pass 1 and is not in pass 2: ${JSON.stringify(unexpected[0])}`,
          );
        }
        count++;
        writer.typedRow(types, scales, typed, uploadId, line);
      }
      if (writer.length >= COPY_BATCH_BYTES) yield writer.take();
    }
    if (count !== expectedRows)
      throw new Error(`upload ${uploadId}: pass 2 read ${count} rows, pass 1 ${expectedRows}`);
    writer.end();
    yield writer.take();
  }
  const cols = [...spec.map((c) => c.column), 'upload_file_id', 'source_line'].map((c) => `"${c}"`).join(', ');
  await pipeline(
    Readable.from(rows(), { highWaterMark: 2 }),
    client.query(copyStreams.from(`COPY ${stg} (${cols}) FROM STDIN WITH (FORMAT binary)`)),
  );
}

/**
 * The original text of the records starting on `lines` (for row errors found in SQL, where only
 * the fields are at hand): one more read of the upload, on the failure path only.
 */
async function recordTexts(deps: IngestDeps, uploadId: number, lines: Set<number>): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  if (!lines.size) return found;
  let last = 0;
  for (const l of lines) if (l > last) last = l;
  for await (const batchOf of records(deps, uploadId, {})) {
    for (const { line, text } of batchOf) if (lines.has(line)) found.set(line, rowText(text));
    if (batchOf.length && batchOf[batchOf.length - 1]!.line >= last) break;
  }
  return found;
}

export const ymd = (n: number) =>
  `${String(Math.floor(n / 10000)).padStart(4, '0')}-${String(Math.floor(n / 100) % 100).padStart(2, '0')}-${String(n % 100).padStart(2, '0')}`;
const ymdNumber = (s: string) => Number(s.replace(/-/g, ''));
const count = (n: number) => n.toLocaleString('en-US');

/** The shrink guard stopped the upload: the transaction is undone, the upload becomes `held`. */
export class Held extends Error {
  constructor(
    readonly reason: string,
    readonly effect: IngestEffect,
    readonly load: LoadResult,
  ) {
    super(reason);
  }
}

/** A period stored with the upload, as the job needs it. */
export function periodOf(from: string | null, to: string | null): Period | null {
  if (!from || !to) return null;
  return { from: ymdNumber(from), to: ymdNumber(to), text: `${from}..${to}` };
}

/**
 * The stg COPY hit a unique violation (23505): find the keys the file repeats and name their lines
 * (with the records' text), as a rejection. A violation the file does not explain (another writer
 * put the key into stg) is an internal error, so the job is retried.
 */
async function duplicateKeyRejection(
  deps: IngestDeps,
  client: pg.PoolClient,
  uploadId: number,
  kind: CsvType,
  stg: string,
  error: unknown,
): Promise<IngestRejected> {
  const { rows } = await client.query(duplicateKeysSql(kind), [uploadId, deps.maxErrors]);
  // Not a key repeated in the file: another writer put the key into stg (outside the lock).
  // That is not the file's fault; the job fails and is retried.
  if (!rows.length)
    throw new Error(
      `upload ${uploadId}: a unique violation in ${stg} that the file does not explain (another writer?); retrying`,
      { cause: error },
    );
  const texts = await recordTexts(deps, uploadId, new Set(rows.map((r) => r.source_line)));
  return new IngestRejected(
    'E_ROWS_INVALID',
    `the file repeats a (伝票日付, 伝票番号, 明細行) key; first at line ${rows[0].source_line} (same as line ${rows[0].first_line}); each slip line must appear once`,
    rows.map((r) => ({
      line: r.source_line,
      column: '伝票日付,伝票番号,明細行',
      value: `${r.d},${r.s},${r.l}`,
      ...rowReason('R_DUPLICATE_KEY', { firstLine: r.first_line }),
      row: texts.get(r.source_line) ?? null,
    })),
  );
}

/** The upload being landed, as the job claimed it. */
export interface LandingUpload {
  uploadId: number;
  kind: CsvType;
  flavour: Flavour;
  sha: string;
  /** Confirmed after being held: the shrink guard lets it through. */
  confirmed: boolean;
  period: Period | null;
}

/**
 * Land one claimed upload, inside the caller's transaction on `client`: refuse a file already
 * landed, COPY it into raw (pass 1, checking every row), supersede the current rows of its dates
 * (or stated period) into the history table, hold it when it keeps too few rows (throws Held),
 * COPY it into stg (pass 2; a repeated key is diagnosed), mark it landed and enqueue the MV
 * refresh. A row problem throws IngestRejected; an upload no longer pending/processing is skipped.
 */
export async function landUpload(
  deps: IngestDeps,
  client: pg.PoolClient,
  u: LandingUpload,
  decode: DecodeState,
): Promise<IngestOutcome> {
  const { logger } = deps;
  const { uploadId, kind, flavour, sha, period } = u;
  const status = await statusOf(client, uploadId, true);
  if (status !== UPLOAD_STATUS.processing && status !== UPLOAD_STATUS.pending)
    return { status: 'skipped', uploadId, reason: `upload ${uploadId} is already ${status}` };
  const dup = await findLandedDuplicate(client, kind, flavour, sha, uploadId);
  if (dup)
    throw new IngestRejected(
      'E_DUPLICATE_FILE',
      `the same file (sha256 ${sha}) was already loaded as ${flavour} ${kind} by upload ${dup.id}`,
      [],
      { duplicateOf: dup.id },
    );
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - mark);
    mark = now;
  };
  const load = await copyRaw(deps, client, uploadId, kind, decode, period);
  phase('copyMs');
  if (load.rows === 0) throw new IngestRejected('E_NO_ROWS', 'the file has a header row but no data rows');
  if (load.invalidRows) {
    const first = load.errors[0]!;
    throw new IngestRejected(
      'E_ROWS_INVALID',
      `${load.invalidRows} of ${load.rows} data line(s) are invalid; nothing was loaded. First: line ${first.line}${first.column ? `, ${first.column} = ${JSON.stringify(first.value)}` : ''}: ${first.reason}`,
      load.errors,
      {},
      load.rows,
    );
  }
  const stg = stgTable(kind, flavour);
  const fileDates = [...load.dates].sort((a, b) => a - b).map(ymd);
  // Ingests and reverts of this kind+flavour take turns from here to COMMIT.
  await lockKindFlavour(client, kind, flavour);
  phase('lockMs');
  const cols = await stgColumns(client, stg);
  const superseded = await client.query<{ d: string; n: number }>(
    supersedeSql(stg, stgHistoryTable(kind, flavour), cols, !!period),
    period ? [uploadId, ymd(period.from), ymd(period.to)] : [uploadId, fileDates],
  );
  phase('supersedeMs');
  const touched = new Set(fileDates);
  let rowsSuperseded = 0;
  for (const r of superseded.rows) {
    touched.add(r.d);
    rowsSuperseded += r.n;
  }
  const touchedDates = [...touched].sort();
  const effect: IngestEffect = {
    rowsAdded: load.rows,
    rowsSuperseded,
    datesTouched: { count: touchedDates.length, first: touchedDates[0] ?? null, last: touchedDates.at(-1) ?? null },
  };
  const guard = deps.shrinkGuardPercent ?? 50;
  if (!u.confirmed && guard > 0 && rowsSuperseded > 0 && load.rows * 100 < rowsSuperseded * guard) {
    throw new Held(
      `replaces ${count(rowsSuperseded)} rows on ${count(superseded.rows.length)} dates with ${count(load.rows)} rows (keeps less than ${guard} %); ` +
        `if that is intended, confirm it: POST /uploads/${uploadId}/confirm or pnpm upload:confirm --id ${uploadId}`,
      effect,
      load,
    );
  }
  await insertTouchedDates(client, uploadId, touchedDates);
  await client.query('SAVEPOINT stg_insert');
  try {
    await copyStg(deps, client, uploadId, kind, stg, load.rows);
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    await client.query('ROLLBACK TO SAVEPOINT stg_insert');
    throw await duplicateKeyRejection(deps, client, uploadId, kind, stg, error);
  }
  phase('insertMs');
  const dateFrom = ymd(load.minDate);
  const dateTo = ymd(load.maxDate);
  await markSuccess(client, uploadId, {
    encoding: decode.encoding ?? null,
    rowCount: load.rows,
    dateFrom,
    dateTo,
    rowsAdded: effect.rowsAdded,
    rowsSuperseded,
    datesTouched: effect.datesTouched.count,
    touchedFirst: effect.datesTouched.first,
    touchedLast: effect.datesTouched.last,
  });
  await deps.enqueueRefresh(client, { csvType: kind, trigger: `upload:${uploadId}` });
  logger.debug({ uploadId, ...phases }, 'upload phases');
  return {
    status: UPLOAD_STATUS.success,
    uploadId,
    rowCount: load.rows,
    dateFrom,
    dateTo,
    encoding: decode.encoding ?? 'utf-8',
    ...effect,
  };
}
