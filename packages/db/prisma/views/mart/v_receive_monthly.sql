-- view mart.v_receive_monthly
-- comment: Monthly sums of mart.mv_receive_daily.
-- label: 月別受入

SELECT
    date_trunc('month', d.ddate)::date AS month,
    COUNT(*) AS days_with_data,
    SUM(d.receive_net_ton) AS receive_net_ton,
    SUM(d.slip_count) AS slip_count,
    SUM(d.amount_yen) AS amount_yen
FROM mart.mv_receive_daily d
GROUP BY date_trunc('month', d.ddate)::date
