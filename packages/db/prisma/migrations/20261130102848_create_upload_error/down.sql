-- Undo 20261130102848_create_upload_error: the per-row errors of failed uploads go (the first
-- ones stay in log.upload_file.errors).
DROP TABLE IF EXISTS "log"."upload_error";
