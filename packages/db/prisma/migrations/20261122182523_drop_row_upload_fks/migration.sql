-- raw.* and stg.* rows keep upload_file_id but lose the per-row foreign key check to log.upload_file:
-- it doubled ingest time (pnpm bench:ingest --rows 300000: job 14.1 s with the FKs, 6.2 s without).
-- Only the ingest job writes these rows, in the transaction that holds the upload row locked.

-- DropForeignKey
ALTER TABLE "raw"."shogun_receive" DROP CONSTRAINT "shogun_receive_upload_file_id_fkey";

-- DropForeignKey
ALTER TABLE "raw"."shogun_shipment" DROP CONSTRAINT "shogun_shipment_upload_file_id_fkey";

-- DropForeignKey
ALTER TABLE "raw"."shogun_yard" DROP CONSTRAINT "shogun_yard_upload_file_id_fkey";

-- DropForeignKey
ALTER TABLE "stg"."shogun_final_receive" DROP CONSTRAINT "shogun_final_receive_upload_file_id_fkey";

-- DropForeignKey
ALTER TABLE "stg"."shogun_final_shipment" DROP CONSTRAINT "shogun_final_shipment_upload_file_id_fkey";

-- DropForeignKey
ALTER TABLE "stg"."shogun_final_yard" DROP CONSTRAINT "shogun_final_yard_upload_file_id_fkey";

-- DropForeignKey
ALTER TABLE "stg"."shogun_flash_receive" DROP CONSTRAINT "shogun_flash_receive_upload_file_id_fkey";

-- DropForeignKey
ALTER TABLE "stg"."shogun_flash_shipment" DROP CONSTRAINT "shogun_flash_shipment_upload_file_id_fkey";

-- DropForeignKey
ALTER TABLE "stg"."shogun_flash_yard" DROP CONSTRAINT "shogun_flash_yard_upload_file_id_fkey";
