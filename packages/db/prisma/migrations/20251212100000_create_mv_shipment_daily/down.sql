DROP MATERIALIZED VIEW mart.mv_shipment_daily;
