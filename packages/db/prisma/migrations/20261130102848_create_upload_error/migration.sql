-- CreateTable
CREATE TABLE "log"."upload_error" (
    "upload_file_id" BIGINT NOT NULL,
    "seq" INTEGER NOT NULL,
    "line" INTEGER,
    "column_name" TEXT,
    "value" TEXT,
    "reason" TEXT NOT NULL,
    "row_text" TEXT,

    CONSTRAINT "upload_error_pkey" PRIMARY KEY ("upload_file_id","seq")
);

-- AddForeignKey
ALTER TABLE "log"."upload_error" ADD CONSTRAINT "upload_error_upload_file_id_fkey" FOREIGN KEY ("upload_file_id") REFERENCES "log"."upload_file"("id") ON DELETE CASCADE ON UPDATE CASCADE;
