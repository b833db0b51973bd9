DROP MATERIALIZED VIEW mart.mv_target_card_per_day;
