-- requires: mart.mv_receive_daily, ref.calendar
-- Per ISO week over five years: the average business day and the average reserve day
-- (Sunday or holiday, day_type = 'sun_hol'). Input of the weekly forecast.
-- The window: the five ISO years before the ISO year of the latest date in mart.mv_receive_daily
-- (data-driven rather than current_date, so a refresh of old data gives the same answer).
-- A calendar day without receive rows counts as 0 t.
CREATE MATERIALIZED VIEW mart.mv_inb5y_week_profile_min AS
WITH bounds AS (
    SELECT EXTRACT(isoyear FROM MAX(r.ddate))::int AS last_year FROM mart.mv_receive_daily r
), days AS (
    SELECT c.ddate, c.iso_year, c.iso_week, c.iso_dow, c.is_business_day, c.day_type,
           COALESCE(r.receive_net_ton, 0) AS ton
    FROM ref.calendar c
    CROSS JOIN bounds b
    LEFT JOIN mart.mv_receive_daily r ON r.ddate = c.ddate
    WHERE c.iso_year BETWEEN b.last_year - 5 AND b.last_year - 1
)
SELECT
    d.iso_week,
    AVG(d.ton) FILTER (WHERE d.is_business_day) AS avg_biz_day_ton,
    AVG(d.ton) FILTER (WHERE d.day_type = 'sun_hol') AS avg_reserve_day_ton,
    COUNT(*) FILTER (WHERE d.is_business_day) AS n_biz_days,
    COUNT(*) FILTER (WHERE d.day_type = 'sun_hol') AS n_reserve_days
FROM days d
GROUP BY d.iso_week
WITH DATA;

CREATE UNIQUE INDEX ux_mv_inb5y_week_profile_min ON mart.mv_inb5y_week_profile_min (iso_week);
