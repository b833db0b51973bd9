-- materialized view mart.mv_inb_avg5y_weeksum_biz
-- comment: 5-year mean and standard deviation of weekly received tons per ISO week, business days only.
-- label: 過去5年の週合計の平均と標準偏差
-- unique index ux_mv_inb_avg5y_weeksum_biz (iso_week)

WITH bounds AS (
    SELECT EXTRACT(isoyear FROM MAX(r.ddate))::int AS last_year FROM mart.mv_receive_daily r
), days AS (
    SELECT c.ddate, c.iso_year, c.iso_week, c.iso_dow, c.is_business_day, c.day_type,
           COALESCE(r.receive_net_ton, 0) AS ton
    FROM ref.calendar c
    CROSS JOIN bounds b
    LEFT JOIN mart.mv_receive_daily r ON r.ddate = c.ddate
    WHERE c.iso_year BETWEEN b.last_year - 5 AND b.last_year - 1
), weeks AS (
    SELECT d.iso_year, d.iso_week, SUM(d.ton) AS week_ton
    FROM days d
    WHERE d.is_business_day
    GROUP BY d.iso_year, d.iso_week
)
SELECT
    w.iso_week,
    AVG(w.week_ton) AS avg_week_ton,
    STDDEV_SAMP(w.week_ton) AS stddev_week_ton,
    COUNT(*) AS n_weeks
FROM weeks w
GROUP BY w.iso_week
