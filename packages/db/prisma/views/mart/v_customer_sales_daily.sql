-- view mart.v_customer_sales_daily
-- comment: Sales per date and customer: tons, amount, number of items and of distinct slips.
--   Read by GET /sales/customers/daily. A line without a customer code counts under ''.
-- label: 得意先別売上（日別）

SELECT
    b.ddate,
    COALESCE(b.customer_cd, '') AS customer_cd,
    MAX(b.customer_name) AS customer_name,
    COALESCE(SUM(b.net_weight_kg), 0) / 1000 AS net_ton,
    COALESCE(SUM(b.amount_yen), 0) AS amount_yen,
    COUNT(DISTINCT COALESCE(b.item_cd, '')) AS item_count,
    COUNT(DISTINCT b.slip_no) AS slip_count
FROM mart.v_sales_tree_detail_base b
GROUP BY b.ddate, COALESCE(b.customer_cd, '')
