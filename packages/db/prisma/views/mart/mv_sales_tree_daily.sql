-- materialized view mart.mv_sales_tree_daily
-- comment: The materialized customer → item tree per day (mart.v_sales_tree_daily).
-- unique index ux_mv_sales_tree_daily (ddate, customer_cd, item_cd)

SELECT
    t.ddate,
    t.customer_cd,
    t.item_cd,
    t.customer_name,
    t.item_name,
    t.net_ton,
    t.amount_yen,
    t.slip_count
FROM mart.v_sales_tree_daily t
