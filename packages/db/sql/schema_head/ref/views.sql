-- ref/views.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: v_calendar_classified; Type: VIEW; Schema: ref; Owner: -
--

CREATE VIEW ref.v_calendar_classified AS
 SELECT c.ddate,
    c.iso_year,
    c.iso_week,
    c.iso_dow,
    (c.ddate - (c.iso_dow - 1)) AS iso_week_start,
    c.day_type,
        CASE
            WHEN c.is_business_day THEN 'business'::text
            WHEN c.is_holiday THEN 'holiday'::text
            ELSE 'sunday'::text
        END AS day_class,
    c.is_business_day,
    c.is_holiday,
    c.holiday_name,
    (c.day_type = 'sun_hol'::text) AS is_reserve_day,
    (date_trunc('month'::text, (c.ddate)::timestamp with time zone))::date AS month,
        CASE
            WHEN c.is_business_day THEN count(*) FILTER (WHERE c.is_business_day) OVER month_to_date
            ELSE NULL::bigint
        END AS biz_day_of_month,
    count(*) FILTER (WHERE c.is_business_day) OVER month_to_date AS biz_days_mtd,
    count(*) FILTER (WHERE c.is_business_day) OVER whole_month AS biz_days_in_month
   FROM ref.calendar c
  WINDOW month_to_date AS (PARTITION BY (date_trunc('month'::text, (c.ddate)::timestamp with time zone)) ORDER BY c.ddate), whole_month AS (PARTITION BY (date_trunc('month'::text, (c.ddate)::timestamp with time zone)));

