-- mart/materialized_views.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: mv_inb5y_week_profile_min; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_inb5y_week_profile_min AS
 SELECT d.iso_week,
    avg(d.ton) FILTER (WHERE d.is_business_day) AS avg_biz_day_ton,
    avg(d.ton) FILTER (WHERE (d.day_type = 'sun_hol'::text)) AS avg_reserve_day_ton,
    count(*) FILTER (WHERE d.is_business_day) AS n_biz_days,
    count(*) FILTER (WHERE (d.day_type = 'sun_hol'::text)) AS n_reserve_days
   FROM mart.v_receive_5y_days d
  GROUP BY d.iso_week
  WITH NO DATA;

--
-- Name: mv_inb_avg5y_day_biz; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_inb_avg5y_day_biz AS
 SELECT d.iso_week,
    d.iso_dow,
    avg(d.ton) AS avg_ton,
    count(*) AS n_days,
    min(d.iso_year) AS year_from,
    max(d.iso_year) AS year_to
   FROM mart.v_receive_5y_days d
  WHERE d.is_business_day
  GROUP BY d.iso_week, d.iso_dow
  WITH NO DATA;

--
-- Name: mv_inb_avg5y_day_scope; Type: MATERIALIZED VIEW; Schema: mart; Owner: -
--

CREATE MATERIALIZED VIEW mart.mv_inb_avg5y_day_scope AS
 WITH scoped AS (
         SELECT 'all'::text AS scope,
            d.ddate,
            d.iso_year,
            d.iso_week,
            d.iso_dow,
            d.is_business_day,
            d.day_type,
            d.ton
           FROM mart.v_receive_5y_days d
        UNION ALL
         SELECT 'biz'::text AS scope,
            d.ddate,
            d.iso_year,
            d.iso_week,
            d.iso_dow,
            d.is_business_day,
            d.day_type,
            d.ton
           FROM mart.v_receive_5y_days d
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
 WITH weeks AS (
         SELECT d.iso_year,
            d.iso_week,
            sum(d.ton) AS week_ton
           FROM mart.v_receive_5y_days d
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
 SELECT c.ddate,
    c.iso_year,
    c.iso_week,
    c.target_ton,
    c.actual_ton,
    c.wtd_target_ton,
    c.wtd_actual_ton,
    c.mtd_target_ton,
    c.mtd_actual_ton,
    c.achievement_ratio
   FROM mart.v_target_card_per_day c
  WITH NO DATA;

