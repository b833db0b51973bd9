-- materialized view mart.mv_inb_avg5y_weeksum_biz
-- comment: 5-year mean and standard deviation of weekly received tons per ISO week, business days only.
-- label: 過去5年の週合計の平均と標準偏差
-- unique index ux_mv_inb_avg5y_weeksum_biz (iso_week)

WITH weeks AS (
    SELECT d.iso_year, d.iso_week, SUM(d.ton) AS week_ton
    FROM mart.v_receive_5y_days d
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
