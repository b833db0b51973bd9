/**
 * Retention of failed uploads' bytes: log.upload_blob rows of uploads that failed more than a
 * given age ago are deleted. The log.upload_file row and its log.upload_error rows stay (what
 * failed and why, with each bad row's text); only the original file is gone. Successful uploads'
 * bytes are never touched.
 */
import type pg from 'pg';
import { withTransaction } from '../pg/with.ts';
import { writeAudit, type Actor } from '../accounts/audit.ts';

export interface PurgeOptions {
  /** Failed at least this long ago (by finished_at). */
  olderThanMs: number;
  /** Count only; delete nothing. */
  dryRun?: boolean;
  /** Who purges (the CLI's `--as` or OS user): one `upload.purged` audit row per upload, in the same transaction. */
  actor: Actor;
}

export interface PurgeResult {
  /** The uploads whose bytes were (or, dry run, would be) deleted. */
  uploads: { id: number; fileName: string; finishedAt: Date; bytes: number }[];
  bytes: number;
  dryRun: boolean;
}

/** A retention period: `30d`, `12h`, `90m` (days, hours, minutes). */
export function parseAge(text: string): number {
  const m = /^(\d{1,6})([dhm])$/.exec(text.trim());
  if (!m) throw new Error(`${JSON.stringify(text)} is not an age; write a number with d, h or m, e.g. 30d`);
  return Number(m[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
}

/**
 * Delete (or, dry run, list) the stored bytes of uploads that failed before now − olderThanMs, in one
 * transaction (a dry run rolls back).
 *
 * @example
 * const r = await purgeFailedUploadBytes(client, { olderThanMs: parseAge('30d'), actor: { type: 'cli', id: null, name: 'ana' } });
 * console.log(`${r.uploads.length} upload(s), ${r.bytes} bytes`);
 */
export async function purgeFailedUploadBytes(client: pg.ClientBase, opts: PurgeOptions): Promise<PurgeResult> {
  const dryRun = Boolean(opts.dryRun);
  const run = async () => {
    const { rows } = await client.query<{ id: string; file_name: string; finished_at: Date; bytes: string }>(
      `WITH f AS (
         SELECT id, file_name, finished_at FROM log.upload_file
          WHERE status = 'failed' AND finished_at < clock_timestamp() - make_interval(secs => $1::float8 / 1000)
          FOR UPDATE)
       SELECT f.id, f.file_name, f.finished_at, sum(octet_length(b.data))::bigint AS bytes
         FROM f JOIN log.upload_blob b ON b.upload_file_id = f.id
        GROUP BY f.id, f.file_name, f.finished_at ORDER BY f.id`,
      [opts.olderThanMs],
    );
    const ids = rows.map((r) => r.id);
    if (!dryRun && ids.length)
      await client.query('DELETE FROM log.upload_blob WHERE upload_file_id = ANY($1::bigint[])', [ids]);
    const uploads = rows.map((r) => ({
      id: Number(r.id),
      fileName: r.file_name,
      finishedAt: r.finished_at,
      bytes: Number(r.bytes),
    }));
    if (!dryRun)
      for (const u of uploads)
        await writeAudit(client, {
          actor: opts.actor,
          action: 'upload.purged',
          objectType: 'upload',
          objectId: u.id,
          before: { fileName: u.fileName, bytes: u.bytes, failedAt: u.finishedAt.toISOString() },
          after: { bytes: 0, olderThanMs: opts.olderThanMs },
        });
    return { uploads, bytes: uploads.reduce((a, u) => a + u.bytes, 0), dryRun };
  };
  if (!dryRun) return withTransaction(client, run);
  await client.query('BEGIN');
  try {
    return await run();
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
}
