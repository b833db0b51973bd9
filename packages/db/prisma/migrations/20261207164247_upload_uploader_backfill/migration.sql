-- upload_uploader_backfill: hand-written SQL (functions, data fixes; views and MVs belong in prisma/views).
-- Header lines available: "-- migrate:no-transaction", "-- requires: schema.relation, …" (docs/design.md).
-- requires: log.upload_file, log.audit_event
-- Uploads made since accounts exist have their uploader in the audit log (upload.accepted, written
-- with the upload); copy it to log.upload_file.uploaded_by(_name), which the history lists and
-- filters by. Uploads from before accounts keep NULL (shown as "—").
UPDATE log.upload_file u
   SET uploaded_by = a.actor_id, uploaded_by_name = a.actor_name
  FROM (SELECT DISTINCT ON (object_id) object_id, actor_id, actor_name
          FROM log.audit_event
         WHERE action = 'upload.accepted' AND object_type = 'upload'
         ORDER BY object_id, id) a
 WHERE a.object_id = u.id::text AND u.uploaded_by IS NULL;
