-- Slimmer row keys for the ingest path (issue 5). Measured with psql \copy of 1M receive rows:
--   raw: bigserial id PK + (upload_file_id, source_line) index 6.2 s -> PK (upload_file_id, source_line) 3.6 s;
--   stg: bigserial id PK + UNIQUE (slip_date, slip_no, line_no) + (slip_date) + (upload_file_id)
--        12.6 s -> PK (slip_date, slip_no, line_no) 6.8 s (text COPY), 4.5 s (binary COPY).
-- The surrogate ids were never referenced; the natural key was already unique, and its leading
-- slip_date serves the replace-by-period DELETE and the MVs' date ranges, so the separate
-- slip_date index was redundant. stg.upload_file_id lost its index: nothing queries stg by upload
-- (lineage by upload is in raw, whose PK leads with upload_file_id).
--
-- log.upload_blob.data is stored uncompressed (STORAGE EXTERNAL): pglz compressed the CSV bytes
-- 3.3x but made storing a 90 MB upload 2.7 s instead of 0.65 s, inside the request.

-- DropIndex
DROP INDEX "raw"."shogun_receive_upload_file_id_source_line_idx";

-- DropIndex
DROP INDEX "raw"."shogun_shipment_upload_file_id_source_line_idx";

-- DropIndex
DROP INDEX "raw"."shogun_yard_upload_file_id_source_line_idx";

-- DropIndex
DROP INDEX "stg"."shogun_final_receive_slip_date_idx";

-- DropIndex
DROP INDEX "stg"."shogun_final_receive_slip_date_slip_no_line_no_key";

-- DropIndex
DROP INDEX "stg"."shogun_final_receive_upload_file_id_idx";

-- DropIndex
DROP INDEX "stg"."shogun_final_shipment_slip_date_idx";

-- DropIndex
DROP INDEX "stg"."shogun_final_shipment_slip_date_slip_no_line_no_key";

-- DropIndex
DROP INDEX "stg"."shogun_final_shipment_upload_file_id_idx";

-- DropIndex
DROP INDEX "stg"."shogun_final_yard_slip_date_idx";

-- DropIndex
DROP INDEX "stg"."shogun_final_yard_slip_date_slip_no_line_no_key";

-- DropIndex
DROP INDEX "stg"."shogun_final_yard_upload_file_id_idx";

-- DropIndex
DROP INDEX "stg"."shogun_flash_receive_slip_date_idx";

-- DropIndex
DROP INDEX "stg"."shogun_flash_receive_slip_date_slip_no_line_no_key";

-- DropIndex
DROP INDEX "stg"."shogun_flash_receive_upload_file_id_idx";

-- DropIndex
DROP INDEX "stg"."shogun_flash_shipment_slip_date_idx";

-- DropIndex
DROP INDEX "stg"."shogun_flash_shipment_slip_date_slip_no_line_no_key";

-- DropIndex
DROP INDEX "stg"."shogun_flash_shipment_upload_file_id_idx";

-- DropIndex
DROP INDEX "stg"."shogun_flash_yard_slip_date_idx";

-- DropIndex
DROP INDEX "stg"."shogun_flash_yard_slip_date_slip_no_line_no_key";

-- DropIndex
DROP INDEX "stg"."shogun_flash_yard_upload_file_id_idx";

-- AlterTable
ALTER TABLE "raw"."shogun_receive" DROP CONSTRAINT "shogun_receive_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "shogun_receive_pkey" PRIMARY KEY ("upload_file_id", "source_line");

-- AlterTable
ALTER TABLE "raw"."shogun_shipment" DROP CONSTRAINT "shogun_shipment_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "shogun_shipment_pkey" PRIMARY KEY ("upload_file_id", "source_line");

-- AlterTable
ALTER TABLE "raw"."shogun_yard" DROP CONSTRAINT "shogun_yard_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "shogun_yard_pkey" PRIMARY KEY ("upload_file_id", "source_line");

-- AlterTable
ALTER TABLE "stg"."shogun_final_receive" DROP CONSTRAINT "shogun_final_receive_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "shogun_final_receive_pkey" PRIMARY KEY ("slip_date", "slip_no", "line_no");

-- AlterTable
ALTER TABLE "stg"."shogun_final_shipment" DROP CONSTRAINT "shogun_final_shipment_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "shogun_final_shipment_pkey" PRIMARY KEY ("slip_date", "slip_no", "line_no");

-- AlterTable
ALTER TABLE "stg"."shogun_final_yard" DROP CONSTRAINT "shogun_final_yard_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "shogun_final_yard_pkey" PRIMARY KEY ("slip_date", "slip_no", "line_no");

-- AlterTable
ALTER TABLE "stg"."shogun_flash_receive" DROP CONSTRAINT "shogun_flash_receive_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "shogun_flash_receive_pkey" PRIMARY KEY ("slip_date", "slip_no", "line_no");

-- AlterTable
ALTER TABLE "stg"."shogun_flash_shipment" DROP CONSTRAINT "shogun_flash_shipment_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "shogun_flash_shipment_pkey" PRIMARY KEY ("slip_date", "slip_no", "line_no");

-- AlterTable
ALTER TABLE "stg"."shogun_flash_yard" DROP CONSTRAINT "shogun_flash_yard_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "shogun_flash_yard_pkey" PRIMARY KEY ("slip_date", "slip_no", "line_no");

-- AlterTable (not expressible in schema.prisma; pg_dump shows it in sql/schema_head.sql)
ALTER TABLE "log"."upload_blob" ALTER COLUMN "data" SET STORAGE EXTERNAL;
