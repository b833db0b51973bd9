-- materialized view mart.mv_inb_avg5y_day_biz
-- comment: 5-year average received tons per (ISO week, ISO weekday), business days only.
-- label: 過去5年の曜日別平均（営業日）
-- unique index ux_mv_inb_avg5y_day_biz (iso_week, iso_dow)

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
    d.iso_dow,
    AVG(d.ton) AS avg_ton,
    COUNT(*) AS n_days,
    MIN(d.iso_year) AS year_from,
    MAX(d.iso_year) AS year_to
FROM days d
WHERE d.is_business_day
GROUP BY d.iso_week, d.iso_dow
