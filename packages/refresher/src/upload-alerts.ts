import type pg from 'pg';
import { openIncident, resolveIncident, type AlertOptions } from './alerts.ts';

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

/**
 * Open and resolve `upload:<id>` incidents from the uploads' state, so an alert goes out when an
 * upload fails or is held, and one "resolved" when it clears: a held upload confirmed, an upload no
 * longer failed/held, or a failed one sent again (same name or bytes, same kind and flavour) and
 * landed. Called by the ingest job right after it marks an upload, by confirm/revert, and every
 * minute by the watch as a safety net (a process that died between marking and alerting).
 *
 * Opening once per incident: an upload is alerted again only if it reached its state after its
 * last incident was opened (held → confirmed → failed alerts twice; a failed upload whose incident
 * was resolved by a re-upload is not reopened by the next watch).
 * @example await syncUploadIncidents(pool, { logger }, { uploadId: 42 })
 */
export async function syncUploadIncidents(
  pool: pg.Pool,
  options: AlertOptions,
  scope: { uploadId?: number } = {},
): Promise<{ opened: number; resolved: number }> {
  let opened = 0;
  let resolved = 0;
  const { rows } = await pool.query(
    `select u.id, u.csv_type, u.flavour, u.status, u.file_name, coalesce(u.finished_at, u.created_at) as at,
            coalesce(u.error_message, u.held_reason, '') as why
       from log.upload_file u
      where u.status in ('failed', 'held') and u.created_at > now() - ${RECENT}
        and ($1::bigint is null or u.id = $1)
        and not exists (select 1 from log.alert_incident i
                         where i.key = 'upload:' || u.id and i.opened_at >= coalesce(u.finished_at, u.created_at))
        and not exists (${RESENT})
      order by u.id`,
    [scope.uploadId ?? null],
  );
  for (const u of rows) {
    const held = u.status === 'held';
    const look = `GET /uploads/${u.id}`;
    const fix = held
      ? `confirm it (POST /uploads/${u.id}/confirm or pnpm upload:confirm --id ${u.id}) if the shrink is intended`
      : 'fix the file and upload it again';
    const ok = await openIncident(
      pool,
      {
        key: `upload:${u.id}`,
        kind: held ? 'upload_held' : 'upload_failed',
        subject: `upload ${u.id}`,
        since: u.at,
        text: `upload ${u.id} (${u.csv_type}, ${u.file_name}) ${u.status}${u.why ? `: ${u.why}` : ''}. Look: ${look}; ${fix}`,
        look,
        fields: {
          uploadId: Number(u.id),
          csvType: u.csv_type,
          flavour: u.flavour,
          status: u.status,
          fileName: u.file_name,
        },
      },
      options,
    );
    if (ok) opened++;
  }
  // Open incidents only (few rows): each clears when its upload left failed/held or was sent again.
  const cleared = await pool.query(
    `select i.key, u.status, u.confirmed_at is not null as confirmed, (${RESENT}) as resent
       from log.alert_incident i left join log.upload_file u on 'upload:' || u.id = i.key
      where i.resolved_at is null and starts_with(i.key, 'upload:')
        and (u.id is null or u.status not in ('failed', 'held') or exists (${RESENT}))`,
  );
  for (const r of cleared.rows) {
    const why = clearedBecause(r);
    if (await resolveIncident(pool, r.key, why, options)) resolved++;
  }
  return { opened, resolved };
}

/**
 * Why an upload's incident cleared, for the "resolved" text. A confirmed upload says so whatever
 * it has become: the confirm route and the worker both resolve, and whichever runs first words it.
 */
function clearedBecause(r: { status: string | null; confirmed: boolean; resent: string | null }): string {
  if (r.resent !== null) return `sent again and landed as upload ${r.resent}`;
  if (r.status === null) return 'the upload was deleted';
  if (!r.confirmed) return `the upload is now ${r.status}`;
  return `confirmed; ${r.status === 'pending' ? 'it is queued to land' : `the upload is now ${r.status}`}`;
}
