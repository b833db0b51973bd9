-- requires: mart.mv_receive_daily
-- The weekly and monthly views, same columns as before, now built on the materialized view.
-- (The old system failed here with "relation mart.mv_receive_daily does not exist" when a CASCADE
-- or an out-of-order run had removed the MV; the `requires` header makes the runner check first.)
CREATE VIEW mart.v_receive_weekly AS
SELECT
    d.iso_year,
    d.iso_week,
    MIN(d.ddate - (EXTRACT(isodow FROM d.ddate)::int - 1)) AS week_start,
    COUNT(*) AS days_with_data,
    SUM(d.receive_net_ton) AS receive_net_ton,
    SUM(d.slip_count) AS slip_count,
    SUM(d.amount_yen) AS amount_yen
FROM mart.mv_receive_daily d
GROUP BY d.iso_year, d.iso_week;

CREATE VIEW mart.v_receive_monthly AS
SELECT
    date_trunc('month', d.ddate)::date AS month,
    COUNT(*) AS days_with_data,
    SUM(d.receive_net_ton) AS receive_net_ton,
    SUM(d.slip_count) AS slip_count,
    SUM(d.amount_yen) AS amount_yen
FROM mart.mv_receive_daily d
GROUP BY date_trunc('month', d.ddate)::date;
