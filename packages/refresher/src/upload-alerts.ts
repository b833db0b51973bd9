import type pg from 'pg';
import { clearedUploadIncidents, uploadsToAlert } from '@warehouse/db/uploads';
import { openIncident, resolveIncident, type AlertOptions } from './alerts.ts';
import { UPLOAD_STATUS } from '@warehouse/db/kinds';

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
  const rows = await uploadsToAlert(pool, scope.uploadId ?? null);
  for (const u of rows) {
    const held = u.status === UPLOAD_STATUS.held;
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
  const cleared = await clearedUploadIncidents(pool);
  for (const r of cleared) {
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
  return `confirmed; ${r.status === UPLOAD_STATUS.pending ? 'it is queued to land' : `the upload is now ${r.status}`}`;
}
