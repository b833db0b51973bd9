-- view ref.v_calendar_classified
-- comment: One row per calendar date, classified: business day (Mon–Sat, not a holiday), holiday or
--   Sunday; reserve day (Sunday or holiday, the 5-year profile's 予約日); ISO year, week and weekday
--   with the week's Monday; and the month-to-date position: the n-th business day of the month
--   (NULL on other days), business days so far and business days in the month. The one place
--   staff and dashboards read the day classification from.
-- label: 営業日カレンダー

SELECT
    c.ddate,
    c.iso_year,
    c.iso_week,
    c.iso_dow,
    (c.ddate - (c.iso_dow - 1))::date AS iso_week_start,
    c.day_type,
    CASE
        WHEN c.is_business_day THEN 'business'
        WHEN c.is_holiday THEN 'holiday'
        ELSE 'sunday'
    END AS day_class,
    c.is_business_day,
    c.is_holiday,
    c.holiday_name,
    (c.day_type = 'sun_hol') AS is_reserve_day,
    date_trunc('month', c.ddate)::date AS month,
    CASE
        WHEN c.is_business_day THEN COUNT(*) FILTER (WHERE c.is_business_day) OVER month_to_date
    END AS biz_day_of_month,
    COUNT(*) FILTER (WHERE c.is_business_day) OVER month_to_date AS biz_days_mtd,
    COUNT(*) FILTER (WHERE c.is_business_day) OVER whole_month AS biz_days_in_month
FROM ref.calendar c
WINDOW
    month_to_date AS (PARTITION BY date_trunc('month', c.ddate) ORDER BY c.ddate),
    whole_month AS (PARTITION BY date_trunc('month', c.ddate))
