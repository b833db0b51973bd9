/**
 * The reads of log.upload_file that the refresher makes (upload alerts, staleness, incremental
 * refresh) and an existence check, here so that every query of the table is in this module. Upload alerts read the
 * refresher's log.alert_incident alongside, to know which uploads already have an incident.
 */
import type { Queryable } from './upload-file.ts';

/** Upload incidents are opened for failed or held uploads created in the last this many days. */
const RECENT = `interval '7 days'`;

/**
 * A later successful upload of the same kind and flavour with the same file name or the same
 * bytes: the failed upload was sent again and landed. `u` is the failed upload's alias.
 */
const RESENT = `select r.id from log.upload_file r
  where r.status = 'success' and r.id > u.id and r.csv_type = u.csv_type and r.flavour = u.flavour
    and (r.file_name = u.file_name or r.file_sha256 = u.file_sha256)
  order by r.id limit 1`;

export interface UploadToAlert {
  id: string;
  csv_type: string;
  flavour: string;
  status: string;
  file_name: string;
  /** When it reached its state (finished, else created). */
  at: Date;
  /** Its error message or held reason ('' when neither). */
  why: string;
}

/**
 * Failed or held uploads of the last 7 days (one, with `uploadId`) that need an incident: none
 * was opened since they reached their state, and they were not sent again and landed.
 */
export async function uploadsToAlert(db: Queryable, uploadId: number | null): Promise<UploadToAlert[]> {
  const { rows } = await db.query<UploadToAlert>(
    `select u.id, u.csv_type, u.flavour, u.status, u.file_name, coalesce(u.finished_at, u.created_at) as at,
            coalesce(u.error_message, u.held_reason, '') as why
       from log.upload_file u
      where u.status in ('failed', 'held') and u.created_at > now() - ${RECENT}
        and ($1::bigint is null or u.id = $1)
        and not exists (select 1 from log.alert_incident i
                         where i.key = 'upload:' || u.id and i.opened_at >= coalesce(u.finished_at, u.created_at))
        and not exists (${RESENT})
      order by u.id`,
    [uploadId],
  );
  return rows;
}

export interface ClearedUploadIncident {
  key: string;
  /** The upload's status now, null when the upload was deleted. */
  status: string | null;
  confirmed: boolean;
  /** The id of the upload that re-sent it and landed, else null. */
  resent: string | null;
}

/** Open `upload:<id>` incidents whose upload left failed/held, was deleted, or was sent again and landed. */
export async function clearedUploadIncidents(db: Queryable): Promise<ClearedUploadIncident[]> {
  const { rows } = await db.query<ClearedUploadIncident>(
    `select i.key, u.status, u.confirmed_at is not null as confirmed, (${RESENT}) as resent
       from log.alert_incident i left join log.upload_file u on 'upload:' || u.id = i.key
      where i.resolved_at is null and starts_with(i.key, 'upload:')
        and (u.id is null or u.status not in ('failed', 'held') or exists (${RESENT}))`,
  );
  return rows;
}

/**
 * The latest change per kind that uploads made to stg: a landing (`upload:<id>` at finished_at) or
 * a revert (`revert:<id>` at reverted_at, once the uploads' revert migration added the column).
 */
export async function lastUploadChanges(db: Queryable): Promise<{ csv_type: string; what: string; at: Date }[]> {
  const { rows: cols } = await db.query(
    `select column_name from information_schema.columns where table_schema = 'log' and table_name = 'upload_file' and column_name = 'reverted_at'`,
  );
  // reverted_at arrives with the uploads' revert migration; until then only finished uploads count.
  const reverts = cols.length
    ? `union all select csv_type, 'revert:' || id, reverted_at from log.upload_file where reverted_at is not null`
    : '';
  const { rows } = await db.query<{ csv_type: string; what: string; at: Date }>(`
    select distinct on (csv_type) csv_type, what, at from (
      select csv_type, 'upload:' || id as what, finished_at as at from log.upload_file where status = 'success' and finished_at is not null
      ${reverts}
    ) e order by csv_type, at desc`);
  return rows;
}

/** How many of `ids` are uploads that exist (ids as numbers, or as text for bigint ids from a URL). */
export async function countExistingUploads(db: Queryable, ids: readonly (number | string)[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from log.upload_file where id = any($1::bigint[])`,
    [ids],
  );
  return rows[0]!.n;
}

/**
 * The people who have uploaded something (the history's "who" filter): accounts with at least one
 * upload, by name. One index probe per account (log.upload_file (uploaded_by, id)).
 */
export async function listUploaders(db: Queryable): Promise<{ id: string; name: string }[]> {
  const { rows } = await db.query<{ id: string; name: string }>(
    `SELECT u.id, u.name FROM auth."user" u
      WHERE EXISTS (SELECT 1 FROM log.upload_file f WHERE f.uploaded_by = u.id)
      ORDER BY u.name, u.id`,
  );
  return rows;
}
