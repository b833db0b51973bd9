/**
 * log.upload_error: every problem of a failed upload (up to INGEST_MAX_ERRORS), with the record's
 * original text. A table rather than one large jsonb on log.upload_file: GET /uploads/:id stays
 * small (its `errors` summary keeps the first INGEST_ERROR_SUMMARY), and the errors routes page
 * and stream from an index instead of reading a 10,000-element document.
 */
import type pg from 'pg';
import { markFailed } from '@warehouse/db/uploads';
import { withPoolClient, withTransaction } from '@warehouse/db/pg';
import { rowText } from '@warehouse/messages';
import type { RowError } from './errors.ts';

export interface FailureRecord {
  uploadId: number;
  encoding: string | null;
  message: string;
  /** The rejection's code and parameters (the console words them for staff). */
  code?: string;
  params?: Record<string, string | number>;
  errors: RowError[];
  /** The file's data lines when it was read through, else null (left as it was). */
  rowCount?: number | null;
  /** How many errors the upload's own `errors` summary repeats. */
  summary: number;
}

/**
 * Mark a pending/processing upload failed with its message, summary and all its errors, in one
 * transaction. Returns false (and changes nothing) when the upload is no longer pending or
 * processing, so a retried job records its errors once.
 */
export async function recordFailure(pool: pg.Pool, f: FailureRecord): Promise<boolean> {
  // Nothing to undo when the upload is no longer pending/processing: markFailed changed no row.
  return withPoolClient(pool, (client) =>
    withTransaction(client, async () => {
      const summary = f.errors.slice(0, f.summary);
      const updated = await markFailed(client, f.uploadId, {
        encoding: f.encoding,
        errors: summary,
        message: f.message,
        code: f.code,
        params: f.params,
        rowCount: f.rowCount,
      });
      if (!updated) return false;
      await client.query('DELETE FROM log.upload_error WHERE upload_file_id = $1', [f.uploadId]);
      if (f.errors.length) {
        const e = f.errors;
        await client.query(
          `INSERT INTO log.upload_error (upload_file_id, seq, line, column_name, value, reason, row_text, code, params)
           SELECT $1, t.ord, t.line, t.col, t.val, t.reason, t.row_text, t.code, t.params::jsonb
             FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                  WITH ORDINALITY AS t(line, col, val, reason, row_text, code, params, ord)`,
          [
            f.uploadId,
            e.map((x) => x.line),
            e.map((x) => x.column),
            e.map((x) => x.value),
            e.map((x) => x.reason),
            e.map((x) => x.row ?? null),
            e.map((x) => x.code ?? null),
            e.map((x) => (x.code ? JSON.stringify(x.params ?? {}) : null)),
          ],
        );
      }
      return true;
    }),
  );
}

interface ErrorRow {
  line: number | null;
  column_name: string | null;
  value: string | null;
  reason: string;
  row_text: string | null;
  code: string | null;
  params: Record<string, string | number> | null;
}

/** A stored row error: code and params are null for errors recorded before codes existed. */
export type StoredRowError = Omit<Required<RowError>, 'code' | 'params'> & {
  code: string | null;
  params: Record<string, string | number> | null;
};

const toJson = (r: ErrorRow): StoredRowError => ({
  line: r.line,
  column: r.column_name,
  value: r.value,
  reason: r.reason,
  code: r.code,
  params: r.params,
  row: r.row_text,
});

/** A page of an upload's errors in file order, and how many there are in all. */
export async function listErrors(
  pool: pg.Pool,
  uploadId: number,
  limit: number,
  offset: number,
): Promise<{ total: number; errors: StoredRowError[] }> {
  const [count, page] = await Promise.all([
    pool.query<{ n: number }>('SELECT count(*)::int AS n FROM log.upload_error WHERE upload_file_id = $1', [uploadId]),
    pool.query<ErrorRow>(
      'SELECT line, column_name, value, reason, row_text, code, params FROM log.upload_error WHERE upload_file_id = $1 ORDER BY seq LIMIT $2 OFFSET $3',
      [uploadId, limit, offset],
    ),
  ]);
  return { total: count.rows[0]!.n, errors: page.rows.map(toJson) };
}

/** One CSV field, quoted when it has to be (RFC 4180). */
export const csvField = (v: string | number | null | undefined) => {
  if (v == null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const ERRORS_CSV_HEADER = 'line,column,value,reason,row';

/**
 * An upload's errors as CSV text in pages of `pageSize` (header first, CRLF line ends, no BOM:
 * the route adds it). Reads by seq, so memory stays bounded by one page. The reason is worded for
 * staff in Japanese from its code (@warehouse/messages, the console's texts); an error recorded
 * before codes existed keeps its stored (English) reason.
 */
export async function* errorsCsv(pool: pg.Pool, uploadId: number, pageSize = 1000): AsyncGenerator<string> {
  yield `${ERRORS_CSV_HEADER}\r\n`;
  let after = 0;
  for (;;) {
    const { rows } = await pool.query<ErrorRow & { seq: number }>(
      'SELECT seq, line, column_name, value, reason, row_text, code, params FROM log.upload_error WHERE upload_file_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [uploadId, after, pageSize],
    );
    if (!rows.length) return;
    yield rows
      .map(
        (r) =>
          [r.line, r.column_name, r.value, rowText(r.code, r.params, 'ja') ?? r.reason, r.row_text]
            .map(csvField)
            .join(',') + '\r\n',
      )
      .join('');
    after = rows[rows.length - 1]!.seq;
  }
}
