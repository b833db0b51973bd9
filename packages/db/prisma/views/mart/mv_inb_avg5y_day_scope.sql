-- materialized view mart.mv_inb_avg5y_day_scope
-- comment: 5-year average received tons per (ISO week, ISO weekday) over all days (scope all) and business days (scope biz).
-- label: 過去5年の曜日別平均（全日・営業日）
-- unique index ux_mv_inb_avg5y_day_scope (scope, iso_week, iso_dow)

WITH scoped AS (
    SELECT 'all'::text AS scope, d.* FROM mart.v_receive_5y_days d
    UNION ALL
    SELECT 'biz'::text AS scope, d.* FROM mart.v_receive_5y_days d WHERE d.is_business_day
)
SELECT
    s.scope,
    s.iso_week,
    s.iso_dow,
    AVG(s.ton) AS avg_ton,
    COUNT(*) AS n_days
FROM scoped s
GROUP BY s.scope, s.iso_week, s.iso_dow
