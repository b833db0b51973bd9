-- requires: mart.mv_receive_daily, ref.calendar
-- 5-year mean and sample standard deviation of weekly sums per ISO week, business days only.
-- The window: the five ISO years before the ISO year of the latest date in mart.mv_receive_daily
-- (data-driven rather than current_date, so a refresh of old data gives the same answer).
-- A calendar day without receive rows counts as 0 t.
CREATE MATERIALIZED VIEW mart.mv_inb_avg5y_weeksum_biz AS
WITH bounds AS (
    SELECT EXTRACT(isoyear FROM MAX(r.ddate))::int AS last_year FROM mart.mv_receive_daily r
), days AS (
    SELECT c.ddate, c.iso_year, c.iso_week, c.iso_dow, c.is_business_day, c.day_type,
           COALESCE(r.receive_net_ton, 0) AS ton
    FROM ref.calendar c
    CROSS JOIN bounds b
    LEFT JOIN mart.mv_receive_daily r ON r.ddate = c.ddate
    WHERE c.iso_year BETWEEN b.last_year - 5 AND b.last_year - 1
), weeks AS (
    SELECT d.iso_year, d.iso_week, SUM(d.ton) AS week_ton
    FROM days d
    WHERE d.is_business_day
    GROUP BY d.iso_year, d.iso_week
)
SELECT
    w.iso_week,
    AVG(w.week_ton) AS avg_week_ton,
    STDDEV_SAMP(w.week_ton) AS stddev_week_ton,
    COUNT(*) AS n_weeks
FROM weeks w
GROUP BY w.iso_week
WITH DATA;

CREATE UNIQUE INDEX ux_mv_inb_avg5y_weeksum_biz ON mart.mv_inb_avg5y_weeksum_biz (iso_week);
