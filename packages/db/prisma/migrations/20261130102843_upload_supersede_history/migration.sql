-- Uploads lose nothing (issue 11): a successful upload moves the stg rows it replaces into
-- stg.<table>_history (same columns + superseded_by_upload_id, superseded_at) in its own
-- transaction, so stg keeps its natural key and every MV/view keeps reading stg unchanged; a revert
-- moves them back. log.upload_touched_date lists the dates each upload added or superseded rows on
-- (the revert guard). upload_file gains what an upload did and its held/confirm/revert timestamps.

-- AlterTable
ALTER TABLE "log"."upload_file" ADD COLUMN     "confirmed_at" TIMESTAMPTZ(6),
ADD COLUMN     "dates_touched" INTEGER,
ADD COLUMN     "held_reason" TEXT,
ADD COLUMN     "period_from" DATE,
ADD COLUMN     "period_to" DATE,
ADD COLUMN     "reverted_at" TIMESTAMPTZ(6),
ADD COLUMN     "rows_added" INTEGER,
ADD COLUMN     "rows_superseded" INTEGER,
ADD COLUMN     "touched_first" DATE,
ADD COLUMN     "touched_last" DATE;

-- CreateTable
CREATE TABLE "log"."upload_touched_date" (
    "upload_file_id" BIGINT NOT NULL,
    "slip_date" DATE NOT NULL,

    CONSTRAINT "upload_touched_date_pkey" PRIMARY KEY ("upload_file_id","slip_date")
);

-- CreateTable
CREATE TABLE "stg"."shogun_final_receive_history" (
    "slip_date" DATE NOT NULL,
    "slip_no" TEXT NOT NULL,
    "line_no" INTEGER NOT NULL,
    "vendor_cd" TEXT,
    "vendor_name" TEXT,
    "item_cd" TEXT,
    "item_name" TEXT,
    "net_weight_kg" DECIMAL(14,3),
    "quantity" DECIMAL(14,3),
    "unit_name" TEXT,
    "unit_price" DECIMAL(14,2),
    "amount" DECIMAL(16,2),
    "upload_file_id" BIGINT NOT NULL,
    "source_line" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "superseded_by_upload_id" BIGINT NOT NULL,
    "superseded_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "shogun_final_receive_history_pkey" PRIMARY KEY ("superseded_by_upload_id","slip_date","slip_no","line_no")
);

-- CreateTable
CREATE TABLE "stg"."shogun_flash_receive_history" (
    "slip_date" DATE NOT NULL,
    "slip_no" TEXT NOT NULL,
    "line_no" INTEGER NOT NULL,
    "vendor_cd" TEXT,
    "vendor_name" TEXT,
    "item_cd" TEXT,
    "item_name" TEXT,
    "net_weight_kg" DECIMAL(14,3),
    "quantity" DECIMAL(14,3),
    "unit_name" TEXT,
    "unit_price" DECIMAL(14,2),
    "amount" DECIMAL(16,2),
    "upload_file_id" BIGINT NOT NULL,
    "source_line" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "superseded_by_upload_id" BIGINT NOT NULL,
    "superseded_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "shogun_flash_receive_history_pkey" PRIMARY KEY ("superseded_by_upload_id","slip_date","slip_no","line_no")
);

-- CreateTable
CREATE TABLE "stg"."shogun_final_shipment_history" (
    "slip_date" DATE NOT NULL,
    "slip_no" TEXT NOT NULL,
    "line_no" INTEGER NOT NULL,
    "vendor_cd" TEXT,
    "vendor_name" TEXT,
    "item_cd" TEXT,
    "item_name" TEXT,
    "net_weight_kg" DECIMAL(14,3),
    "quantity" DECIMAL(14,3),
    "unit_name" TEXT,
    "unit_price" DECIMAL(14,2),
    "amount" DECIMAL(16,2),
    "sales_rep" TEXT,
    "upload_file_id" BIGINT NOT NULL,
    "source_line" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "superseded_by_upload_id" BIGINT NOT NULL,
    "superseded_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "shogun_final_shipment_history_pkey" PRIMARY KEY ("superseded_by_upload_id","slip_date","slip_no","line_no")
);

-- CreateTable
CREATE TABLE "stg"."shogun_flash_shipment_history" (
    "slip_date" DATE NOT NULL,
    "slip_no" TEXT NOT NULL,
    "line_no" INTEGER NOT NULL,
    "vendor_cd" TEXT,
    "vendor_name" TEXT,
    "item_cd" TEXT,
    "item_name" TEXT,
    "net_weight_kg" DECIMAL(14,3),
    "quantity" DECIMAL(14,3),
    "unit_name" TEXT,
    "unit_price" DECIMAL(14,2),
    "amount" DECIMAL(16,2),
    "sales_rep" TEXT,
    "upload_file_id" BIGINT NOT NULL,
    "source_line" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "superseded_by_upload_id" BIGINT NOT NULL,
    "superseded_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "shogun_flash_shipment_history_pkey" PRIMARY KEY ("superseded_by_upload_id","slip_date","slip_no","line_no")
);

-- CreateTable
CREATE TABLE "stg"."shogun_final_yard_history" (
    "slip_date" DATE NOT NULL,
    "slip_no" TEXT NOT NULL,
    "line_no" INTEGER NOT NULL,
    "item_cd" TEXT,
    "item_name" TEXT,
    "net_weight_kg" DECIMAL(14,3),
    "quantity" DECIMAL(14,3),
    "unit_name" TEXT,
    "upload_file_id" BIGINT NOT NULL,
    "source_line" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "superseded_by_upload_id" BIGINT NOT NULL,
    "superseded_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "shogun_final_yard_history_pkey" PRIMARY KEY ("superseded_by_upload_id","slip_date","slip_no","line_no")
);

-- CreateTable
CREATE TABLE "stg"."shogun_flash_yard_history" (
    "slip_date" DATE NOT NULL,
    "slip_no" TEXT NOT NULL,
    "line_no" INTEGER NOT NULL,
    "item_cd" TEXT,
    "item_name" TEXT,
    "net_weight_kg" DECIMAL(14,3),
    "quantity" DECIMAL(14,3),
    "unit_name" TEXT,
    "upload_file_id" BIGINT NOT NULL,
    "source_line" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "superseded_by_upload_id" BIGINT NOT NULL,
    "superseded_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "shogun_flash_yard_history_pkey" PRIMARY KEY ("superseded_by_upload_id","slip_date","slip_no","line_no")
);

-- CreateIndex
CREATE INDEX "upload_touched_date_slip_date_idx" ON "log"."upload_touched_date"("slip_date");

-- AddForeignKey
ALTER TABLE "log"."upload_touched_date" ADD CONSTRAINT "upload_touched_date_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Uploads that landed before this migration: the dates of their rows still in stg.
INSERT INTO "log"."upload_touched_date" ("upload_file_id", "slip_date")
SELECT DISTINCT "upload_file_id", "slip_date" FROM (
  SELECT "upload_file_id", "slip_date" FROM "stg"."shogun_final_receive"
  UNION ALL SELECT "upload_file_id", "slip_date" FROM "stg"."shogun_flash_receive"
  UNION ALL SELECT "upload_file_id", "slip_date" FROM "stg"."shogun_final_shipment"
  UNION ALL SELECT "upload_file_id", "slip_date" FROM "stg"."shogun_flash_shipment"
  UNION ALL SELECT "upload_file_id", "slip_date" FROM "stg"."shogun_final_yard"
  UNION ALL SELECT "upload_file_id", "slip_date" FROM "stg"."shogun_flash_yard"
) r WHERE EXISTS (SELECT 1 FROM "log"."upload_file" u WHERE u."id" = r."upload_file_id");
