-- materialized view mart.mv_inb5y_week_profile_min
-- comment: Per ISO week over five years: average business day and average reserve day (Sunday/holiday). Input of the weekly forecast.
-- label: 過去5年の週別平均（営業日・休日）
-- unique index ux_mv_inb5y_week_profile_min (iso_week)

WITH bounds AS (
    SELECT EXTRACT(isoyear FROM MAX(r.ddate))::int AS last_year FROM mart.mv_receive_daily r
), days AS (
    SELECT c.ddate, c.iso_year, c.iso_week, c.iso_dow, c.is_business_day, c.day_type,
           COALESCE(r.receive_net_ton, 0) AS ton
    FROM ref.calendar c
    CROSS JOIN bounds b
    LEFT JOIN mart.mv_receive_daily r ON r.ddate = c.ddate
    WHERE c.iso_year BETWEEN b.last_year - 5 AND b.last_year - 1
)
SELECT
    d.iso_week,
    AVG(d.ton) FILTER (WHERE d.is_business_day) AS avg_biz_day_ton,
    AVG(d.ton) FILTER (WHERE d.day_type = 'sun_hol') AS avg_reserve_day_ton,
    COUNT(*) FILTER (WHERE d.is_business_day) AS n_biz_days,
    COUNT(*) FILTER (WHERE d.day_type = 'sun_hol') AS n_reserve_days
FROM days d
GROUP BY d.iso_week
