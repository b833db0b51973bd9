-- CreateTable
CREATE TABLE "kpi"."target_edit" (
    "id" BIGSERIAL NOT NULL,
    "edited_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "editor" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "ddate" DATE NOT NULL,
    "old_ton" DECIMAL(12,3),
    "new_ton" DECIMAL(12,3),
    "source" TEXT NOT NULL,
    "file_name" TEXT,

    CONSTRAINT "target_edit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "target_edit_edited_at_idx" ON "kpi"."target_edit"("edited_at");

ALTER TABLE "kpi"."target_edit" ADD CONSTRAINT "target_edit_scope_check" CHECK (scope IN ('month', 'day'));
ALTER TABLE "kpi"."target_edit" ADD CONSTRAINT "target_edit_source_check" CHECK (source IN ('form', 'csv'));
