-- view mart.v_target_card_per_day
-- comment: The target card's query, always current: per calendar date target and actual tons, week- and
--   month-to-date sums, achievement ratio. mart.mv_target_card_per_day stores it for the dashboards; compare
--   the two to see what a refresh would change. Built on mart.v_daily_target_with_calendar.
-- label: 目標カード（常に最新）

WITH day AS (
    SELECT
        t.ddate,
        t.iso_year,
        t.iso_week,
        date_trunc('month', t.ddate)::date AS month,
        t.target_ton,
        COALESCE(r.receive_net_ton, 0) AS actual_ton
    FROM mart.v_daily_target_with_calendar t
    LEFT JOIN mart.mv_receive_daily r ON r.ddate = t.ddate
)
SELECT
    d.ddate,
    d.iso_year,
    d.iso_week,
    d.target_ton,
    d.actual_ton,
    SUM(d.target_ton) OVER week_to_date AS wtd_target_ton,
    SUM(d.actual_ton) OVER week_to_date AS wtd_actual_ton,
    SUM(d.target_ton) OVER month_to_date AS mtd_target_ton,
    SUM(d.actual_ton) OVER month_to_date AS mtd_actual_ton,
    d.actual_ton / NULLIF(d.target_ton, 0) AS achievement_ratio
FROM day d
WINDOW
    week_to_date AS (PARTITION BY d.iso_year, d.iso_week ORDER BY d.ddate),
    month_to_date AS (PARTITION BY d.month ORDER BY d.ddate)
