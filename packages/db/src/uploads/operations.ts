/**
 * Revert and confirm: the library both `POST /uploads/:id/revert|confirm` and
 * `pnpm upload:revert|confirm` call. Each runs in one transaction on the given client.
 */
import type pg from 'pg';
import { withTransaction } from '../pg/with.ts';
import { addIngestJob, lockKindFlavour, stgColumns } from './tables.ts';
import { stgHistoryTable, stgTable, UPLOAD_STATUS, type CsvType } from '../kinds/index.ts';
import { getUpload, markConfirmed, markReverted } from './upload-file.ts';

export type UploadOpCode = 'E_NOT_FOUND' | 'E_REVERT_BLOCKED' | 'E_NOT_REVERTIBLE' | 'E_NOT_HELD' | 'E_REVERT_MISMATCH';

/** A refused revert/confirm: a stable code, the HTTP status it maps to and a message naming the fix. */
export class UploadOpError extends Error {
  readonly code: UploadOpCode;
  readonly statusCode: number;
  readonly details: Record<string, unknown>;
  constructor(code: UploadOpCode, statusCode: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'UploadOpError';
    this.code = code;
    this.statusCode = statusCode;
    this.details = details;
  }
}

export interface RevertResult {
  id: number;
  status: typeof UPLOAD_STATUS.reverted;
  rowsWithdrawn: number;
  rowsRestored: number;
}

export interface RevertOptions {
  /** Queue the MV refresh inside the revert's transaction (the refresher's enqueueRefresh). */
  enqueueRefresh: (client: pg.ClientBase, request: { csvType: CsvType; trigger: string }) => Promise<unknown>;
  /** Run last inside the revert's transaction (the API writes its audit event here). */
  onDone?: (client: pg.ClientBase, result: RevertResult) => Promise<void>;
}

/**
 * Undo a successful upload: delete the rows it added from stg and move back, from the history
 * table, exactly the rows it superseded — one transaction, under the kind+flavour write lock.
 * Refused while a later successful upload touches one of its dates (revert that one first).
 */
export async function revertUpload(client: pg.ClientBase, id: number, options: RevertOptions): Promise<RevertResult> {
  return withTransaction(client, async () => {
    const u = await getUpload(client, id, { forUpdate: true });
    if (!u) throw new UploadOpError('E_NOT_FOUND', 404, `upload ${id} does not exist; list uploads with GET /uploads`);
    if (u.status !== UPLOAD_STATUS.success) {
      throw new UploadOpError(
        'E_NOT_REVERTIBLE',
        409,
        `upload ${id} is ${u.status}; only a successful upload can be reverted${u.status === UPLOAD_STATUS.held ? ' (a held upload changed nothing)' : ''}`,
        { status: u.status },
      );
    }
    if (u.rowsAdded === null || u.rowsSuperseded === null) {
      throw new UploadOpError(
        'E_NOT_REVERTIBLE',
        409,
        `upload ${id} landed before replaced rows were kept, so what it replaced is gone; upload the earlier file again instead`,
      );
    }
    await lockKindFlavour(client, u.csvType, u.flavour);
    const later = await client.query<{ id: number; fileName: string; first: string }>(
      `SELECT l.id::int AS id, l.file_name AS "fileName", to_char(min(b.slip_date), 'YYYY-MM-DD') AS first
         FROM log.upload_file l
         JOIN log.upload_touched_date b ON b.upload_file_id = l.id
         JOIN log.upload_touched_date a ON a.slip_date = b.slip_date AND a.upload_file_id = $3
        WHERE l.csv_type = $1 AND l.flavour = $2 AND l.status = 'success' AND l.id <> $3 AND l.finished_at > $4
        GROUP BY l.id, l.file_name, l.finished_at ORDER BY l.finished_at DESC LIMIT 1`,
      [u.csvType, u.flavour, id, u.finishedAt],
    );
    const blocker = later.rows[0];
    if (blocker) {
      throw new UploadOpError(
        'E_REVERT_BLOCKED',
        409,
        `upload ${blocker.id} (${blocker.fileName}) landed later and touches the same ${u.flavour} ${u.csvType} dates (first ${blocker.first}); revert upload ${blocker.id} first`,
        { laterUploadId: blocker.id },
      );
    }
    const stg = stgTable(u.csvType, u.flavour);
    const cols = await stgColumns(client, stg);
    const withdrawn = await client.query(
      `DELETE FROM ${stg} WHERE slip_date IN (SELECT slip_date FROM log.upload_touched_date WHERE upload_file_id = $1) AND upload_file_id = $1`,
      [id],
    );
    const restored = await client.query(
      `WITH back AS (DELETE FROM ${stgHistoryTable(u.csvType, u.flavour)} WHERE superseded_by_upload_id = $1 RETURNING ${cols})
       INSERT INTO ${stg} (${cols}) SELECT ${cols} FROM back`,
      [id],
    );
    const rowsWithdrawn = withdrawn.rowCount ?? 0;
    const rowsRestored = restored.rowCount ?? 0;
    if (rowsWithdrawn !== u.rowsAdded || rowsRestored !== u.rowsSuperseded) {
      // Someone changed stg or the history outside uploads; undo nothing rather than guess.
      throw new UploadOpError(
        'E_REVERT_MISMATCH',
        409,
        `upload ${id} added ${u.rowsAdded} and superseded ${u.rowsSuperseded} rows, but ${rowsWithdrawn} are in ${stg} and ${rowsRestored} in its history; nothing was changed — stg was edited outside uploads, check it before reverting`,
      );
    }
    await markReverted(client, id);
    // Only the upload route writes csv_type, after checking it against the contract; enqueueRefresh checks it again.
    await options.enqueueRefresh(client, { csvType: u.csvType as CsvType, trigger: `revert:${id}` });
    const result = { id, status: UPLOAD_STATUS.reverted, rowsWithdrawn, rowsRestored };
    await options.onDone?.(client, result);
    return result;
  });
}

export interface ConfirmResult {
  id: number;
  status: typeof UPLOAD_STATUS.pending;
}

/** held → pending and queued again; it then lands as usual and is never held again. */
export async function confirmUpload(
  client: pg.ClientBase,
  id: number,
  options: {
    maxAttempts: number;
    /** Run last inside the confirm's transaction (the API writes its audit event here). */
    onDone?: (client: pg.ClientBase, result: ConfirmResult) => Promise<void>;
  },
): Promise<ConfirmResult> {
  return withTransaction(client, async () => {
    const u = await getUpload(client, id, { forUpdate: true });
    if (!u)
      throw new UploadOpError(
        'E_NOT_FOUND',
        404,
        `upload ${id} does not exist; list uploads with GET /uploads?status=held`,
      );
    if (!(await markConfirmed(client, id))) {
      throw new UploadOpError(
        'E_NOT_HELD',
        409,
        `upload ${id} is ${u.status}, not held; only a held upload needs confirming`,
        { status: u.status },
      );
    }
    await addIngestJob(client, id, u.csvType, u.flavour, options.maxAttempts);
    const result = { id, status: UPLOAD_STATUS.pending };
    await options.onDone?.(client, result);
    return result;
  });
}
