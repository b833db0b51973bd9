-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "kpi";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "log";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "mart";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "raw";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "ref";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "stg";

-- CreateTable
CREATE TABLE "log"."upload_file" (
    "id" BIGSERIAL NOT NULL,
    "csv_type" TEXT NOT NULL,
    "flavour" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "file_sha256" TEXT NOT NULL,
    "file_size" BIGINT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "encoding" TEXT,
    "row_count" INTEGER,
    "date_from" DATE,
    "date_to" DATE,
    "errors" JSONB,
    "error_message" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(6),
    "finished_at" TIMESTAMPTZ(6),
    "refresh_outcome" TEXT,
    "refresh_run_id" BIGINT,

    CONSTRAINT "upload_file_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "log"."upload_blob" (
    "upload_file_id" BIGINT NOT NULL,
    "chunk_no" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "upload_blob_pkey" PRIMARY KEY ("upload_file_id","chunk_no")
);

-- CreateTable
CREATE TABLE "log"."mv_refresh_log" (
    "id" BIGSERIAL NOT NULL,
    "mv_name" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),
    "mode" TEXT NOT NULL,
    "mode_reason" TEXT,
    "outcome" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "row_count" BIGINT,
    "duration_ms" INTEGER,

    CONSTRAINT "mv_refresh_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "raw"."shogun_receive" (
    "id" BIGSERIAL NOT NULL,
    "upload_file_id" BIGINT NOT NULL,
    "source_line" INTEGER NOT NULL,
    "slip_date" TEXT,
    "slip_no" TEXT,
    "line_no" TEXT,
    "vendor_cd" TEXT,
    "vendor_name" TEXT,
    "item_cd" TEXT,
    "item_name" TEXT,
    "net_weight_kg" TEXT,
    "quantity" TEXT,
    "unit_name" TEXT,
    "unit_price" TEXT,
    "amount" TEXT,

    CONSTRAINT "shogun_receive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "raw"."shogun_shipment" (
    "id" BIGSERIAL NOT NULL,
    "upload_file_id" BIGINT NOT NULL,
    "source_line" INTEGER NOT NULL,
    "slip_date" TEXT,
    "slip_no" TEXT,
    "line_no" TEXT,
    "vendor_cd" TEXT,
    "vendor_name" TEXT,
    "item_cd" TEXT,
    "item_name" TEXT,
    "net_weight_kg" TEXT,
    "quantity" TEXT,
    "unit_name" TEXT,
    "unit_price" TEXT,
    "amount" TEXT,
    "sales_rep" TEXT,

    CONSTRAINT "shogun_shipment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "raw"."shogun_yard" (
    "id" BIGSERIAL NOT NULL,
    "upload_file_id" BIGINT NOT NULL,
    "source_line" INTEGER NOT NULL,
    "slip_date" TEXT,
    "slip_no" TEXT,
    "line_no" TEXT,
    "item_cd" TEXT,
    "item_name" TEXT,
    "net_weight_kg" TEXT,
    "quantity" TEXT,
    "unit_name" TEXT,

    CONSTRAINT "shogun_yard_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stg"."shogun_final_receive" (
    "id" BIGSERIAL NOT NULL,
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

    CONSTRAINT "shogun_final_receive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stg"."shogun_flash_receive" (
    "id" BIGSERIAL NOT NULL,
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

    CONSTRAINT "shogun_flash_receive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stg"."shogun_final_shipment" (
    "id" BIGSERIAL NOT NULL,
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

    CONSTRAINT "shogun_final_shipment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stg"."shogun_flash_shipment" (
    "id" BIGSERIAL NOT NULL,
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

    CONSTRAINT "shogun_flash_shipment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stg"."shogun_final_yard" (
    "id" BIGSERIAL NOT NULL,
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

    CONSTRAINT "shogun_final_yard_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stg"."shogun_flash_yard" (
    "id" BIGSERIAL NOT NULL,
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

    CONSTRAINT "shogun_flash_yard_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ref"."calendar" (
    "ddate" DATE NOT NULL,
    "iso_year" INTEGER NOT NULL,
    "iso_week" INTEGER NOT NULL,
    "iso_dow" INTEGER NOT NULL,
    "is_holiday" BOOLEAN NOT NULL DEFAULT false,
    "holiday_name" TEXT,
    "is_business_day" BOOLEAN NOT NULL,
    "day_type" TEXT NOT NULL,

    CONSTRAINT "calendar_pkey" PRIMARY KEY ("ddate")
);

-- CreateTable
CREATE TABLE "mart"."daily_target_plan" (
    "ddate" DATE NOT NULL,
    "target_ton" DECIMAL(12,3) NOT NULL,

    CONSTRAINT "daily_target_plan_pkey" PRIMARY KEY ("ddate")
);

-- CreateTable
CREATE TABLE "kpi"."monthly_targets" (
    "month" DATE NOT NULL,
    "target_ton" DECIMAL(12,3) NOT NULL,

    CONSTRAINT "monthly_targets_pkey" PRIMARY KEY ("month")
);

-- CreateIndex
CREATE INDEX "upload_file_csv_type_flavour_file_sha256_idx" ON "log"."upload_file"("csv_type", "flavour", "file_sha256");

-- CreateIndex
CREATE INDEX "mv_refresh_log_mv_name_started_at_idx" ON "log"."mv_refresh_log"("mv_name", "started_at" DESC);

-- CreateIndex
CREATE INDEX "shogun_receive_upload_file_id_source_line_idx" ON "raw"."shogun_receive"("upload_file_id", "source_line");

-- CreateIndex
CREATE INDEX "shogun_shipment_upload_file_id_source_line_idx" ON "raw"."shogun_shipment"("upload_file_id", "source_line");

-- CreateIndex
CREATE INDEX "shogun_yard_upload_file_id_source_line_idx" ON "raw"."shogun_yard"("upload_file_id", "source_line");

-- CreateIndex
CREATE INDEX "shogun_final_receive_slip_date_idx" ON "stg"."shogun_final_receive"("slip_date");

-- CreateIndex
CREATE INDEX "shogun_final_receive_upload_file_id_idx" ON "stg"."shogun_final_receive"("upload_file_id");

-- CreateIndex
CREATE UNIQUE INDEX "shogun_final_receive_slip_date_slip_no_line_no_key" ON "stg"."shogun_final_receive"("slip_date", "slip_no", "line_no");

-- CreateIndex
CREATE INDEX "shogun_flash_receive_slip_date_idx" ON "stg"."shogun_flash_receive"("slip_date");

-- CreateIndex
CREATE INDEX "shogun_flash_receive_upload_file_id_idx" ON "stg"."shogun_flash_receive"("upload_file_id");

-- CreateIndex
CREATE UNIQUE INDEX "shogun_flash_receive_slip_date_slip_no_line_no_key" ON "stg"."shogun_flash_receive"("slip_date", "slip_no", "line_no");

-- CreateIndex
CREATE INDEX "shogun_final_shipment_slip_date_idx" ON "stg"."shogun_final_shipment"("slip_date");

-- CreateIndex
CREATE INDEX "shogun_final_shipment_upload_file_id_idx" ON "stg"."shogun_final_shipment"("upload_file_id");

-- CreateIndex
CREATE UNIQUE INDEX "shogun_final_shipment_slip_date_slip_no_line_no_key" ON "stg"."shogun_final_shipment"("slip_date", "slip_no", "line_no");

-- CreateIndex
CREATE INDEX "shogun_flash_shipment_slip_date_idx" ON "stg"."shogun_flash_shipment"("slip_date");

-- CreateIndex
CREATE INDEX "shogun_flash_shipment_upload_file_id_idx" ON "stg"."shogun_flash_shipment"("upload_file_id");

-- CreateIndex
CREATE UNIQUE INDEX "shogun_flash_shipment_slip_date_slip_no_line_no_key" ON "stg"."shogun_flash_shipment"("slip_date", "slip_no", "line_no");

-- CreateIndex
CREATE INDEX "shogun_final_yard_slip_date_idx" ON "stg"."shogun_final_yard"("slip_date");

-- CreateIndex
CREATE INDEX "shogun_final_yard_upload_file_id_idx" ON "stg"."shogun_final_yard"("upload_file_id");

-- CreateIndex
CREATE UNIQUE INDEX "shogun_final_yard_slip_date_slip_no_line_no_key" ON "stg"."shogun_final_yard"("slip_date", "slip_no", "line_no");

-- CreateIndex
CREATE INDEX "shogun_flash_yard_slip_date_idx" ON "stg"."shogun_flash_yard"("slip_date");

-- CreateIndex
CREATE INDEX "shogun_flash_yard_upload_file_id_idx" ON "stg"."shogun_flash_yard"("upload_file_id");

-- CreateIndex
CREATE UNIQUE INDEX "shogun_flash_yard_slip_date_slip_no_line_no_key" ON "stg"."shogun_flash_yard"("slip_date", "slip_no", "line_no");

-- CreateIndex
CREATE INDEX "calendar_iso_year_iso_week_idx" ON "ref"."calendar"("iso_year", "iso_week");

-- AddForeignKey
ALTER TABLE "log"."upload_blob" ADD CONSTRAINT "upload_blob_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "raw"."shogun_receive" ADD CONSTRAINT "shogun_receive_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "raw"."shogun_shipment" ADD CONSTRAINT "shogun_shipment_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "raw"."shogun_yard" ADD CONSTRAINT "shogun_yard_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stg"."shogun_final_receive" ADD CONSTRAINT "shogun_final_receive_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stg"."shogun_flash_receive" ADD CONSTRAINT "shogun_flash_receive_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stg"."shogun_final_shipment" ADD CONSTRAINT "shogun_final_shipment_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stg"."shogun_flash_shipment" ADD CONSTRAINT "shogun_flash_shipment_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stg"."shogun_final_yard" ADD CONSTRAINT "shogun_final_yard_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stg"."shogun_flash_yard" ADD CONSTRAINT "shogun_flash_yard_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;
