-- materialized view mart.mv_shipment_daily
-- comment: Shipped tons, slips and amount per date and sales rep; final rows win over flash for a date that has any.
-- label: 日別出荷（営業担当者別）
-- incremental by ddate
-- unique index ux_mv_shipment_daily_ddate_sales_rep (ddate, sales_rep)

WITH winning AS (
    SELECT f.slip_date, f.slip_no, f.sales_rep, f.net_weight_kg, f.amount
    FROM stg.shogun_final_shipment f
    UNION ALL
    SELECT s.slip_date, s.slip_no, s.sales_rep, s.net_weight_kg, s.amount
    FROM stg.shogun_flash_shipment s
    WHERE NOT EXISTS (SELECT 1 FROM stg.shogun_final_shipment f WHERE f.slip_date = s.slip_date)
)
SELECT
    w.slip_date AS ddate,
    COALESCE(w.sales_rep, '') AS sales_rep,
    COALESCE(SUM(w.net_weight_kg), 0) / 1000 AS shipment_net_ton,
    COUNT(DISTINCT w.slip_no) AS slip_count,
    COALESCE(SUM(w.amount), 0) AS amount_yen
FROM winning w
GROUP BY w.slip_date, COALESCE(w.sales_rep, '')
