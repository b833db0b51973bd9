/**
 * Typed data access to log.upload_file: every read and write of an upload's row goes through here
 * (the upload route, the ingest job, revert/confirm, the refresh outcome). Dates come back as
 * 'YYYY-MM-DD' text, ids as numbers.
 */
import type pg from 'pg';
import { UPLOAD_STATUSES, type UploadStatus } from '../kinds/index.ts';

export { UPLOAD_STATUSES, type UploadStatus };

/** Anything with pg's query (a pool or a client inside a transaction). */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface UploadRow {
  id: number;
  csvType: string;
  flavour: string;
  fileName: string;
  fileSha256: string;
  fileSize: number;
  status: UploadStatus;
  encoding: string | null;
  rowCount: number | null;
  dateFrom: string | null;
  dateTo: string | null;
  errors: unknown[] | null;
  errorMessage: string | null;
  /** Why it failed, for the console's catalogue (E_ROWS_INVALID, …), and its parameters. */
  errorCode: string | null;
  errorParams: Record<string, unknown> | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  refreshOutcome: string | null;
  refreshRunId: number | null;
  rowsAdded: number | null;
  rowsSuperseded: number | null;
  datesTouched: number | null;
  touchedFirst: string | null;
  touchedLast: string | null;
  periodFrom: string | null;
  periodTo: string | null;
  heldReason: string | null;
  confirmedAt: Date | null;
  revertedAt: Date | null;
  /** auth.user id of who uploaded it (NULL: before accounts, or sign-in off) */
  uploadedBy: string | null;
  /** their name as the audit log has it */
  uploadedByName: string | null;
}

/**
 * An upload as the history and its page show it: with who confirmed or undid it, read from its
 * audit events. Only the reads that show uploads ask for these ({@link listUploads},
 * `getUpload(…, { withActors: true })`); the worker's and revert's reads do without them.
 */
export interface UploadWithActors extends UploadRow {
  /** who confirmed it, when held (the latest upload.confirmed event's actor), else NULL */
  confirmedByName: string | null;
  /** who undid it (the latest upload.reverted event's actor), else NULL */
  revertedByName: string | null;
}

const d = (c: string) => `to_char(${c}, 'YYYY-MM-DD') AS "${camel(c)}"`;
function camel(c: string): string {
  return c.replace(/_([a-z0-9])/g, (_, x: string) => x.toUpperCase());
}
const plain = (c: string) => `${c} AS "${camel(c)}"`;

/**
 * The SELECT list producing UploadRow (without errors unless asked: they can be large), and
 * UploadWithActors with `withActors`.
 */
function columns(opts: { withErrors?: boolean | undefined; withActors?: boolean | undefined }): string {
  return [
    'id::int AS id',
    ...['csv_type', 'flavour', 'file_name', 'file_sha256'].map(plain),
    'file_size::float8 AS "fileSize"',
    ...['status', 'encoding', 'row_count'].map(plain),
    ...['date_from', 'date_to'].map(d),
    opts.withErrors ? 'errors' : 'NULL::jsonb AS errors',
    ...[
      'error_message',
      'error_code',
      'error_params',
      'created_at',
      'started_at',
      'finished_at',
      'refresh_outcome',
    ].map(plain),
    'refresh_run_id::int AS "refreshRunId"',
    ...['rows_added', 'rows_superseded', 'dates_touched'].map(plain),
    ...['touched_first', 'touched_last', 'period_from', 'period_to'].map(d),
    ...['held_reason', 'confirmed_at', 'reverted_at', 'uploaded_by', 'uploaded_by_name'].map(plain),
    // Who confirmed / undid it: its audit events (one index probe each: audit_event_object_type_object_id_id_idx);
    // not a system actor (with sign-in off the API writes "(sign-in off)", which names nobody).
    ...(opts.withActors
      ? (
          [
            ['confirmedByName', 'upload.confirmed'],
            ['revertedByName', 'upload.reverted'],
          ] as const
        ).map(
          ([as, action]) =>
            `(SELECT a.actor_name FROM log.audit_event a WHERE a.object_type = 'upload' AND a.object_id = upload_file.id::text AND a.action = '${action}' AND a.actor_type <> 'system' ORDER BY a.id DESC LIMIT 1) AS "${as}"`,
        )
      : []),
  ].join(', ');
}

export interface GetUploadOptions {
  /** its row errors too (they can be large) */
  withErrors?: boolean;
  /** lock the row (inside a transaction) */
  forUpdate?: boolean;
  /** who confirmed / undid it, from its audit events (two index probes): for reads that show it */
  withActors?: boolean;
}

/**
 * One upload by id. `withActors` adds who confirmed / undid it (the upload's page); the worker's and
 * revert's reads leave it out.
 * @example const u = await getUpload(pool, 42, { withErrors: true, withActors: true }); // u?.revertedByName
 */
export async function getUpload(
  db: Queryable,
  id: number,
  opts: GetUploadOptions & { withActors: true },
): Promise<UploadWithActors | undefined>;
export async function getUpload(db: Queryable, id: number, opts?: GetUploadOptions): Promise<UploadRow | undefined>;
export async function getUpload(
  db: Queryable,
  id: number,
  opts: GetUploadOptions = {},
): Promise<UploadRow | undefined> {
  const { rows } = await db.query<UploadRow>(
    `SELECT ${columns(opts)} FROM log.upload_file WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

/**
 * Which uploads a list reads. Every field narrows it (absent: no condition).
 * - `fileName`: a part of the file name, case-insensitive, taken literally (`%`, `_` are no wildcards);
 * - `uploadedFrom`/`uploadedTo`: the day the upload was made, in Japan time (Asia/Tokyo, as the
 *   console shows it), both ends included;
 * - `periodFrom`/`periodTo`: the data's period — uploads whose slip dates (`date_from`..`date_to`)
 *   overlap it; uploads with no dates read (failed before reading) never match.
 */
export interface ListFilter {
  status?: UploadStatus;
  csvType?: string;
  flavour?: string;
  fileName?: string;
  uploadedFrom?: string;
  uploadedTo?: string;
  periodFrom?: string;
  periodTo?: string;
  /** who uploaded it (auth.user id; their API keys' uploads too) */
  by?: string;
  limit: number;
  /** rows skipped before the first one returned (newest first); default 0 */
  offset?: number;
}

/** Uploads' time zone for "the day it was uploaded": the office's (Asia/Tokyo). */
export const UPLOAD_DAY_TIME_ZONE = 'Asia/Tokyo';

/** The WHERE clause and its parameters (from $1) of a {@link ListFilter}. */
function where(f: Omit<ListFilter, 'limit' | 'offset'>): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const conds: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.status) conds.push(`status = ${p(f.status)}`);
  if (f.csvType) conds.push(`csv_type = ${p(f.csvType)}`);
  if (f.flavour) conds.push(`flavour = ${p(f.flavour)}`);
  if (f.by) conds.push(`uploaded_by = ${p(f.by)}`);
  if (f.fileName) {
    // ILIKE lower-cases every name (slow on Japanese names: 4× a LIKE over 100,000); a LIKE with each
    // cased letter as a one-character wildcard first leaves it only the names that can match.
    const literal = f.fileName.replace(/[\\%_]/g, (c) => `\\${c}`);
    const caseless = [...literal].map((c) => (c.toLowerCase() === c.toUpperCase() ? c : '_')).join('');
    conds.push(`file_name LIKE ${p(`%${caseless}%`)} AND file_name ILIKE ${p(`%${literal}%`)}`);
  }
  const tz = `'${UPLOAD_DAY_TIME_ZONE}'`;
  if (f.uploadedFrom) conds.push(`created_at >= (${p(f.uploadedFrom)}::date)::timestamp AT TIME ZONE ${tz}`);
  if (f.uploadedTo) conds.push(`created_at < (${p(f.uploadedTo)}::date + 1)::timestamp AT TIME ZONE ${tz}`);
  // Overlap of [date_from, date_to] with the asked period (an open end overlaps everything).
  if (f.periodFrom) conds.push(`date_to >= ${p(f.periodFrom)}::date`);
  if (f.periodTo) conds.push(`date_from <= ${p(f.periodTo)}::date`);
  return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

/**
 * The two statements of a history page (its rows, and the count of all pages), as text and values:
 * what listUploads / countUploads run, and what `pnpm bench:history` EXPLAINs.
 */
export function uploadsPageSql(f: ListFilter): { page: pg.QueryConfig; count: pg.QueryConfig } {
  const w = where(f);
  return {
    // The page's ids first (an index-only scan can skip OFFSET rows without reading them), then their rows.
    page: {
      text: `SELECT ${columns({ withActors: true })} FROM log.upload_file
      WHERE id IN (SELECT id FROM log.upload_file ${w.sql} ORDER BY id DESC LIMIT $${w.params.length + 1} OFFSET $${w.params.length + 2})
      ORDER BY id DESC`,
      values: [...w.params, f.limit, f.offset ?? 0],
    },
    count: { text: `SELECT count(*)::int AS n FROM log.upload_file ${w.sql}`, values: w.params },
  };
}

/** One page of uploads, newest first (see {@link ListFilter}), with who confirmed / undid each. */
export async function listUploads(db: Queryable, f: ListFilter): Promise<UploadWithActors[]> {
  const { page } = uploadsPageSql(f);
  const { rows } = await db.query<UploadWithActors>(page.text, page.values);
  return rows;
}

/** How many uploads a {@link ListFilter} selects (all pages). */
export async function countUploads(db: Queryable, f: Omit<ListFilter, 'limit' | 'offset'>): Promise<number> {
  const { count } = uploadsPageSql({ ...f, limit: 0 });
  const { rows } = await db.query<{ n: number }>(count.text, count.values);
  return rows[0]!.n;
}

/** Record who uploaded it (with its upload.accepted audit event, in the same transaction). */
export async function setUploader(db: Queryable, id: number, by: { id: string | null; name: string }): Promise<void> {
  await db.query('UPDATE log.upload_file SET uploaded_by = $2, uploaded_by_name = $3 WHERE id = $1', [
    id,
    by.id,
    by.name,
  ]);
}

/** A new upload row, `pending`, before its bytes are stored (flavour and hash are set by finishAccept). */
export async function insertUpload(db: Queryable, csvType: string, fileName: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO log.upload_file (csv_type, flavour, file_name, file_sha256, file_size, status) VALUES ($1, '', $2, '', 0, 'pending') RETURNING id::int AS id`,
    [csvType, fileName],
  );
  return rows[0]!.id;
}

export async function setStored(db: Queryable, id: number, sha256: string, size: number): Promise<void> {
  await db.query('UPDATE log.upload_file SET file_sha256 = $2, file_size = $3 WHERE id = $1', [id, sha256, size]);
}

export async function finishAccept(
  db: Queryable,
  id: number,
  flavour: string,
  period: { from: string; to: string } | null,
): Promise<void> {
  await db.query('UPDATE log.upload_file SET flavour = $2, period_from = $3, period_to = $4 WHERE id = $1', [
    id,
    flavour,
    period?.from ?? null,
    period?.to ?? null,
  ]);
}

/** The first successful upload of the same kind, flavour and bytes (reverted, failed and held ones do not count). */
export async function findLandedDuplicate(
  db: Queryable,
  csvType: string,
  flavour: string,
  sha256: string,
  exceptId?: number,
): Promise<{ id: number; fileName: string } | undefined> {
  const { rows } = await db.query<{ id: number; fileName: string }>(
    `SELECT id::int AS id, file_name AS "fileName" FROM log.upload_file
      WHERE csv_type = $1 AND flavour = $2 AND file_sha256 = $3 AND status = 'success' AND id <> coalesce($4::bigint, -1) ORDER BY id LIMIT 1`,
    [csvType, flavour, sha256, exceptId ?? null],
  );
  return rows[0];
}

export interface Claimed {
  csvType: string;
  flavour: string;
  sha256: string;
  periodFrom: string | null;
  periodTo: string | null;
  confirmed: boolean;
}

/** pending/processing → processing (started_at kept from the first attempt); undefined when it is in another status. */
export async function claimUpload(db: Queryable, id: number): Promise<Claimed | undefined> {
  const { rows } = await db.query<Claimed>(
    `UPDATE log.upload_file SET status = 'processing', started_at = coalesce(started_at, clock_timestamp())
      WHERE id = $1 AND status IN ('pending', 'processing')
      RETURNING csv_type AS "csvType", flavour, file_sha256 AS sha256, to_char(period_from, 'YYYY-MM-DD') AS "periodFrom",
                to_char(period_to, 'YYYY-MM-DD') AS "periodTo", confirmed_at IS NOT NULL AS confirmed`,
    [id],
  );
  return rows[0];
}

export async function statusOf(db: Queryable, id: number, forUpdate = false): Promise<UploadStatus | undefined> {
  const { rows } = await db.query<{ status: UploadStatus }>(
    `SELECT status FROM log.upload_file WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0]?.status;
}

export interface Landed {
  encoding: string | null;
  rowCount: number;
  dateFrom: string;
  dateTo: string;
  rowsAdded: number;
  rowsSuperseded: number;
  datesTouched: number;
  touchedFirst: string | null;
  touchedLast: string | null;
}

/** processing → success, with what it did. finished_at is the wall clock (not the transaction's start). */
export async function markSuccess(db: Queryable, id: number, l: Landed): Promise<void> {
  await db.query(
    `UPDATE log.upload_file SET status = 'success', encoding = $2, row_count = $3, date_from = $4, date_to = $5,
       rows_added = $6, rows_superseded = $7, dates_touched = $8, touched_first = $9, touched_last = $10,
       held_reason = NULL, errors = NULL, error_message = NULL, error_code = NULL, error_params = NULL, finished_at = clock_timestamp() WHERE id = $1`,
    [
      id,
      l.encoding,
      l.rowCount,
      l.dateFrom,
      l.dateTo,
      l.rowsAdded,
      l.rowsSuperseded,
      l.datesTouched,
      l.touchedFirst,
      l.touchedLast,
    ],
  );
}

/** pending/processing → failed with the reason (operator text, and code + params for the console) and row errors. */
export async function markFailed(
  db: Queryable,
  id: number,
  f: {
    encoding?: string | null;
    errors?: unknown[] | null;
    message: string;
    code?: string | null;
    params?: Record<string, unknown> | null;
    /** the file's data lines when it was read through (staff see how many a failed file had) */
    rowCount?: number | null;
  },
): Promise<boolean> {
  const r = await db.query(
    `UPDATE log.upload_file SET status = 'failed', encoding = coalesce($2, encoding), errors = coalesce($3::jsonb, errors), error_message = $4,
       error_code = $5, error_params = $6::jsonb, row_count = coalesce($7, row_count), finished_at = clock_timestamp()
      WHERE id = $1 AND status IN ('pending', 'processing')`,
    [
      id,
      f.encoding ?? null,
      f.errors ? JSON.stringify(f.errors) : null,
      f.message,
      f.code ?? null,
      f.params ? JSON.stringify(f.params) : null,
      f.rowCount ?? null,
    ],
  );
  return (r.rowCount ?? 0) > 0;
}

/** processing → held by the shrink guard: nothing landed; what it would have done is recorded. False when it was no longer pending/processing. */
export async function markHeld(
  db: Queryable,
  id: number,
  h: Omit<Landed, 'dateFrom' | 'dateTo'> & { dateFrom: string; dateTo: string; reason: string },
): Promise<boolean> {
  const r = await db.query(
    `UPDATE log.upload_file SET status = 'held', encoding = $2, row_count = $3, date_from = $4, date_to = $5,
       rows_added = $6, rows_superseded = $7, dates_touched = $8, touched_first = $9, touched_last = $10,
       held_reason = $11, finished_at = clock_timestamp()
     WHERE id = $1 AND status IN ('pending', 'processing')`,
    [
      id,
      h.encoding,
      h.rowCount,
      h.dateFrom,
      h.dateTo,
      h.rowsAdded,
      h.rowsSuperseded,
      h.datesTouched,
      h.touchedFirst,
      h.touchedLast,
      h.reason,
    ],
  );
  return (r.rowCount ?? 0) > 0;
}

/** held → pending, confirmed (the shrink guard no longer applies). */
export async function markConfirmed(db: Queryable, id: number): Promise<boolean> {
  const r = await db.query(
    `UPDATE log.upload_file SET status = 'pending', confirmed_at = clock_timestamp(), finished_at = NULL WHERE id = $1 AND status = 'held'`,
    [id],
  );
  return (r.rowCount ?? 0) > 0;
}

/** success → reverted. */
export async function markReverted(db: Queryable, id: number): Promise<void> {
  await db.query(
    `UPDATE log.upload_file SET status = 'reverted', reverted_at = clock_timestamp(), refresh_outcome = NULL WHERE id = $1 AND status = 'success'`,
    [id],
  );
}

/** The refresh outcome of a run on the uploads it covered (`upload:<id>` / `revert:<id>` triggers). */
export async function recordRefreshOutcomes(
  db: Queryable,
  ids: number[],
  outcome: string,
  runId: string,
): Promise<void> {
  if (!ids.length) return;
  await db.query(
    `UPDATE log.upload_file SET refresh_outcome = $2, refresh_run_id = (SELECT min(id) FROM log.mv_refresh_log WHERE run_id = $3)
      WHERE id = ANY($1::bigint[])`,
    [ids, outcome, runId],
  );
}

/** The dates an upload touched (added or superseded rows on). */
export async function insertTouchedDates(db: Queryable, id: number, dates: string[]): Promise<void> {
  if (!dates.length) return;
  await db.query('INSERT INTO log.upload_touched_date (upload_file_id, slip_date) SELECT $1, unnest($2::date[])', [
    id,
    dates,
  ]);
}
