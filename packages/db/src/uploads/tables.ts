/**
 * How uploads of one kind and flavour are kept in order: the graphile-worker queue and the
 * advisory lock per kind+flavour, and the stg table's column list. The stg and history table names
 * are the contract's (`stgTable`, `stgHistoryTable` in @warehouse/db/kinds).
 */
import type { ClientBase } from 'pg';
import type { Queryable } from './upload-file.ts';
import { withTransaction } from '../pg/with.ts';

const NAME = /^[a-z]+$/;

function checked(kind: string, flavour: string): void {
  if (!NAME.test(kind) || !NAME.test(flavour))
    throw new Error(`csv_type ${JSON.stringify(kind)} / flavour ${JSON.stringify(flavour)} is not a plain name`);
}

const columnCache = new Map<string, string>();

/** The stg table's columns, quoted and in table order (the history table has the same ones first). */
export async function stgColumns(db: Queryable, table: string): Promise<string> {
  const hit = columnCache.get(table);
  if (hit) return hit;
  const { rows } = await db.query<{ cols: string | null }>(
    `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS cols FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [table],
  );
  const cols = rows[0]?.cols;
  if (!cols) throw new Error(`${table} has no columns (is the database migrated?)`);
  columnCache.set(table, cols);
  return cols;
}

export const INGEST_TASK = 'ingest_upload';

/** graphile-worker runs the jobs of one queue one at a time, in order: one queue per kind+flavour. */
export function ingestQueueName(kind: string, flavour: string): string {
  checked(kind, flavour);
  return `ingest:${kind}:${flavour}`;
}

/** Queue the ingest job of an upload (inside the caller's transaction). */
export async function addIngestJob(
  db: Queryable,
  id: number,
  kind: string,
  flavour: string,
  maxAttempts: number,
): Promise<void> {
  await db.query(
    `SELECT graphile_worker.add_job($1::text, json_build_object('uploadId', $2::bigint), queue_name => $3::text, max_attempts => $4::int)`,
    [INGEST_TASK, id, ingestQueueName(kind, flavour), maxAttempts],
  );
}

/** Advisory lock class of the per-kind+flavour write lock (the refresher's job liveness uses 8201). */
export const INGEST_LOCK_CLASS = 8202;

/**
 * Take the transaction-scoped write lock of a kind+flavour: ingests (their supersede step) and
 * reverts of the same kind and flavour never interleave, so a unique violation in stg cannot come
 * from another writer and the touched-dates check of a revert sees every landed upload.
 */
export async function lockKindFlavour(db: Queryable, kind: string, flavour: string): Promise<void> {
  checked(kind, flavour);
  await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [INGEST_LOCK_CLASS, `${kind}/${flavour}`]);
}

/** Advisory lock class of the accept barrier per kind (shared while a request stores a file of that kind). */
export const ACCEPT_LOCK_CLASS = 8203;

/**
 * Taken (shared, until COMMIT/ROLLBACK) by the upload request before it creates an upload row of
 * `kind`: while it is held, that upload id exists but is not visible yet.
 */
export async function holdAcceptLock(db: Queryable, kind: string): Promise<void> {
  checked(kind, 'x');
  await db.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [ACCEPT_LOCK_CLASS, kind]);
}

/**
 * Wait until every upload request of `kind` that was storing a file when this is called has
 * committed or rolled back (takes the lock exclusively in a transaction of its own and lets go).
 * Afterwards every upload with a lower id than one already committed is visible or gone.
 */
export async function waitForAccepts(client: ClientBase, kind: string): Promise<void> {
  checked(kind, 'x');
  await withTransaction(client, () =>
    client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ACCEPT_LOCK_CLASS, kind]),
  );
}

/** Pending (or interrupted) uploads of a kind+flavour with a lower id than `id`, oldest first. */
export async function earlierUnlanded(db: Queryable, kind: string, flavour: string, id: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id::int AS id FROM log.upload_file WHERE csv_type = $1 AND flavour = $2 AND status IN ('pending', 'processing') AND id < $3 ORDER BY id`,
    [kind, flavour, id],
  );
  return rows.map((r) => r.id);
}
