-- view mart.v_receive_5y_days
-- comment: Every calendar day of the five ISO years before the latest year with receipts, with its received
--   tons (0 on a day without any): the one input of the four 5-year averages (mart.mv_inb5y_week_profile_min,
--   mart.mv_inb_avg5y_day_biz, mart.mv_inb_avg5y_day_scope, mart.mv_inb_avg5y_weeksum_biz).
-- label: 過去5年の日別受入（5年平均の元データ）

WITH bounds AS (
    SELECT EXTRACT(isoyear FROM MAX(r.ddate))::int AS last_year FROM mart.mv_receive_daily r
)
SELECT c.ddate, c.iso_year, c.iso_week, c.iso_dow, c.is_business_day, c.day_type,
       COALESCE(r.receive_net_ton, 0) AS ton
FROM ref.calendar c
CROSS JOIN bounds b
LEFT JOIN mart.mv_receive_daily r ON r.ddate = c.ddate
WHERE c.iso_year BETWEEN b.last_year - 5 AND b.last_year - 1
