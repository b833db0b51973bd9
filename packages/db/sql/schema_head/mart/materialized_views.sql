-- mart/materialized_views.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: mv_inb5y_week_profile_min; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_inb5y_week_profile_min AS
 WITH bounds AS (
         SELECT (EXTRACT(isoyear FROM max(r.ddate)))::integer AS last_year
           FROM mart.mv_receive_daily r
        ), days AS (
         SELECT c.ddate,
            c.iso_year,
            c.iso_week,
            c.iso_dow,
            c.is_business_day,
            c.day_type,
            COALESCE(r.receive_net_ton, (0)::numeric) AS ton
           FROM ((ref.calendar c
             CROSS JOIN bounds b)
             LEFT JOIN mart.mv_receive_daily r ON ((r.ddate = c.ddate)))
          WHERE ((c.iso_year >= (b.last_year - 5)) AND (c.iso_year <= (b.last_year - 1)))
        )
 SELECT d.iso_week,
    avg(d.ton) FILTER (WHERE d.is_business_day) AS avg_biz_day_ton,
    avg(d.ton) FILTER (WHERE (d.day_type = 'sun_hol'::text)) AS avg_reserve_day_ton,
    count(*) FILTER (WHERE d.is_business_day) AS n_biz_days,
    count(*) FILTER (WHERE (d.day_type = 'sun_hol'::text)) AS n_reserve_days
   FROM days d
  GROUP BY d.iso_week
  WITH NO DATA;

--
-- Name: mv_inb_avg5y_day_biz; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_inb_avg5y_day_biz AS
 WITH bounds AS (
         SELECT (EXTRACT(isoyear FROM max(r.ddate)))::integer AS last_year
           FROM mart.mv_receive_daily r
        ), days AS (
         SELECT c.ddate,
            c.iso_year,
            c.iso_week,
            c.iso_dow,
            c.is_business_day,
            c.day_type,
            COALESCE(r.receive_net_ton, (0)::numeric) AS ton
           FROM ((ref.calendar c
             CROSS JOIN bounds b)
             LEFT JOIN mart.mv_receive_daily r ON ((r.ddate = c.ddate)))
          WHERE ((c.iso_year >= (b.last_year - 5)) AND (c.iso_year <= (b.last_year - 1)))
        )
 SELECT d.iso_week,
    d.iso_dow,
    avg(d.ton) AS avg_ton,
    count(*) AS n_days,
    min(d.iso_year) AS year_from,
    max(d.iso_year) AS year_to
   FROM days d
  WHERE d.is_business_day
  GROUP BY d.iso_week, d.iso_dow
  WITH NO DATA;

--
-- Name: mv_inb_avg5y_day_scope; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_inb_avg5y_day_scope AS
 WITH bounds AS (
         SELECT (EXTRACT(isoyear FROM max(r.ddate)))::integer AS last_year
           FROM mart.mv_receive_daily r
        ), days AS (
         SELECT c.ddate,
            c.iso_year,
            c.iso_week,
            c.iso_dow,
            c.is_business_day,
            c.day_type,
            COALESCE(r.receive_net_ton, (0)::numeric) AS ton
           FROM ((ref.calendar c
             CROSS JOIN bounds b)
             LEFT JOIN mart.mv_receive_daily r ON ((r.ddate = c.ddate)))
          WHERE ((c.iso_year >= (b.last_year - 5)) AND (c.iso_year <= (b.last_year - 1)))
        ), scoped AS (
         SELECT 'all'::text AS scope,
            d.ddate,
            d.iso_year,
            d.iso_week,
            d.iso_dow,
            d.is_business_day,
            d.day_type,
            d.ton
           FROM days d
        UNION ALL
         SELECT 'biz'::text AS scope,
            d.ddate,
            d.iso_year,
            d.iso_week,
            d.iso_dow,
            d.is_business_day,
            d.day_type,
            d.ton
           FROM days d
          WHERE d.is_business_day
        )
 SELECT s.scope,
    s.iso_week,
    s.iso_dow,
    avg(s.ton) AS avg_ton,
    count(*) AS n_days
   FROM scoped s
  GROUP BY s.scope, s.iso_week, s.iso_dow
  WITH NO DATA;

--
-- Name: mv_inb_avg5y_weeksum_biz; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_inb_avg5y_weeksum_biz AS
 WITH bounds AS (
         SELECT (EXTRACT(isoyear FROM max(r.ddate)))::integer AS last_year
           FROM mart.mv_receive_daily r
        ), days AS (
         SELECT c.ddate,
            c.iso_year,
            c.iso_week,
            c.iso_dow,
            c.is_business_day,
            c.day_type,
            COALESCE(r.receive_net_ton, (0)::numeric) AS ton
           FROM ((ref.calendar c
             CROSS JOIN bounds b)
             LEFT JOIN mart.mv_receive_daily r ON ((r.ddate = c.ddate)))
          WHERE ((c.iso_year >= (b.last_year - 5)) AND (c.iso_year <= (b.last_year - 1)))
        ), weeks AS (
         SELECT d.iso_year,
            d.iso_week,
            sum(d.ton) AS week_ton
           FROM days d
          WHERE d.is_business_day
          GROUP BY d.iso_year, d.iso_week
        )
 SELECT w.iso_week,
    avg(w.week_ton) AS avg_week_ton,
    stddev_samp(w.week_ton) AS stddev_week_ton,
    count(*) AS n_weeks
   FROM weeks w
  GROUP BY w.iso_week
  WITH NO DATA;

--
-- Name: mv_target_card_per_day; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_target_card_per_day AS
 WITH day AS (
         SELECT t.ddate,
            t.iso_year,
            t.iso_week,
            (date_trunc('month'::text, (t.ddate)::timestamp with time zone))::date AS month,
            t.target_ton,
            COALESCE(r.receive_net_ton, (0)::numeric) AS actual_ton
           FROM (mart.v_daily_target_with_calendar t
             LEFT JOIN mart.mv_receive_daily r ON ((r.ddate = t.ddate)))
        )
 SELECT d.ddate,
    d.iso_year,
    d.iso_week,
    d.target_ton,
    d.actual_ton,
    sum(d.target_ton) OVER week_to_date AS wtd_target_ton,
    sum(d.actual_ton) OVER week_to_date AS wtd_actual_ton,
    sum(d.target_ton) OVER month_to_date AS mtd_target_ton,
    sum(d.actual_ton) OVER month_to_date AS mtd_actual_ton,
    (d.actual_ton / NULLIF(d.target_ton, (0)::numeric)) AS achievement_ratio
   FROM day d
  WINDOW week_to_date AS (PARTITION BY d.iso_year, d.iso_week ORDER BY d.ddate), month_to_date AS (PARTITION BY d.month ORDER BY d.ddate)
  WITH NO DATA;

