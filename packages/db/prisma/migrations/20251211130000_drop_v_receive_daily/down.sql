-- Restore the plain views exactly as 20251202000000_ref_views created them.

-- One row per date with receive rows: final rows win over flash for a date that has any final rows.
CREATE VIEW mart.v_receive_daily AS
WITH winning AS (
    SELECT f.slip_date, f.slip_no, f.net_weight_kg, f.amount
    FROM stg.shogun_final_receive f
    UNION ALL
    SELECT s.slip_date, s.slip_no, s.net_weight_kg, s.amount
    FROM stg.shogun_flash_receive s
    WHERE NOT EXISTS (SELECT 1 FROM stg.shogun_final_receive f WHERE f.slip_date = s.slip_date)
)
SELECT
    w.slip_date AS ddate,
    COALESCE(c.iso_year, EXTRACT(isoyear FROM w.slip_date)::int) AS iso_year,
    COALESCE(c.iso_week, EXTRACT(week FROM w.slip_date)::int) AS iso_week,
    COALESCE(SUM(w.net_weight_kg), 0) / 1000 AS receive_net_ton,
    COUNT(DISTINCT w.slip_no) AS slip_count,
    COALESCE(SUM(w.amount), 0) AS amount_yen
FROM winning w
LEFT JOIN ref.calendar c ON c.ddate = w.slip_date
GROUP BY w.slip_date, c.iso_year, c.iso_week;

CREATE VIEW mart.v_receive_weekly AS
SELECT
    d.iso_year,
    d.iso_week,
    MIN(d.ddate - (EXTRACT(isodow FROM d.ddate)::int - 1)) AS week_start,
    COUNT(*) AS days_with_data,
    SUM(d.receive_net_ton) AS receive_net_ton,
    SUM(d.slip_count) AS slip_count,
    SUM(d.amount_yen) AS amount_yen
FROM mart.v_receive_daily d
GROUP BY d.iso_year, d.iso_week;

CREATE VIEW mart.v_receive_monthly AS
SELECT
    date_trunc('month', d.ddate)::date AS month,
    COUNT(*) AS days_with_data,
    SUM(d.receive_net_ton) AS receive_net_ton,
    SUM(d.slip_count) AS slip_count,
    SUM(d.amount_yen) AS amount_yen
FROM mart.v_receive_daily d
GROUP BY date_trunc('month', d.ddate)::date;
