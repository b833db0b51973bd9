-- Reverts 20261207103000_target_edit_source_seed. Refused (the constraint fails) while the history
-- holds 'seed' rows: they record real changes, so keep them or delete them knowingly first.
ALTER TABLE "kpi"."target_edit" DROP CONSTRAINT "target_edit_source_check";
ALTER TABLE "kpi"."target_edit" ADD CONSTRAINT "target_edit_source_check" CHECK (source IN ('form', 'csv'));
