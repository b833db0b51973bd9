-- view mart.v_customer_sales_daily
-- comment: Sales per date and customer: tons, amount, number of items and slips. Read by GET /sales/customers/daily.

SELECT
    t.ddate,
    t.customer_cd,
    MAX(t.customer_name) AS customer_name,
    SUM(t.net_ton) AS net_ton,
    SUM(t.amount_yen) AS amount_yen,
    COUNT(*) AS item_count,
    SUM(t.slip_count) AS slip_count
FROM mart.v_sales_tree_daily t
GROUP BY t.ddate, t.customer_cd
