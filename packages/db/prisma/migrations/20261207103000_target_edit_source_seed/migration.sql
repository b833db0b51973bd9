-- kpi.target_edit records a replacement by `pnpm db:seed --overwrite` (or `demo:data --reference
-- --overwrite`) as source 'seed': the targets history keeps saying what the tables hold after a
-- guarded overwrite put generated values back over typed ones.
ALTER TABLE "kpi"."target_edit" DROP CONSTRAINT "target_edit_source_check";
ALTER TABLE "kpi"."target_edit" ADD CONSTRAINT "target_edit_source_check" CHECK (source IN ('form', 'csv', 'seed')) NOT VALID;
ALTER TABLE "kpi"."target_edit" VALIDATE CONSTRAINT "target_edit_source_check";
