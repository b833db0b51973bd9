-- materialized view mart.mv_target_card_per_day
-- comment: The target card: per calendar date target and actual tons, week- and month-to-date sums, achievement ratio.
-- unique index ux_mv_target_card_per_day_ddate (ddate)

WITH biz_days AS (
    SELECT date_trunc('month', c.ddate)::date AS month, COUNT(*) AS n
    FROM ref.calendar c
    WHERE c.is_business_day
    GROUP BY 1
), day AS (
    SELECT
        c.ddate,
        c.iso_year,
        c.iso_week,
        date_trunc('month', c.ddate)::date AS month,
        COALESCE(
            p.target_ton,
            CASE
                WHEN m.target_ton IS NULL THEN NULL
                WHEN c.is_business_day THEN m.target_ton / NULLIF(b.n, 0)
                ELSE 0
            END
        ) AS target_ton,
        COALESCE(r.receive_net_ton, 0) AS actual_ton
    FROM ref.calendar c
    LEFT JOIN mart.daily_target_plan p ON p.ddate = c.ddate
    LEFT JOIN kpi.monthly_targets m ON m.month = date_trunc('month', c.ddate)::date
    LEFT JOIN biz_days b ON b.month = date_trunc('month', c.ddate)::date
    LEFT JOIN mart.mv_receive_daily r ON r.ddate = c.ddate
)
SELECT
    d.ddate,
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
