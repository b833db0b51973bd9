-- Dependants (v_receive_weekly/monthly, the mv_inb* MVs, mv_target_card_per_day) are removed by
-- the down.sql of the migrations that created them, which run first. No CASCADE.
DROP MATERIALIZED VIEW mart.mv_receive_daily;
