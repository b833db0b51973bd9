-- CreateTable
CREATE TABLE "log"."alert_incident" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "opened_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(6),
    "detail" JSONB NOT NULL,

    CONSTRAINT "alert_incident_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_incident_key_opened_at_idx" ON "log"."alert_incident"("key", "opened_at" DESC);
