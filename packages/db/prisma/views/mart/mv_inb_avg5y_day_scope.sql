-- materialized view mart.mv_inb_avg5y_day_scope
-- comment: 5-year average received tons per (ISO week, ISO weekday) over all days (scope all) and business days (scope biz).
-- label: 過去5年の曜日別平均（全日・営業日）
-- unique index ux_mv_inb_avg5y_day_scope (scope, iso_week, iso_dow)

WITH bounds AS (
    SELECT EXTRACT(isoyear FROM MAX(r.ddate))::int AS last_year FROM mart.mv_receive_daily r
), days AS (
    SELECT c.ddate, c.iso_year, c.iso_week, c.iso_dow, c.is_business_day, c.day_type,
           COALESCE(r.receive_net_ton, 0) AS ton
    FROM ref.calendar c
    CROSS JOIN bounds b
    LEFT JOIN mart.mv_receive_daily r ON r.ddate = c.ddate
    WHERE c.iso_year BETWEEN b.last_year - 5 AND b.last_year - 1
), scoped AS (
    SELECT 'all'::text AS scope, d.* FROM days d
    UNION ALL
    SELECT 'biz'::text AS scope, d.* FROM days d WHERE d.is_business_day
)
SELECT
    s.scope,
    s.iso_week,
    s.iso_dow,
    AVG(s.ton) AS avg_ton,
    COUNT(*) AS n_days
FROM scoped s
GROUP BY s.scope, s.iso_week, s.iso_dow
