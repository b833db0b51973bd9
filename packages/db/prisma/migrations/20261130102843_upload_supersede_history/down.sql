-- Undo upload_supersede_history. Superseded rows in the history tables are dropped with them
-- (stg keeps the current rows); held and reverted uploads become failed, which the older code knows.
UPDATE "log"."upload_file" SET "status" = 'failed', "error_message" = coalesce("error_message", 'status ' || "status" || ' before rollback of upload_supersede_history')
 WHERE "status" IN ('held', 'reverted');
DROP TABLE "stg"."shogun_final_receive_history";
DROP TABLE "stg"."shogun_flash_receive_history";
DROP TABLE "stg"."shogun_final_shipment_history";
DROP TABLE "stg"."shogun_flash_shipment_history";
DROP TABLE "stg"."shogun_final_yard_history";
DROP TABLE "stg"."shogun_flash_yard_history";
DROP TABLE "log"."upload_touched_date";
ALTER TABLE "log"."upload_file" DROP COLUMN "confirmed_at", DROP COLUMN "dates_touched", DROP COLUMN "held_reason",
  DROP COLUMN "period_from", DROP COLUMN "period_to", DROP COLUMN "reverted_at", DROP COLUMN "rows_added",
  DROP COLUMN "rows_superseded", DROP COLUMN "touched_first", DROP COLUMN "touched_last";
