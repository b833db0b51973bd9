-- Undo the init migration: the tables it created, then its six schemas, leaving an empty database
-- (only _prisma_migrations). Reached only after every later migration's down.sql has run, so the
-- schemas hold exactly what init made. Nothing is dropped with CASCADE: an object made outside the
-- history in one of these schemas (a hand-made table, a view) makes this fail naming it, and the
-- rollback of init is undone with it. Tables referencing log.upload_file go first.
DROP TABLE "log"."upload_blob";
DROP TABLE "raw"."shogun_receive";
DROP TABLE "raw"."shogun_shipment";
DROP TABLE "raw"."shogun_yard";
DROP TABLE "stg"."shogun_final_receive";
DROP TABLE "stg"."shogun_flash_receive";
DROP TABLE "stg"."shogun_final_shipment";
DROP TABLE "stg"."shogun_flash_shipment";
DROP TABLE "stg"."shogun_final_yard";
DROP TABLE "stg"."shogun_flash_yard";
DROP TABLE "log"."upload_file";
DROP TABLE "log"."mv_refresh_log";
DROP TABLE "ref"."calendar";
DROP TABLE "mart"."daily_target_plan";
DROP TABLE "kpi"."monthly_targets";

DROP SCHEMA "kpi";
DROP SCHEMA "log";
DROP SCHEMA "mart";
DROP SCHEMA "raw";
DROP SCHEMA "ref";
DROP SCHEMA "stg";
