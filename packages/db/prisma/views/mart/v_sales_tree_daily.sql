-- view mart.v_sales_tree_daily
-- comment: The customer → item tree per day: tons, amount and slips per (date, customer, item).
--   A line without a customer or item code counts under ''.

SELECT
    b.ddate,
    COALESCE(b.customer_cd, '') AS customer_cd,
    COALESCE(b.item_cd, '') AS item_cd,
    MAX(b.customer_name) AS customer_name,
    MAX(b.item_name) AS item_name,
    COALESCE(SUM(b.net_weight_kg), 0) / 1000 AS net_ton,
    COALESCE(SUM(b.amount_yen), 0) AS amount_yen,
    COUNT(DISTINCT b.slip_no) AS slip_count
FROM mart.v_sales_tree_detail_base b
GROUP BY b.ddate, COALESCE(b.customer_cd, ''), COALESCE(b.item_cd, '')
