-- view mart.v_receive_weekly
-- comment: Weekly sums (ISO week) of mart.mv_receive_daily.
-- label: 週別受入

SELECT
    d.iso_year,
    d.iso_week,
    MIN(d.ddate - (EXTRACT(isodow FROM d.ddate)::int - 1)) AS week_start,
    COUNT(*) AS days_with_data,
    SUM(d.receive_net_ton) AS receive_net_ton,
    SUM(d.slip_count) AS slip_count,
    SUM(d.amount_yen) AS amount_yen
FROM mart.mv_receive_daily d
GROUP BY d.iso_year, d.iso_week
