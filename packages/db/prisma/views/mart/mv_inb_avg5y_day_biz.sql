-- materialized view mart.mv_inb_avg5y_day_biz
-- comment: 5-year average received tons per (ISO week, ISO weekday), business days only.
-- label: 過去5年の曜日別平均（営業日）
-- unique index ux_mv_inb_avg5y_day_biz (iso_week, iso_dow)

SELECT
    d.iso_week,
    d.iso_dow,
    AVG(d.ton) AS avg_ton,
    COUNT(*) AS n_days,
    MIN(d.iso_year) AS year_from,
    MAX(d.iso_year) AS year_to
FROM mart.v_receive_5y_days d
WHERE d.is_business_day
GROUP BY d.iso_week, d.iso_dow
