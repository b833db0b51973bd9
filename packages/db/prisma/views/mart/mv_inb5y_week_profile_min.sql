-- materialized view mart.mv_inb5y_week_profile_min
-- comment: Per ISO week over five years: average business day and average reserve day (Sunday/holiday). Input of the weekly forecast.
-- label: 過去5年の週別平均（営業日・休日）
-- unique index ux_mv_inb5y_week_profile_min (iso_week)

SELECT
    d.iso_week,
    AVG(d.ton) FILTER (WHERE d.is_business_day) AS avg_biz_day_ton,
    AVG(d.ton) FILTER (WHERE d.day_type = 'sun_hol') AS avg_reserve_day_ton,
    COUNT(*) FILTER (WHERE d.is_business_day) AS n_biz_days,
    COUNT(*) FILTER (WHERE d.day_type = 'sun_hol') AS n_reserve_days
FROM mart.v_receive_5y_days d
GROUP BY d.iso_week
