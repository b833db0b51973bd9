-- materialized view mart.mv_receive_daily
-- comment: Received tons, slips and amount per date; final rows win over flash for a date that has any. Source of every receive dashboard.
-- label: 日別受入
-- incremental by ddate
-- unique index ux_mv_receive_daily_ddate (ddate)
-- index ix_mv_receive_daily_iso_week (iso_year, iso_week)

WITH winning AS (
    SELECT f.slip_date, f.slip_no, f.net_weight_kg, f.amount
    FROM stg.shogun_final_receive f
    UNION ALL
    SELECT s.slip_date, s.slip_no, s.net_weight_kg, s.amount
    FROM stg.shogun_flash_receive s
    WHERE NOT EXISTS (SELECT 1 FROM stg.shogun_final_receive f WHERE f.slip_date = s.slip_date)
)
SELECT
    w.slip_date AS ddate,
    COALESCE(c.iso_year, EXTRACT(isoyear FROM w.slip_date)::int) AS iso_year,
    COALESCE(c.iso_week, EXTRACT(week FROM w.slip_date)::int) AS iso_week,
    COALESCE(SUM(w.net_weight_kg), 0) / 1000 AS receive_net_ton,
    COUNT(DISTINCT w.slip_no) AS slip_count,
    COALESCE(SUM(w.amount), 0) AS amount_yen
FROM winning w
LEFT JOIN ref.calendar c ON c.ddate = w.slip_date
GROUP BY w.slip_date, c.iso_year, c.iso_week
