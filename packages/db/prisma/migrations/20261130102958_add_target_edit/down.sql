-- Reverts 20261130102958_add_target_edit: the targets history goes, the targets themselves stay.
DROP TABLE IF EXISTS "kpi"."target_edit";
