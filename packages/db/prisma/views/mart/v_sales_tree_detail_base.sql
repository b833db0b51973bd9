-- view mart.v_sales_tree_detail_base
-- comment: One row per current shipment line (final rows win over flash for a date that has any):
--   customer (業者), item, sales rep, weights and amounts. The base of the customer sales views.
-- label: 出荷明細

WITH winning AS (
    SELECT f.slip_date, f.slip_no, f.line_no, f.vendor_cd, f.vendor_name, f.item_cd, f.item_name,
           f.sales_rep, f.net_weight_kg, f.quantity, f.unit_price, f.amount
    FROM stg.shogun_final_shipment f
    UNION ALL
    SELECT s.slip_date, s.slip_no, s.line_no, s.vendor_cd, s.vendor_name, s.item_cd, s.item_name,
           s.sales_rep, s.net_weight_kg, s.quantity, s.unit_price, s.amount
    FROM stg.shogun_flash_shipment s
    WHERE NOT EXISTS (SELECT 1 FROM stg.shogun_final_shipment f WHERE f.slip_date = s.slip_date)
)
SELECT
    w.slip_date AS ddate,
    w.vendor_cd AS customer_cd,
    w.vendor_name AS customer_name,
    w.item_cd,
    w.item_name,
    w.sales_rep,
    w.slip_no,
    w.line_no,
    w.net_weight_kg,
    w.quantity,
    w.unit_price,
    w.amount AS amount_yen
FROM winning w
