-- materialized view mart.mv_target_card_per_day
-- comment: The target card: per calendar date target and actual tons, week- and month-to-date sums,
--   achievement ratio (NULL when the target is 0 or missing). Stores mart.v_target_card_per_day, which holds
--   the query.
-- label: 目標カード（日別の目標と実績）
-- unique index ux_mv_target_card_per_day_ddate (ddate)
-- index ix_mv_target_card_per_day_iso_week (iso_year, iso_week)

SELECT * FROM mart.v_target_card_per_day c
