-- view mart.v_daily_target_with_calendar
-- comment: One row per calendar date: ISO week, weekday, day type and the target tons (the daily plan,
--   else the month's target spread over its business days, 0 on other days, NULL when neither exists).
--   The source of the target card.
-- label: 日別目標とカレンダー

WITH biz_days AS (
    SELECT date_trunc('month', c.ddate)::date AS month, COUNT(*) AS n
    FROM ref.calendar c
    WHERE c.is_business_day
    GROUP BY 1
)
SELECT
    c.ddate,
    c.iso_year,
    c.iso_week,
    c.iso_dow,
    c.day_type,
    c.is_business_day,
    COALESCE(
        p.target_ton,
        CASE
            WHEN m.target_ton IS NULL THEN NULL
            WHEN c.is_business_day THEN m.target_ton / NULLIF(b.n, 0)
            ELSE 0
        END
    ) AS target_ton
FROM ref.calendar c
LEFT JOIN mart.daily_target_plan p ON p.ddate = c.ddate
LEFT JOIN kpi.monthly_targets m ON m.month = date_trunc('month', c.ddate)::date
LEFT JOIN biz_days b ON b.month = date_trunc('month', c.ddate)::date
